package ai.llamafactory.api.chat;

import ai.llamafactory.api.exception.InvalidChatRequestException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What to generate: the conversation, the tools the model may call and the sampling parameters. Immutable; build with
 * {@link #builder()}. Every parameter left unset means "the model's generation_config.json default".
 *
 * <p>Parameters follow OpenAI's chat-completions request (and LLaMA-Factory's API, which maps them to
 * transformers' generation arguments): {@code temperature} in [0, 2] where 0 means greedy decoding, {@code top_p}
 * in [0, 1], {@code top_k} &gt;= 0 where 0 disables it, {@code max_tokens} &gt;= 1 (transformers'
 * {@code max_new_tokens}), {@code stop} strings that end a reply (not included in it), {@code n} replies in 1..128,
 * a {@code seed} for reproducible sampling, {@code do_sample} to force sampling on or off, and a
 * {@code repetition_penalty} &gt; 0. Validation errors are {@link InvalidChatRequestException}s naming the field and
 * the rejected value.
 */
public final class ChatRequest {
    /** The largest {@code n} accepted, as OpenAI's API. */
    public static final int MAX_CHOICES = 128;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<ChatMessage> messages;
    private final String tools;
    private final Double temperature;
    private final Double topP;
    private final Integer topK;
    private final Integer maxTokens;
    private final List<String> stop;
    private final int n;
    private final Long seed;
    private final Boolean doSample;
    private final Double repetitionPenalty;

    private ChatRequest(Builder b) {
        if (b.messages.isEmpty()) {
            throw new InvalidChatRequestException(
                    "messages", "messages: a chat request needs at least one message," + " got an empty list");
        }
        for (int i = 0; i < b.messages.size(); i++) {
            if (b.messages.get(i) == null) {
                throw new InvalidChatRequestException("messages[" + i + "]", "messages[" + i + "]: got null");
            }
        }
        this.messages = List.copyOf(b.messages);
        this.tools = b.tools == null ? null : checkTools(b.tools);
        this.temperature = checkRange("temperature", b.temperature, 0.0, 2.0);
        this.topP = checkRange("top_p", b.topP, 0.0, 1.0);
        if (b.topK != null && b.topK < 0) {
            throw new InvalidChatRequestException("top_k", "top_k: must be >= 0 (0 disables it), got " + b.topK);
        }
        this.topK = b.topK;
        if (b.maxTokens != null && b.maxTokens < 1) {
            throw new InvalidChatRequestException("max_tokens", "max_tokens: must be >= 1, got " + b.maxTokens);
        }
        this.maxTokens = b.maxTokens;
        for (int i = 0; i < b.stop.size(); i++) {
            String s = b.stop.get(i);
            if (s == null || s.isEmpty()) {
                throw new InvalidChatRequestException(
                        "stop", "stop[" + i + "]: stop strings must not be empty, got " + (s == null ? "null" : "''"));
            }
        }
        this.stop = List.copyOf(b.stop);
        if (b.n < 1 || b.n > MAX_CHOICES) {
            throw new InvalidChatRequestException("n", "n: must be between 1 and " + MAX_CHOICES + ", got " + b.n);
        }
        this.n = b.n;
        this.seed = b.seed;
        this.doSample = b.doSample;
        if (b.repetitionPenalty != null && !(b.repetitionPenalty > 0 && Double.isFinite(b.repetitionPenalty))) {
            throw new InvalidChatRequestException(
                    "repetition_penalty",
                    "repetition_penalty: must be a finite number" + " > 0 (1 means no penalty), got "
                            + b.repetitionPenalty);
        }
        this.repetitionPenalty = b.repetitionPenalty;
    }

    private static Double checkRange(String field, Double value, double min, double max) {
        if (value != null && !(value >= min && value <= max)) {
            throw new InvalidChatRequestException(
                    field, field + ": must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    private static String checkTools(String tools) {
        JsonNode root;
        try {
            root = JSON.readTree(tools);
        } catch (JsonProcessingException e) {
            throw new InvalidChatRequestException(
                    "tools", "tools: not valid JSON (" + e.getOriginalMessage() + "): " + abbreviate(tools));
        }
        if (root == null || !root.isArray()) {
            throw new InvalidChatRequestException(
                    "tools", "tools: expected a JSON array of tool definitions, got " + abbreviate(tools));
        }
        for (int i = 0; i < root.size(); i++) {
            JsonNode tool = root.get(i);
            String at = "tools[" + i + "]";
            if (!tool.isObject()) {
                throw new InvalidChatRequestException(at, at + ": expected an object, got " + tool);
            }
            JsonNode type = tool.get("type");
            if (type == null || !"function".equals(type.asText(null))) {
                throw new InvalidChatRequestException(
                        at + ".type",
                        at + ".type: expected 'function', got " + (type == null ? "nothing" : type.toString()));
            }
            JsonNode function = tool.get("function");
            if (function == null || !function.isObject()) {
                throw new InvalidChatRequestException(
                        at + ".function",
                        at + ".function: expected an object with a" + " name, got "
                                + (function == null ? "nothing" : function.toString()));
            }
            JsonNode name = function.get("name");
            if (name == null || !name.isTextual() || name.asText().isBlank()) {
                throw new InvalidChatRequestException(
                        at + ".function.name",
                        at + ".function.name: expected a" + " non-empty string, got "
                                + (name == null ? "nothing" : name.toString()));
            }
        }
        return root.toString();
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? "'" + text + "'" : "'" + text.substring(0, 77) + "...'";
    }

    /** @return a builder with no messages and every parameter unset ({@code n} = 1) */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder initialised with this request's values */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.messages.addAll(messages);
        b.tools = tools;
        b.temperature = temperature;
        b.topP = topP;
        b.topK = topK;
        b.maxTokens = maxTokens;
        b.stop.addAll(stop);
        b.n = n;
        b.seed = seed;
        b.doSample = doSample;
        b.repetitionPenalty = repetitionPenalty;
        return b;
    }

    /** @return the conversation, never empty */
    public List<ChatMessage> messages() {
        return messages;
    }

    /**
     * The tools the model may call, as OpenAI's {@code tools} JSON array ({@code [{"type": "function", "function":
     * {"name": ..., "description": ..., "parameters": {...}}}]}), compact. LLaMA-Factory's templates format the list
     * of the {@code function} members.
     *
     * @return the tools array as JSON text; empty when the request offers no tools
     */
    public Optional<String> tools() {
        return Optional.ofNullable(tools);
    }

    /** @return the sampling temperature, 0 meaning greedy */
    public OptionalDouble temperature() {
        return temperature == null ? OptionalDouble.empty() : OptionalDouble.of(temperature);
    }

    /** @return the nucleus sampling mass */
    public OptionalDouble topP() {
        return topP == null ? OptionalDouble.empty() : OptionalDouble.of(topP);
    }

    /** @return the number of most likely tokens kept before sampling, 0 meaning all */
    public OptionalInt topK() {
        return topK == null ? OptionalInt.empty() : OptionalInt.of(topK);
    }

    /** @return the most tokens to generate per choice */
    public OptionalInt maxTokens() {
        return maxTokens == null ? OptionalInt.empty() : OptionalInt.of(maxTokens);
    }

    /** @return strings that end a reply when generated (not included in it); empty for none */
    public List<String> stop() {
        return stop;
    }

    /** @return how many replies to generate, 1 by default */
    public int n() {
        return n;
    }

    /** @return the seed of the sampler's random numbers */
    public OptionalLong seed() {
        return seed == null ? OptionalLong.empty() : OptionalLong.of(seed);
    }

    /** @return true to sample, false for greedy decoding; empty leaves it to the model's defaults */
    public Optional<Boolean> doSample() {
        return Optional.ofNullable(doSample);
    }

    /** @return the repetition penalty (transformers' {@code repetition_penalty}), 1 meaning none */
    public OptionalDouble repetitionPenalty() {
        return repetitionPenalty == null ? OptionalDouble.empty() : OptionalDouble.of(repetitionPenalty);
    }

    @Override
    public String toString() {
        return "ChatRequest{messages=" + messages.size() + ", tools=" + (tools != null) + ", temperature="
                + temperature + ", top_p=" + topP + ", top_k=" + topK + ", max_tokens=" + maxTokens + ", stop=" + stop
                + ", n=" + n + ", seed=" + seed + ", do_sample=" + doSample + ", repetition_penalty="
                + repetitionPenalty + "}";
    }

    /** Builder for {@link ChatRequest}; {@link #build()} validates. */
    public static final class Builder {
        private final List<ChatMessage> messages = new ArrayList<>();
        private String tools;
        private Double temperature;
        private Double topP;
        private Integer topK;
        private Integer maxTokens;
        private final List<String> stop = new ArrayList<>();
        private int n = 1;
        private Long seed;
        private Boolean doSample;
        private Double repetitionPenalty;

        private Builder() {}

        /**
         * Replaces the conversation.
         *
         * @param messages the messages, oldest first
         * @return this builder
         */
        public Builder messages(List<ChatMessage> messages) {
            this.messages.clear();
            this.messages.addAll(messages);
            return this;
        }

        /**
         * Appends a message.
         *
         * @param message the next message
         * @return this builder
         */
        public Builder addMessage(ChatMessage message) {
            messages.add(message);
            return this;
        }

        /**
         * @param toolsJson OpenAI's {@code tools} JSON array; null for none
         * @return this builder
         */
        public Builder tools(String toolsJson) {
            this.tools = toolsJson;
            return this;
        }

        /**
         * @param temperature in [0, 2]; 0 means greedy; null for the model's default
         * @return this builder
         */
        public Builder temperature(Double temperature) {
            this.temperature = temperature;
            return this;
        }

        /**
         * @param topP in [0, 1]; null for the model's default
         * @return this builder
         */
        public Builder topP(Double topP) {
            this.topP = topP;
            return this;
        }

        /**
         * @param topK &gt;= 0, 0 disables it; null for the model's default
         * @return this builder
         */
        public Builder topK(Integer topK) {
            this.topK = topK;
            return this;
        }

        /**
         * @param maxTokens &gt;= 1 tokens per choice; null for the model's default
         * @return this builder
         */
        public Builder maxTokens(Integer maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /**
         * Replaces the stop strings.
         *
         * @param stop non-empty strings; an empty list for none
         * @return this builder
         */
        public Builder stop(List<String> stop) {
            this.stop.clear();
            this.stop.addAll(stop);
            return this;
        }

        /**
         * @param n replies to generate, 1 to {@link #MAX_CHOICES}
         * @return this builder
         */
        public Builder n(int n) {
            this.n = n;
            return this;
        }

        /**
         * @param seed the sampler's seed; null for a random one
         * @return this builder
         */
        public Builder seed(Long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param doSample true to sample, false for greedy; null for the model's default
         * @return this builder
         */
        public Builder doSample(Boolean doSample) {
            this.doSample = doSample;
            return this;
        }

        /**
         * @param repetitionPenalty &gt; 0, 1 means none; null for the model's default
         * @return this builder
         */
        public Builder repetitionPenalty(Double repetitionPenalty) {
            this.repetitionPenalty = repetitionPenalty;
            return this;
        }

        /**
         * @return the request
         * @throws InvalidChatRequestException naming the first invalid field and its value
         */
        public ChatRequest build() {
            return new ChatRequest(this);
        }
    }
}
