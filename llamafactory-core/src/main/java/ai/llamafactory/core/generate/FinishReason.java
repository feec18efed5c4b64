package ai.llamafactory.core.generate;

/** Why a sequence stopped growing. */
public enum FinishReason {
    /** The model produced one of the end-of-sequence token ids. */
    EOS_TOKEN,
    /** The decoded text reached one of the stop strings. */
    STOP_STRING,
    /** {@code max_new_tokens} tokens were generated. */
    MAX_NEW_TOKENS,
    /** The caller cancelled the generation. */
    CANCELLED;

    /** @return the OpenAI {@code finish_reason} for this reason: {@code stop}, {@code length} or {@code cancelled} */
    public String openAiName() {
        return switch (this) {
            case EOS_TOKEN, STOP_STRING -> "stop";
            case MAX_NEW_TOKENS -> "length";
            case CANCELLED -> "cancelled";
        };
    }
}
