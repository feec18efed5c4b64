package ai.llamafactory.api.chat;

/** Why the model stopped generating a choice. */
public enum FinishReason {
    /** The model produced an end-of-sequence token or one of the request's stop strings. */
    STOP("stop"),
    /** The reply reached {@code max_tokens} (or the model's context length). */
    LENGTH("length"),
    /** The reply is a set of tool calls. */
    TOOL_CALLS("tool_calls");

    private final String wireName;

    FinishReason(String wireName) {
        this.wireName = wireName;
    }

    /** @return the reason as OpenAI's {@code finish_reason} writes it */
    public String wireName() {
        return wireName;
    }
}
