package ai.llamafactory.data.template;

import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.data.Message;
import ai.llamafactory.data.Role;
import ai.llamafactory.data.tokenizer.HfTokenizer;
import ai.llamafactory.data.tokenizer.SpecialTokens;
import ai.llamafactory.data.tokenizer.SpecialTokens.TokenAndId;
import ai.llamafactory.data.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A conversation format, as LLaMA-Factory's {@code Template}: slots for the prefix, system prompt, user, assistant,
 * observation (tool result) and function (tool call) turns, plus stop words, the default system prompt, thought words
 * for reasoning models and the tool format. Get registered templates from {@link TemplateRegistry}; derive one from a
 * tokenizer's Jinja template with {@link #parse(Tokenizer)}.
 *
 * <pre>{@code
 * ChatTemplate template = TemplateRegistry.get("qwen3_nothink");
 * Tokenizer tok = template.fixSpecialTokens(HfTokenizer.load(modelDir));
 * List<EncodedTurn> turns = template.encodeMultiTurn(tok, messages, system, tools);
 * }</pre>
 *
 * <p>Encoding follows LLaMA-Factory exactly: turn 0 is {@code prefix + system(system + tools) + query}, later turns
 * only the query; every text piece of a slot is tokenized on its own (without the tokenizer's added special tokens);
 * bos/eos slots become the tokenizer's ids. {@link Kind#LLAMA2} merges the system prompt into the first user message;
 * {@link Kind#REASONING} adds or removes {@code <think>} blocks according to {@link #enableThinking()}.
 *
 * <p>Immutable and thread-safe; the {@code with...} methods return modified copies.
 */
public final class ChatTemplate {
    private static final Logger LOG = LoggerFactory.getLogger(ChatTemplate.class);

    /** How turns are assembled. */
    public enum Kind {
        /** LLaMA-Factory's {@code Template}. */
        STANDARD,
        /** {@code Llama2Template}: the system prompt is merged into the first user message. */
        LLAMA2,
        /** {@code ReasoningTemplate}: empty thoughts are added, history thoughts removed, per enable_thinking. */
        REASONING
    }

    private final String name;
    private final Kind kind;
    private final List<Slot> userSlots;
    private final List<Slot> assistantSlots;
    private final List<Slot> systemSlots;
    private final List<Slot> functionSlots;
    private final List<Slot> observationSlots;
    private final List<Slot> prefixSlots;
    private final ToolFormat functionToolFormat;
    private final ToolFormat toolsToolFormat;
    private final String defaultSystem;
    private final List<String> stopWords;
    private final String thoughtOpen;
    private final String thoughtClose;
    private final String toolCallOpen;
    private final String toolCallClose;
    private final boolean efficientEos;
    private final boolean replaceEos;
    private final boolean replaceJinjaTemplate;
    private final boolean enableThinking;
    private final boolean preserveThinking;
    private final Pattern thoughtPattern;

    private ChatTemplate(Builder b) {
        this.name = Objects.requireNonNull(b.name, "name");
        this.kind = b.kind;
        List<Slot> defaultAssistant =
                b.efficientEos ? List.of(Slot.text("{{content}}")) : List.of(Slot.text("{{content}}"), Slot.eos());
        List<Slot> defaultUser = List.of(Slot.text("{{content}}"));
        this.userSlots = requirePlaceholder(b.userSlots != null ? b.userSlots : defaultUser, "user");
        this.assistantSlots =
                requirePlaceholder(b.assistantSlots != null ? b.assistantSlots : defaultAssistant, "assistant");
        this.systemSlots = requirePlaceholder(b.systemSlots != null ? b.systemSlots : defaultUser, "system");
        this.functionSlots = requirePlaceholder(
                b.functionSlots != null
                        ? b.functionSlots
                        : (b.assistantSlots != null ? b.assistantSlots : defaultAssistant),
                "function");
        this.observationSlots = requirePlaceholder(
                b.observationSlots != null ? b.observationSlots : (b.userSlots != null ? b.userSlots : defaultUser),
                "observation");
        this.prefixSlots = List.copyOf(b.prefixSlots != null ? b.prefixSlots : List.of());
        for (Slot s : prefixSlots) {
            if (s instanceof Slot.Text t && PLACEHOLDER.matcher(t.text()).find()) {
                throw new InvalidConfigException(
                        "Template " + name + ": the prefix must not contain placeholders: " + t.text());
            }
        }
        this.functionToolFormat = b.functionToolFormat;
        this.toolsToolFormat = b.toolsToolFormat;
        this.defaultSystem = b.defaultSystem;
        this.stopWords = List.copyOf(b.stopWords);
        this.thoughtOpen = b.thoughtOpen;
        this.thoughtClose = b.thoughtClose;
        this.toolCallOpen = b.toolCallOpen;
        this.toolCallClose = b.toolCallClose;
        this.efficientEos = b.efficientEos;
        this.replaceEos = b.replaceEos;
        this.replaceJinjaTemplate = b.replaceJinjaTemplate;
        this.enableThinking = b.enableThinking;
        this.preserveThinking = b.preserveThinking;
        this.thoughtPattern =
                Pattern.compile(Pattern.quote(thoughtOpen) + "(.*?)" + Pattern.quote(thoughtClose), Pattern.DOTALL);
        if (replaceEos && stopWords.isEmpty()) {
            throw new InvalidConfigException(
                    "Template " + name + ": stop words are required to replace the EOS " + "token");
        }
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{[a-zA-Z_][a-zA-Z0-9_]*\\}\\}");

    private List<Slot> requirePlaceholder(List<Slot> slots, String what) {
        boolean found = false;
        for (Slot s : slots) {
            if (s instanceof Slot.Text t && PLACEHOLDER.matcher(t.text()).find()) {
                found = true;
            }
        }
        if (!found) {
            throw new InvalidConfigException(
                    "Template " + name + ": the " + what + " slots need a {{content}} " + "placeholder, got " + slots);
        }
        return List.copyOf(slots);
    }

    /**
     * @param name the template name
     * @return a builder with LLaMA-Factory's {@code register_template} defaults
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** @return a builder holding this template's values */
    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.kind = kind;
        b.userSlots = userSlots;
        b.assistantSlots = assistantSlots;
        b.systemSlots = systemSlots;
        b.functionSlots = functionSlots;
        b.observationSlots = observationSlots;
        b.prefixSlots = prefixSlots;
        b.functionToolFormat = functionToolFormat;
        b.toolsToolFormat = toolsToolFormat;
        b.defaultSystem = defaultSystem;
        b.stopWords = stopWords;
        b.thoughtOpen = thoughtOpen;
        b.thoughtClose = thoughtClose;
        b.toolCallOpen = toolCallOpen;
        b.toolCallClose = toolCallClose;
        b.efficientEos = efficientEos;
        b.replaceEos = replaceEos;
        b.replaceJinjaTemplate = replaceJinjaTemplate;
        b.enableThinking = enableThinking;
        b.preserveThinking = preserveThinking;
        return b;
    }

    // ------------------------------------------------------------------ accessors

    /** @return the template name, e.g. {@code qwen3} */
    public String name() {
        return name;
    }

    /** @return how turns are assembled */
    public Kind kind() {
        return kind;
    }

    /** @return the system prompt used when a conversation has none */
    public String defaultSystem() {
        return defaultSystem;
    }

    /** @return the stop words; with {@link #replaceEos()} the first one becomes the eos token */
    public List<String> stopWords() {
        return stopWords;
    }

    /** @return whether the assistant slot has no eos and one eos is appended to the whole sequence instead */
    public boolean efficientEos() {
        return efficientEos;
    }

    /** @return whether the tokenizer's eos token is replaced by the first stop word */
    public boolean replaceEos() {
        return replaceEos;
    }

    /** @return whether a saved tokenizer's chat_template is replaced by this template even when it has one */
    public boolean replaceJinjaTemplate() {
        return replaceJinjaTemplate;
    }

    /** @return whether reasoning templates learn the thoughts (true) or keep empty thoughts in the prompt (false) */
    public boolean enableThinking() {
        return enableThinking;
    }

    /** @return whether reasoning templates keep the thoughts of earlier turns */
    public boolean preserveThinking() {
        return preserveThinking;
    }

    /** @return the words that open and close a thought, e.g. {@code <think>\n} and {@code \n</think>\n\n} */
    public List<String> thoughtWords() {
        return List.of(thoughtOpen, thoughtClose);
    }

    /** @return the tool format of function turns and of the tool prompt */
    public ToolFormat toolFormat() {
        return functionToolFormat;
    }

    /** @return the user slots */
    public List<Slot> userSlots() {
        return userSlots;
    }

    /** @return the assistant slots */
    public List<Slot> assistantSlots() {
        return assistantSlots;
    }

    /** @return the system slots */
    public List<Slot> systemSlots() {
        return systemSlots;
    }

    /** @return the observation slots */
    public List<Slot> observationSlots() {
        return observationSlots;
    }

    /** @return the function-call slots */
    public List<Slot> functionSlots() {
        return functionSlots;
    }

    /** @return the prefix slots (before the system prompt of the first turn) */
    public List<Slot> prefixSlots() {
        return prefixSlots;
    }

    // ------------------------------------------------------------------ variants

    /**
     * @param system the new default system prompt ({@code default_system})
     * @return a copy with it
     */
    public ChatTemplate withDefaultSystem(String system) {
        Builder b = toBuilder();
        b.defaultSystem = Objects.requireNonNull(system, "system");
        return b.build();
    }

    /**
     * As LLaMA-Factory's {@code tool_format} override: the tool prompt and function turns use another format, and
     * function turns get the default slots ({@code {{content}}} plus eos unless efficient_eos).
     *
     * @param format the tool format
     * @return a copy with it
     */
    public ChatTemplate withToolFormat(ToolFormat format) {
        Builder b = toBuilder();
        b.functionToolFormat = format;
        b.toolsToolFormat = format;
        b.functionSlots =
                efficientEos ? List.of(Slot.text("{{content}}")) : List.of(Slot.text("{{content}}"), Slot.eos());
        return b.build();
    }

    /**
     * @param enable whether thoughts are learned ({@code enable_thinking}); only changes reasoning templates
     * @return a copy with it
     */
    public ChatTemplate withEnableThinking(boolean enable) {
        Builder b = toBuilder();
        b.enableThinking = enable;
        return b.build();
    }

    /**
     * @param preserve whether earlier turns keep their thoughts ({@code preserve_thinking})
     * @return a copy with it
     */
    public ChatTemplate withPreserveThinking(boolean preserve) {
        Builder b = toBuilder();
        b.preserveThinking = preserve;
        return b.build();
    }

    // ------------------------------------------------------------------ special tokens

    /**
     * LLaMA-Factory's {@code fix_special_tokens}: with replace_eos the first stop word becomes the eos token; a missing
     * eos becomes {@code <|endoftext|>}; a missing pad token becomes the eos token; the other stop words become
     * additional special tokens. Tokens missing from the vocabulary are added (the model's embeddings must then be
     * resized; a warning says so), which needs an {@link HfTokenizer}.
     *
     * @param tokenizer the model's tokenizer
     * @return the tokenizer to train and generate with (a view sharing the vocabulary, or a new {@link HfTokenizer}
     *     when tokens had to be added)
     */
    public Tokenizer fixSpecialTokens(Tokenizer tokenizer) {
        List<String> stop = new ArrayList<>(stopWords);
        String newEos = null;
        if (replaceEos) {
            newEos = stop.remove(0);
        } else if (tokenizer.specialTokens().eos().isEmpty()) {
            newEos = "<|endoftext|>";
        }
        List<String> needed = new ArrayList<>(stop);
        if (newEos != null) {
            needed.add(newEos);
        }
        List<String> missing = new ArrayList<>();
        for (String t : needed) {
            if (tokenizer.tokenToId(t).isEmpty()) {
                missing.add(t);
            }
        }
        Tokenizer tok = tokenizer;
        if (!missing.isEmpty()) {
            if (!(tokenizer instanceof HfTokenizer hf)) {
                throw new InvalidConfigException(
                        "Template " + name + " needs tokens " + missing + " that are not in the vocabulary");
            }
            LOG.warn("Template {} adds new tokens {} to the tokenizer; make sure resize_vocab is true", name, missing);
            tok = hf.withAddedSpecialTokens(missing);
        }
        SpecialTokens st = tok.specialTokens();
        if (newEos != null && !st.eos().map(TokenAndId::token).orElse("").equals(newEos)) {
            LOG.info("{} eos token: {}", st.eos().isPresent() ? "Replace" : "Add", newEos);
            st = st.withEos(
                    Optional.of(new TokenAndId(newEos, tok.tokenToId(newEos).getAsInt())));
        }
        if (st.pad().isEmpty()) {
            st = st.withPad(st.eos());
        }
        if (!stop.isEmpty()) {
            List<TokenAndId> additional = new ArrayList<>(st.additional());
            for (String w : stop) {
                if (additional.stream().noneMatch(t -> t.token().equals(w))) {
                    additional.add(new TokenAndId(w, tok.tokenToId(w).getAsInt()));
                }
            }
            st = st.withAdditional(additional);
        }
        return st.equals(tok.specialTokens()) ? tok : tok.withSpecialTokens(st);
    }

    /**
     * @param tokenizer the (fixed) tokenizer
     * @return the ids generation stops on: the eos token and every stop word in the vocabulary
     */
    public List<Integer> stopTokenIds(Tokenizer tokenizer) {
        Set<Integer> ids = new LinkedHashSet<>();
        tokenizer.specialTokens().eosId().ifPresent(ids::add);
        for (String w : stopWords) {
            tokenizer.tokenToId(w).ifPresent(ids::add);
        }
        return List.copyOf(ids);
    }

    // ------------------------------------------------------------------ encoding

    /**
     * LLaMA-Factory's {@code encode_multiturn}: one (source, target) pair per (query, response) pair.
     *
     * @param tokenizer the (fixed) tokenizer
     * @param messages an even number of messages: user/observation, then assistant/function, alternating
     * @param system the system prompt; null or empty for the default one
     * @param tools the tool schemas as a JSON list text; null or empty for none
     * @return the encoded turns
     */
    public List<EncodedTurn> encodeMultiTurn(Tokenizer tokenizer, List<Message> messages, String system, String tools) {
        return encodeMultiTurn(tokenizer, messages, system, tools, false);
    }

    /**
     * {@link #encodeMultiTurn(Tokenizer, List, String, String)} with LLaMA-Factory's
     * {@code discarding_history_cot} (used with mask_history): reasoning templates drop the thoughts of earlier
     * turns and only consider the last turn for an empty thought.
     *
     * @param tokenizer the (fixed) tokenizer
     * @param messages see above
     * @param system see above
     * @param tools see above
     * @param discardHistoryThoughts whether earlier turns lose their thoughts
     * @return the encoded turns
     */
    public List<EncodedTurn> encodeMultiTurn(
            Tokenizer tokenizer, List<Message> messages, String system, String tools, boolean discardHistoryThoughts) {
        List<List<Slot>> elements = multiTurnElements(messages, system, tools, discardHistoryThoughts);
        List<EncodedTurn> out = new ArrayList<>(elements.size() / 2);
        for (int i = 0; i < elements.size(); i += 2) {
            out.add(new EncodedTurn(toIds(elements.get(i), tokenizer), toIds(elements.get(i + 1), tokenizer)));
        }
        return out;
    }

    /**
     * LLaMA-Factory's {@code encode_oneturn}: everything but the last message is the prompt, the last message the
     * response.
     *
     * @param tokenizer the (fixed) tokenizer
     * @param messages an even number of messages ending with the response
     * @param system the system prompt; null or empty for the default one
     * @param tools the tool schemas as JSON text; null or empty for none
     * @return the prompt ids and the response ids
     */
    public EncodedTurn encodeOneTurn(Tokenizer tokenizer, List<Message> messages, String system, String tools) {
        List<List<Slot>> parts = oneTurnElements(messages, system, tools);
        return new EncodedTurn(toIds(parts.get(0), tokenizer), toIds(parts.get(1), tokenizer));
    }

    /**
     * The text of {@link #encodeMultiTurn}: one (source, target) text pair per turn, as the tokenizer would decode the
     * ids.
     *
     * @param special the special tokens (for bos/eos slots)
     * @param messages see {@link #encodeMultiTurn}
     * @param system see {@link #encodeMultiTurn}
     * @param tools see {@link #encodeMultiTurn}
     * @return for each turn, its source text and target text
     */
    public List<List<String>> renderMultiTurn(
            SpecialTokens special, List<Message> messages, String system, String tools) {
        List<List<Slot>> elements = multiTurnElements(messages, system, tools, false);
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < elements.size(); i += 2) {
            out.add(List.of(toText(elements.get(i), special), toText(elements.get(i + 1), special)));
        }
        return out;
    }

    /**
     * The whole training text of a conversation as the supervised encoder builds it (all turns, then the final eos of
     * efficient_eos templates), without truncation.
     *
     * @param special the special tokens
     * @param messages see {@link #encodeMultiTurn}
     * @param system see {@link #encodeMultiTurn}
     * @param tools see {@link #encodeMultiTurn}
     * @return the text
     */
    public String renderConversation(SpecialTokens special, List<Message> messages, String system, String tools) {
        StringBuilder sb = new StringBuilder();
        for (List<String> turn : renderMultiTurn(special, messages, system, tools)) {
            sb.append(turn.get(0)).append(turn.get(1));
        }
        if (efficientEos) {
            special.eos().ifPresent(e -> sb.append(e.token()));
        }
        return sb.toString();
    }

    /**
     * The prompt text for generation: the conversation so far followed by the opening of the assistant turn (the
     * source part of an {@link #encodeOneTurn} with an empty response).
     *
     * @param special the special tokens
     * @param messages an odd number of messages ending with a user or observation turn
     * @param system see {@link #encodeMultiTurn}
     * @param tools see {@link #encodeMultiTurn}
     * @return the prompt text
     */
    public String renderGenerationPrompt(SpecialTokens special, List<Message> messages, String system, String tools) {
        List<Message> withResponse = new ArrayList<>(messages);
        withResponse.add(Message.assistant(""));
        return toText(oneTurnElements(withResponse, system, tools).get(0), special);
    }

    /**
     * Reads tool calls from generated text with this template's tool format.
     *
     * @param output the generated text
     * @return the calls, or empty when the output is a plain answer
     */
    public Optional<List<FunctionCall>> extractToolCalls(String output) {
        return toolsToolFormat.extract(output);
    }

    /**
     * @param content an assistant message
     * @return the message without its thought blocks and with leading newlines removed
     */
    public String removeThought(String content) {
        String out = thoughtPattern.matcher(content).replaceAll("");
        int i = 0;
        while (i < out.length() && out.charAt(i) == '\n') {
            i++;
        }
        return out.substring(i);
    }

    /** @return the empty thought block ({@code add_thought()}) */
    public String emptyThought() {
        return thoughtOpen + thoughtClose;
    }

    // ------------------------------------------------------------------ internals

    private List<List<Slot>> multiTurnElements(
            List<Message> input, String system, String tools, boolean discardHistoryThoughts) {
        checkConversation(input);
        List<Message> messages = new ArrayList<>(input);
        if (kind == Kind.REASONING) {
            if (!enableThinking) {
                for (int i = 1; i < messages.size(); i += 2) {
                    messages.set(
                            i,
                            withContent(
                                    messages.get(i),
                                    removeThought(messages.get(i).content())));
                }
            }
            if (discardHistoryThoughts) {
                for (int i = 1; i < messages.size() - 2; i += 2) {
                    messages.set(
                            i,
                            withContent(
                                    messages.get(i),
                                    removeThought(messages.get(i).content())));
                }
            }
        }
        List<List<Slot>> elements = messageElements(messages, system, tools);
        if (kind == Kind.REASONING) {
            int start = discardHistoryThoughts ? messages.size() - 2 : 0;
            for (int i = start; i < messages.size(); i += 2) {
                if (lacksThought(messages.get(i + 1).content())) {
                    if (!enableThinking) {
                        elements.get(i).add(Slot.text(emptyThought()));
                    } else {
                        elements.get(i + 1).add(0, Slot.text(emptyThought()));
                    }
                }
            }
        }
        return elements;
    }

    private List<List<Slot>> oneTurnElements(List<Message> input, String system, String tools) {
        checkConversation(input);
        List<Message> messages = new ArrayList<>(input);
        int last = messages.size() - 1;
        if (kind == Kind.REASONING) {
            if (!preserveThinking) {
                for (int i = 1; i < messages.size() - 2; i += 2) {
                    messages.set(
                            i,
                            withContent(
                                    messages.get(i),
                                    removeThought(messages.get(i).content())));
                }
            }
            if (!enableThinking) {
                messages.set(
                        last,
                        withContent(
                                messages.get(last),
                                removeThought(messages.get(last).content())));
            }
        }
        List<List<Slot>> elements = messageElements(messages, system, tools);
        List<Slot> prompt = new ArrayList<>();
        for (int i = 0; i < last; i++) {
            prompt.addAll(elements.get(i));
        }
        List<Slot> response = elements.get(last);
        if (kind == Kind.REASONING && lacksThought(messages.get(last).content())) {
            if (!enableThinking) {
                prompt.add(Slot.text(emptyThought()));
            } else {
                response.add(0, Slot.text(emptyThought()));
            }
        }
        return List.of(prompt, response);
    }

    private boolean lacksThought(String content) {
        return !content.contains(thoughtOpen.strip()) && !content.contains(thoughtClose.strip());
    }

    private static Message withContent(Message m, String content) {
        return new Message(m.role(), content);
    }

    private void checkConversation(List<Message> messages) {
        if (messages.isEmpty() || messages.size() % 2 != 0) {
            throw new InvalidConfigException(
                    "Template " + name + " encodes (query, response) pairs; got " + messages.size() + " messages");
        }
        for (int i = 0; i < messages.size(); i++) {
            Role r = messages.get(i).role();
            boolean ok = i % 2 == 0
                    ? (r == Role.USER || r == Role.OBSERVATION)
                    : (r == Role.ASSISTANT || r == Role.FUNCTION);
            if (!ok) {
                throw new InvalidConfigException("Template " + name + ": message " + i + " has role " + r.key()
                        + "; expected " + (i % 2 == 0 ? "user or observation" : "assistant or function"));
            }
        }
    }

    /** LLaMA-Factory's {@code _encode} before tokenization: the slots of each message. */
    private List<List<Slot>> messageElements(List<Message> messages, String system, String tools) {
        String sys = system == null || system.isEmpty() ? defaultSystem : system;
        boolean hasTools = tools != null && !tools.isEmpty();
        List<List<Slot>> out = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            List<Slot> elements = new ArrayList<>();
            String systemText = "";
            if (i == 0) {
                elements.addAll(prefixSlots);
                if (!sys.isEmpty() || hasTools) {
                    String toolText = hasTools ? toolsToolFormat.formatToolsJson(tools) : "";
                    if (kind == Kind.LLAMA2) {
                        List<Slot> systemElements = apply(systemSlots, sys + toolText, null);
                        if (!(systemElements.get(0) instanceof Slot.Text first)) {
                            throw new InvalidConfigException("Template " + name + ": the system slot of a llama2-style "
                                    + "template must start with text");
                        }
                        systemText = first.text();
                    } else {
                        if (hasTools && sys.isEmpty()) {
                            toolText = stripLeadingNewlines(toolText);
                        }
                        elements.addAll(apply(systemSlots, sys + toolText, null));
                    }
                }
            }
            switch (m.role()) {
                case USER -> elements.addAll(
                        kind == Kind.LLAMA2
                                ? apply(userSlots, systemText + m.content(), null)
                                : apply(userSlots, m.content(), Integer.toString(i / 2)));
                case ASSISTANT -> elements.addAll(apply(assistantSlots, m.content(), null));
                case OBSERVATION -> elements.addAll(apply(observationSlots, m.content(), null));
                case FUNCTION -> elements.addAll(
                        apply(functionSlots, formatFunction(m.content(), kind != Kind.LLAMA2), null));
                default -> throw new InvalidConfigException("Template " + name + ": unexpected role " + m.role());
            }
            out.add(elements);
        }
        return out;
    }

    private static String stripLeadingNewlines(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == '\n') {
            i++;
        }
        return s.substring(i);
    }

    /** LLaMA-Factory's {@code FunctionFormatter.apply} before slot substitution. */
    private String formatFunction(String content, boolean withWords) {
        if (withWords) {
            Pattern toolCall = Pattern.compile(
                    Pattern.quote(toolCallOpen) + "(.*?)" + Pattern.quote(toolCallClose), Pattern.DOTALL);
            Matcher tc = toolCall.matcher(content);
            if (tc.find()) {
                String thought = content.replace(tc.group(0), "");
                return thought + functionToolFormat.formatFunctionCalls(FunctionCall.parseAll(tc.group(1)));
            }
            Matcher th = thoughtPattern.matcher(content);
            if (th.find()) {
                String json = content.replace(th.group(0), "");
                return th.group(0) + functionToolFormat.formatFunctionCalls(FunctionCall.parseAll(json));
            }
        }
        return functionToolFormat.formatFunctionCalls(FunctionCall.parseAll(content));
    }

    /** {@code StringFormatter.apply(content=..., idx=...)}: first occurrence of each placeholder, content first. */
    private static List<Slot> apply(List<Slot> slots, String content, String idx) {
        List<Slot> out = new ArrayList<>(slots.size());
        for (Slot s : slots) {
            if (s instanceof Slot.Text t) {
                String text = replaceFirst(t.text(), "{{content}}", content);
                if (idx != null) {
                    text = replaceFirst(text, "{{idx}}", idx);
                }
                out.add(Slot.text(text));
            } else {
                out.add(s);
            }
        }
        return out;
    }

    private static String replaceFirst(String s, String target, String replacement) {
        int i = s.indexOf(target);
        return i < 0 ? s : s.substring(0, i) + replacement + s.substring(i + target.length());
    }

    private int[] toIds(List<Slot> elements, Tokenizer tokenizer) {
        int[][] parts = new int[elements.size()][];
        int total = 0;
        for (int k = 0; k < elements.size(); k++) {
            Slot s = elements.get(k);
            int[] ids;
            if (s instanceof Slot.Text t) {
                ids = t.text().isEmpty() ? new int[0] : tokenizer.encode(t.text(), false);
            } else if (s instanceof Slot.BosToken) {
                OptionalInt id = tokenizer.specialTokens().bosId();
                ids = id.isPresent() ? new int[] {id.getAsInt()} : new int[0];
            } else if (s instanceof Slot.EosToken) {
                OptionalInt id = tokenizer.specialTokens().eosId();
                ids = id.isPresent() ? new int[] {id.getAsInt()} : new int[0];
            } else {
                String token = ((Slot.LiteralToken) s).token();
                ids = new int[] {
                    tokenizer
                            .tokenToId(token)
                            .orElseThrow(() -> new InvalidConfigException(
                                    "Template " + name + ": token '" + token + "' is not in the vocabulary"))
                };
            }
            parts[k] = ids;
            total += ids.length;
        }
        int[] out = new int[total];
        int pos = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }

    private static String toText(List<Slot> elements, SpecialTokens special) {
        StringBuilder sb = new StringBuilder();
        for (Slot s : elements) {
            if (s instanceof Slot.Text t) {
                sb.append(t.text());
            } else if (s instanceof Slot.BosToken) {
                special.bos().ifPresent(b -> sb.append(b.token()));
            } else if (s instanceof Slot.EosToken) {
                special.eos().ifPresent(e -> sb.append(e.token()));
            } else {
                sb.append(((Slot.LiteralToken) s).token());
            }
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ Jinja

    /**
     * Writes this template as a Jinja {@code chat_template} (for a fine-tuned model's tokenizer_config.json), in the
     * shape of LLaMA-Factory's {@code _get_jinja_template}: a system message (or the default one), then user and
     * assistant turns. It renders the same text as {@link #renderConversation} for conversations of user and
     * assistant turns, including the empty thoughts of reasoning templates (placed before the assistant slot, where
     * the encoding puts them) and the final eos of efficient_eos templates (two additions over LLaMA-Factory's
     * export).
     *
     * @param special the special tokens whose bos/eos text is written literally
     * @return the Jinja source
     * @throws InvalidConfigException when a slot holds a literal token object (LLaMA-Factory: "Dict is not supported")
     */
    public String toJinja(SpecialTokens special) {
        String prefix = slotsToJinja(prefixSlots, special, "content");
        String system = slotsToJinja(systemSlots, special, "system_message");
        String user = slotsToJinja(userSlots, special, "content");
        String assistant = slotsToJinja(assistantSlots, special, "content");
        StringBuilder j = new StringBuilder();
        if (!prefix.isEmpty()) {
            j.append("{{ ").append(prefix).append(" }}");
        }
        if (!defaultSystem.isEmpty()) {
            j.append("{% set system_message = '")
                    .append(jinjaEscape(defaultSystem))
                    .append("' %}");
        }
        j.append("{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}")
                .append("{% set system_message = messages[0]['content'] %}{% else %}")
                .append("{% set loop_messages = messages %}{% endif %}");
        if (kind != Kind.LLAMA2) {
            // As LLaMA-Factory's _get_jinja_template: an explicitly empty system message still renders its block,
            // which is how parse() tells the default system prompt apart (the rendering without a system message).
            j.append("{% if system_message is defined %}{{ ").append(system).append(" }}{% endif %}");
        }
        j.append("{% for message in loop_messages %}");
        if (kind == Kind.LLAMA2) {
            j.append("{% if loop.index0 == 0 and system_message is defined %}")
                    .append("{% set content = ")
                    .append(system)
                    .append(" + message['content'] %}")
                    .append("{% else %}{% set content = message['content'] %}{% endif %}");
        } else {
            j.append("{% set content = message['content'] %}");
        }
        j.append("{% if message['role'] == 'user' %}{{ ")
                .append(user)
                .append(" }}")
                .append("{% elif message['role'] == 'assistant' %}");
        if (kind == Kind.REASONING) {
            String open = jinjaEscape(thoughtOpen);
            String close = jinjaEscape(thoughtClose);
            if (!enableThinking) {
                j.append("{% set content = (content.split('").append(close).append("')[-1]).lstrip('\\n') %}");
            }
            j.append("{% if '")
                    .append(jinjaEscape(thoughtOpen.strip()))
                    .append("' not in content and '")
                    .append(jinjaEscape(thoughtClose.strip()))
                    .append("' not in content %}")
                    .append("{{ '")
                    .append(open)
                    .append(close)
                    .append("' }}{% endif %}");
        }
        j.append("{{ ").append(assistant).append(" }}{% endif %}{% endfor %}");
        if (efficientEos && special.eos().isPresent()) {
            j.append("{% if loop_messages and loop_messages[-1]['role'] == 'assistant' %}{{ '")
                    .append(jinjaEscape(special.eos().get().token()))
                    .append("' }}{% endif %}");
        }
        return j.toString();
    }

    private String slotsToJinja(List<Slot> slots, SpecialTokens special, String placeholder) {
        List<String> items = new ArrayList<>();
        for (Slot s : slots) {
            if (s instanceof Slot.Text t) {
                String text = t.text();
                int i = text.indexOf("{{content}}");
                String before = i < 0 ? text : text.substring(0, i);
                if (!before.isEmpty()) {
                    items.add("'" + jinjaEscape(before) + "'");
                }
                if (i >= 0) {
                    items.add(placeholder);
                    String after = text.substring(i + "{{content}}".length());
                    if (!after.isEmpty()) {
                        items.add("'" + jinjaEscape(after) + "'");
                    }
                }
            } else if (s instanceof Slot.BosToken) {
                special.bos().ifPresent(b -> items.add("'" + jinjaEscape(b.token()) + "'"));
            } else if (s instanceof Slot.EosToken) {
                special.eos().ifPresent(e -> items.add("'" + jinjaEscape(e.token()) + "'"));
            } else {
                throw new InvalidConfigException("Template " + name + " cannot be written as Jinja: literal token "
                        + "slots are not supported (" + s + ")");
            }
        }
        return String.join(" + ", items);
    }

    /** Escapes text for a single-quoted Jinja string literal. */
    private static String jinjaEscape(String s) {
        return s.replace("\\", "\\\\")
                .replace("'", "\\'")
                .replace("\n", "\\n")
                .replace("\r", "\\r")
                .replace("\t", "\\t");
    }

    // ------------------------------------------------------------------ parse from Jinja

    /**
     * LLaMA-Factory's {@code parse_template}: derives a template from the tokenizer's Jinja chat template by rendering
     * probe conversations whose contents are {@code {{content}}} sentinels: the prefix (what the tokenizer adds to an
     * empty text), the system, user and assistant slots, and the default system prompt (the difference between a
     * rendering with an empty system message and one without). A {@code <think>} in the assistant slot makes it a
     * reasoning template.
     *
     * @param tokenizer a tokenizer with a chat template
     * @return the derived template, named {@code parsed}
     * @throws InvalidConfigException when the tokenizer has no chat template or the template refuses the probes
     */
    public static ChatTemplate parse(Tokenizer tokenizer) {
        HfChatTemplate chat = HfChatTemplate.of(tokenizer)
                .orElseThrow(() -> new InvalidConfigException(
                        "The tokenizer has no chat_template to derive a template from; name a template instead"));
        String prefix = tokenizer.decode(tokenizer.encode("", true), false);
        String systemSlot;
        String userSlotEmptySystem;
        String userSlot;
        String assistantSlot;
        try {
            systemSlot = chat.render(List.of(hf("system", "{{content}}")), false, null, Map.of());
            userSlotEmptySystem =
                    chat.render(List.of(hf("system", ""), hf("user", "{{content}}")), true, null, Map.of());
            userSlot = chat.render(List.of(hf("user", "{{content}}")), true, null, Map.of());
            assistantSlot = chat.render(
                    List.of(hf("user", "{{content}}"), hf("assistant", "{{content}}")), false, null, Map.of());
        } catch (RuntimeException e) {
            throw new InvalidConfigException(
                    "Cannot derive a template from the tokenizer's chat_template (" + e.getMessage()
                            + "); name a registered template instead",
                    e);
        }
        systemSlot = dropPrefix(systemSlot, prefix);
        userSlotEmptySystem = dropPrefix(userSlotEmptySystem, prefix);
        userSlot = dropPrefix(userSlot, prefix);
        assistantSlot = assistantSlot.substring(Math.min(assistantSlot.length(), prefix.length() + userSlot.length()));
        Kind kind = assistantSlot.contains("<think>") ? Kind.REASONING : Kind.STANDARD;
        assistantSlot =
                stripLeadingNewlines(assistantSlot.replace("<think>", "").replace("</think>", ""));
        String defaultSystem = "";
        if (userSlot.length() > userSlotEmptySystem.length()) {
            defaultSystem = findDiff(userSlotEmptySystem, userSlot);
            String soleSystem = replaceFirst(systemSlot, "{{content}}", defaultSystem);
            userSlot = userSlot.substring(Math.min(userSlot.length(), soleSystem.length()));
        }
        return builder("parsed")
                .kind(kind)
                .userSlots(List.of(Slot.text(userSlot)))
                .assistantSlots(List.of(Slot.text(assistantSlot)))
                .systemSlots(List.of(Slot.text(systemSlot)))
                .functionSlots(List.of(Slot.text(assistantSlot)))
                .observationSlots(List.of(Slot.text(userSlot)))
                .prefixSlots(prefix.isEmpty() ? List.of() : List.of(Slot.text(prefix)))
                .defaultSystem(defaultSystem)
                .build();
    }

    private static String dropPrefix(String s, String prefix) {
        return s.substring(Math.min(s.length(), prefix.length()));
    }

    private static Map<String, Object> hf(String role, String content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content);
        return m;
    }

    /** The characters of {@code longStr} skipped while walking both strings in step (LLaMA-Factory's find_diff). */
    private static String findDiff(String shortStr, String longStr) {
        int i = 0;
        int j = 0;
        StringBuilder diff = new StringBuilder();
        while (i < shortStr.length() && j < longStr.length()) {
            if (shortStr.charAt(i) == longStr.charAt(j)) {
                i++;
                j++;
            } else {
                diff.append(longStr.charAt(j));
                j++;
            }
        }
        return diff.toString();
    }

    @Override
    public String toString() {
        return "ChatTemplate[" + name + ", " + kind + "]";
    }

    /** Builder with LLaMA-Factory's {@code register_template} defaults. */
    public static final class Builder {
        private final String name;
        private Kind kind = Kind.STANDARD;
        private List<Slot> userSlots;
        private List<Slot> assistantSlots;
        private List<Slot> systemSlots;
        private List<Slot> functionSlots;
        private List<Slot> observationSlots;
        private List<Slot> prefixSlots;
        private ToolFormat functionToolFormat = ToolFormat.DEFAULT;
        private ToolFormat toolsToolFormat = ToolFormat.DEFAULT;
        private String defaultSystem = "";
        private List<String> stopWords = List.of();
        private String thoughtOpen = "<think>\n";
        private String thoughtClose = "\n</think>\n\n";
        private String toolCallOpen = "<tool_call>";
        private String toolCallClose = "</tool_call>";
        private boolean efficientEos;
        private boolean replaceEos;
        private boolean replaceJinjaTemplate;
        private boolean enableThinking = true;
        private boolean preserveThinking;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * @param value how turns are assembled
         * @return this builder
         */
        public Builder kind(Kind value) {
            this.kind = Objects.requireNonNull(value);
            return this;
        }

        /**
         * @param value user slots (default {@code {{content}}})
         * @return this builder
         */
        public Builder userSlots(List<Slot> value) {
            this.userSlots = List.copyOf(value);
            return this;
        }

        /**
         * @param value assistant slots (default {@code {{content}}} + eos, or without eos with efficient_eos)
         * @return this builder
         */
        public Builder assistantSlots(List<Slot> value) {
            this.assistantSlots = List.copyOf(value);
            return this;
        }

        /**
         * @param value system slots (default {@code {{content}}})
         * @return this builder
         */
        public Builder systemSlots(List<Slot> value) {
            this.systemSlots = List.copyOf(value);
            return this;
        }

        /**
         * @param value function-call slots (default: the assistant slots)
         * @return this builder
         */
        public Builder functionSlots(List<Slot> value) {
            this.functionSlots = List.copyOf(value);
            return this;
        }

        /**
         * @param value observation slots (default: the user slots)
         * @return this builder
         */
        public Builder observationSlots(List<Slot> value) {
            this.observationSlots = List.copyOf(value);
            return this;
        }

        /**
         * @param value prefix slots (default none)
         * @return this builder
         */
        public Builder prefixSlots(List<Slot> value) {
            this.prefixSlots = List.copyOf(value);
            return this;
        }

        /**
         * @param value tool format of the tool prompt and of function turns (default {@link ToolFormat#DEFAULT})
         * @return this builder
         */
        public Builder toolFormat(ToolFormat value) {
            this.functionToolFormat = Objects.requireNonNull(value);
            this.toolsToolFormat = value;
            return this;
        }

        /**
         * @param value default system prompt (default empty)
         * @return this builder
         */
        public Builder defaultSystem(String value) {
            this.defaultSystem = Objects.requireNonNull(value);
            return this;
        }

        /**
         * @param value stop words
         * @return this builder
         */
        public Builder stopWords(List<String> value) {
            this.stopWords = List.copyOf(value);
            return this;
        }

        /**
         * @param open opening thought words (default {@code <think>\n})
         * @param close closing thought words (default {@code \n</think>\n\n})
         * @return this builder
         */
        public Builder thoughtWords(String open, String close) {
            this.thoughtOpen = Objects.requireNonNull(open);
            this.thoughtClose = Objects.requireNonNull(close);
            return this;
        }

        /**
         * @param open opening tool-call words (default {@code <tool_call>})
         * @param close closing tool-call words (default {@code </tool_call>})
         * @return this builder
         */
        public Builder toolCallWords(String open, String close) {
            this.toolCallOpen = Objects.requireNonNull(open);
            this.toolCallClose = Objects.requireNonNull(close);
            return this;
        }

        /**
         * @param value whether the eos is appended once to the whole sequence instead of to each assistant turn
         * @return this builder
         */
        public Builder efficientEos(boolean value) {
            this.efficientEos = value;
            return this;
        }

        /**
         * @param value whether the first stop word replaces the tokenizer's eos token
         * @return this builder
         */
        public Builder replaceEos(boolean value) {
            this.replaceEos = value;
            return this;
        }

        /**
         * @param value whether this template replaces a tokenizer's own chat_template on export
         * @return this builder
         */
        public Builder replaceJinjaTemplate(boolean value) {
            this.replaceJinjaTemplate = value;
            return this;
        }

        /**
         * @param value whether reasoning templates learn thoughts (default true)
         * @return this builder
         */
        public Builder enableThinking(boolean value) {
            this.enableThinking = value;
            return this;
        }

        /**
         * @param value whether reasoning templates keep earlier turns' thoughts (default false)
         * @return this builder
         */
        public Builder preserveThinking(boolean value) {
            this.preserveThinking = value;
            return this;
        }

        /** @return the template */
        public ChatTemplate build() {
            return new ChatTemplate(this);
        }
    }
}
