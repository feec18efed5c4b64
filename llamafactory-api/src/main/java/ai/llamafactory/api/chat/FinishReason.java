package ai.llamafactory.api.chat;

/**
 * Why the model stopped generating: the one type for a chat choice, a streamed reply and a row of the core's
 * generator (which tells an end-of-sequence token from a stop string by the stop string it reports).
 */
public enum FinishReason {
    /** The model produced an end-of-sequence token or one of the request's stop strings. */
    STOP("stop"),
    /** The reply reached {@code max_tokens} / {@code max_new_tokens} (or the model's context length). */
    LENGTH("length"),
    /** The reply is a set of tool calls. */
    TOOL_CALLS("tool_calls"),
    /**
     * The caller cancelled the generation. Chat models report a cancelled request by throwing
     * {@link ai.llamafactory.api.exception.ChatCancelledException}, so responses never carry it.
     */
    CANCELLED("cancelled");

    private final String wireName;

    FinishReason(String wireName) {
        this.wireName = wireName;
    }

    /** @return the reason as OpenAI's {@code finish_reason} writes it */
    public String wireName() {
        return wireName;
    }
}
