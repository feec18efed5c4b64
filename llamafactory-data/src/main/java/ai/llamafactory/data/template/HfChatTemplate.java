package ai.llamafactory.data.template;

import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.data.Message;
import ai.llamafactory.data.jinja.JinjaTemplate;
import ai.llamafactory.data.tokenizer.SpecialTokens;
import ai.llamafactory.data.tokenizer.Tokenizer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A tokenizer's own Jinja {@code chat_template}, applied as transformers' {@code apply_chat_template} does: the
 * template sees {@code messages}, {@code tools} (None when absent), {@code documents} (None),
 * {@code add_generation_prompt}, the special tokens ({@code bos_token}, {@code eos_token}, {@code pad_token},
 * {@code unk_token}, {@code additional_special_tokens}) and any extra variables (e.g. {@code enable_thinking}).
 * Token ids are the rendered text encoded without added special tokens.
 *
 * <pre>{@code
 * HfChatTemplate chat = HfChatTemplate.of(tokenizer).orElseThrow();
 * String prompt = chat.render(List.of(Map.of("role", "user", "content", "Hi")), true, null,
 *         Map.of("enable_thinking", false));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class HfChatTemplate {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Tokenizer tokenizer;
    private final JinjaTemplate template;

    private HfChatTemplate(Tokenizer tokenizer, JinjaTemplate template) {
        this.tokenizer = tokenizer;
        this.template = template;
    }

    /**
     * @param tokenizer a tokenizer
     * @return its default chat template, absent when it has none
     */
    public static Optional<HfChatTemplate> of(Tokenizer tokenizer) {
        return tokenizer.chatTemplate().map(source -> new HfChatTemplate(tokenizer, JinjaTemplate.compile(source)));
    }

    /**
     * @param tokenizer the tokenizer that provides special tokens and encodes the text
     * @param jinjaSource a Jinja chat template
     * @return the chat template
     */
    public static HfChatTemplate of(Tokenizer tokenizer, String jinjaSource) {
        return new HfChatTemplate(tokenizer, JinjaTemplate.compile(jinjaSource));
    }

    /** @return the Jinja source */
    public String source() {
        return template.source();
    }

    /**
     * Renders a conversation.
     *
     * @param messages messages in Hugging Face form: maps with {@code role} and {@code content} (and optionally
     *     {@code tool_calls}, {@code reasoning_content})
     * @param addGenerationPrompt whether to end with the opening of an assistant turn
     * @param tools tool schemas (JSON objects as maps or Jackson nodes), or null for none
     * @param extraVariables more template variables, e.g. {@code enable_thinking}; may be empty
     * @return the prompt text
     * @throws ai.llamafactory.data.jinja.JinjaException when the template fails or refuses the input
     */
    public String render(
            List<? extends Map<String, ?>> messages,
            boolean addGenerationPrompt,
            List<?> tools,
            Map<String, ?> extraVariables) {
        Map<String, Object> vars = new HashMap<>();
        SpecialTokens special = tokenizer.specialTokens();
        special.bos().ifPresent(t -> vars.put("bos_token", t.token()));
        special.eos().ifPresent(t -> vars.put("eos_token", t.token()));
        special.pad().ifPresent(t -> vars.put("pad_token", t.token()));
        special.unk().ifPresent(t -> vars.put("unk_token", t.token()));
        if (!special.additional().isEmpty()) {
            vars.put(
                    "additional_special_tokens",
                    special.additional().stream()
                            .map(SpecialTokens.TokenAndId::token)
                            .toList());
        }
        vars.putAll(extraVariables);
        vars.put("messages", messages);
        vars.put("tools", tools);
        vars.put("documents", null);
        vars.put("add_generation_prompt", addGenerationPrompt);
        return template.render(vars);
    }

    /**
     * Renders a conversation and encodes it (without the tokenizer's own added special tokens, as transformers does).
     *
     * @param messages see {@link #render}
     * @param addGenerationPrompt see {@link #render}
     * @param tools see {@link #render}
     * @param extraVariables see {@link #render}
     * @return the token ids
     */
    public int[] encode(
            List<? extends Map<String, ?>> messages,
            boolean addGenerationPrompt,
            List<?> tools,
            Map<String, ?> extraVariables) {
        return tokenizer.encode(render(messages, addGenerationPrompt, tools, extraVariables), false);
    }

    /**
     * Converts an aligned conversation into Hugging Face message maps: system first (when not empty), observation
     * turns as role {@code tool}, function turns as assistant turns with {@code tool_calls} parsed from their JSON.
     *
     * @param system the system prompt, or empty
     * @param messages the conversation
     * @return the messages in the form chat templates expect
     * @throws InvalidConfigException when a function turn does not hold valid JSON
     */
    public static List<Map<String, Object>> toHfMessages(String system, List<Message> messages) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (system != null && !system.isEmpty()) {
            out.add(hfMessage("system", system));
        }
        for (Message m : messages) {
            switch (m.role()) {
                case USER -> out.add(hfMessage("user", m.content()));
                case ASSISTANT -> out.add(hfMessage("assistant", m.content()));
                case SYSTEM -> out.add(hfMessage("system", m.content()));
                case OBSERVATION -> out.add(hfMessage("tool", m.content()));
                case FUNCTION -> {
                    Map<String, Object> msg = hfMessage("assistant", "");
                    List<Map<String, Object>> calls = new ArrayList<>();
                    for (FunctionCall call : FunctionCall.parseAll(m.content())) {
                        Map<String, Object> fn = new LinkedHashMap<>();
                        fn.put("name", call.name());
                        fn.put("arguments", parseJson(call.arguments()));
                        Map<String, Object> wrapper = new LinkedHashMap<>();
                        wrapper.put("type", "function");
                        wrapper.put("function", fn);
                        calls.add(wrapper);
                    }
                    msg.put("tool_calls", calls);
                    out.add(msg);
                }
                default -> throw new InvalidConfigException("Unexpected role " + m.role());
            }
        }
        return out;
    }

    private static Map<String, Object> hfMessage(String role, String content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content);
        return m;
    }

    private static JsonNode parseJson(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidConfigException("Invalid JSON in function arguments: " + json, e);
        }
    }
}
