package ai.llamafactory.data.dataset;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys and role values inside each message of a sharegpt or openai conversation ({@code tags} of a
 * {@code dataset_info.json} entry).
 *
 * @param roleTag key of the speaker in a message ({@code from} / {@code role})
 * @param contentTag key of the text in a message ({@code value} / {@code content})
 * @param userTag role value of a user turn ({@code human} / {@code user})
 * @param assistantTag role value of a model turn ({@code gpt} / {@code assistant})
 * @param observationTag role value of a tool result ({@code observation} / {@code tool})
 * @param functionTag role value of a tool call ({@code function_call})
 * @param systemTag role value of a leading system message ({@code system}); null disables the check
 */
public record DatasetTags(
        String roleTag,
        String contentTag,
        String userTag,
        String assistantTag,
        String observationTag,
        String functionTag,
        String systemTag) {

    /** The JSON keys of the {@code tags} object. */
    public static final List<String> KEYS = List.of(
            "role_tag", "content_tag", "user_tag", "assistant_tag", "observation_tag", "function_tag", "system_tag");

    /**
     * Defaults per formatting. Sharegpt (and alpaca, where tags are unused): LLaMA-Factory's {@code from},
     * {@code value}, {@code human}, {@code gpt}, {@code observation}, {@code function_call}, {@code system}.
     * OpenAI: {@code role}, {@code content}, {@code user}, {@code assistant}, {@code tool}, {@code function_call},
     * {@code system}; OpenAI tool results carry the role {@code tool}, and tool calls are assistant messages with
     * {@code tool_calls}.
     *
     * @param formatting the dataset's formatting
     * @return the default tags
     */
    public static DatasetTags defaults(DatasetFormatting formatting) {
        if (formatting == DatasetFormatting.OPENAI) {
            return new DatasetTags("role", "content", "user", "assistant", "tool", "function_call", "system");
        }
        return new DatasetTags("from", "value", "human", "gpt", "observation", "function_call", "system");
    }

    /**
     * Returns these tags overridden by the keys of a {@code tags} object.
     *
     * @param overrides JSON key (as in {@link #KEYS}) to value
     * @return the merged tags
     */
    public DatasetTags with(Map<String, String> overrides) {
        Map<String, String> m = asMap();
        m.putAll(overrides);
        return new DatasetTags(
                m.get("role_tag"),
                m.get("content_tag"),
                m.get("user_tag"),
                m.get("assistant_tag"),
                m.get("observation_tag"),
                m.get("function_tag"),
                m.get("system_tag"));
    }

    /** @return JSON key to value in {@link #KEYS} order */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("role_tag", roleTag);
        m.put("content_tag", contentTag);
        m.put("user_tag", userTag);
        m.put("assistant_tag", assistantTag);
        m.put("observation_tag", observationTag);
        m.put("function_tag", functionTag);
        m.put("system_tag", systemTag);
        return m;
    }
}
