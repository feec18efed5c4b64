package ai.llamafactory.data.dataset;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which row field holds which part of an example ({@code columns} of a {@code dataset_info.json} entry). A null
 * component means the dataset has no such column.
 *
 * @param prompt alpaca: the instruction ({@code instruction} by default); pre-training: the text column
 * @param query alpaca: the input appended to the instruction after a newline ({@code input} by default)
 * @param response alpaca: the answer ({@code output} by default)
 * @param history alpaca: earlier {@code [query, answer]} pairs (none by default)
 * @param messages sharegpt/openai: the list of turns ({@code conversations} for sharegpt, {@code messages} for
 *     openai by default)
 * @param system the system prompt (none by default)
 * @param tools the tool descriptions, a JSON string or JSON value (none by default)
 * @param images image paths: recognised, not supported (text-only library)
 * @param videos video paths: recognised, not supported
 * @param audios audio paths: recognised, not supported
 * @param chosen preference data: the preferred answer
 * @param rejected preference data: the dispreferred answer
 * @param ktoTag KTO data: the boolean judgement of the answer
 */
public record DatasetColumns(
        String prompt,
        String query,
        String response,
        String history,
        String messages,
        String system,
        String tools,
        String images,
        String videos,
        String audios,
        String chosen,
        String rejected,
        String ktoTag) {

    /** The JSON keys of the {@code columns} object, in LLaMA-Factory's order. */
    public static final java.util.List<String> KEYS = java.util.List.of(
            "prompt",
            "query",
            "response",
            "history",
            "messages",
            "system",
            "tools",
            "images",
            "videos",
            "audios",
            "chosen",
            "rejected",
            "kto_tag");

    /**
     * LLaMA-Factory's defaults ({@code DatasetAttr}): prompt {@code instruction}, query {@code input}, response
     * {@code output}, messages {@code conversations}; for {@link DatasetFormatting#OPENAI}, messages {@code messages}.
     *
     * @param formatting the dataset's formatting
     * @return the default columns
     */
    public static DatasetColumns defaults(DatasetFormatting formatting) {
        String messages = formatting == DatasetFormatting.OPENAI ? "messages" : "conversations";
        return new DatasetColumns(
                "instruction", "input", "output", null, messages, null, null, null, null, null, null, null, null);
    }

    /**
     * Returns these defaults overridden by the keys of a {@code columns} object; a key mapped to null clears it.
     *
     * @param overrides JSON key (as in {@link #KEYS}) to column name
     * @return the merged columns
     */
    public DatasetColumns with(Map<String, String> overrides) {
        Map<String, String> m = asMap();
        m.putAll(overrides);
        return new DatasetColumns(
                m.get("prompt"),
                m.get("query"),
                m.get("response"),
                m.get("history"),
                m.get("messages"),
                m.get("system"),
                m.get("tools"),
                m.get("images"),
                m.get("videos"),
                m.get("audios"),
                m.get("chosen"),
                m.get("rejected"),
                m.get("kto_tag"));
    }

    /** @return JSON key to column name, in {@link #KEYS} order, null values included */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("prompt", prompt);
        m.put("query", query);
        m.put("response", response);
        m.put("history", history);
        m.put("messages", messages);
        m.put("system", system);
        m.put("tools", tools);
        m.put("images", images);
        m.put("videos", videos);
        m.put("audios", audios);
        m.put("chosen", chosen);
        m.put("rejected", rejected);
        m.put("kto_tag", ktoTag);
        return m;
    }
}
