package ai.llamafactory.api.chat;

/**
 * Token counts of one chat call.
 *
 * @param promptTokens tokens of the prompt after the chat template was applied
 * @param completionTokens tokens generated, summed over all choices
 */
public record ChatUsage(int promptTokens, int completionTokens) {
    /** Checks that both counts are non-negative. */
    public ChatUsage {
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0, got prompt_tokens=" + promptTokens
                    + ", completion_tokens=" + completionTokens);
        }
    }

    /** @return prompt plus completion tokens */
    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
