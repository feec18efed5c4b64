package ai.llamafactory.api.chat;

import java.util.List;
import java.util.Objects;

/**
 * One generated reply.
 *
 * @param index the choice's position, 0 to {@code n - 1}
 * @param text the generated text without the stop string or end-of-sequence token; empty when the reply is only tool
 *     calls
 * @param toolCalls the tool calls parsed from the reply; empty when it is plain text
 * @param finishReason why generation stopped; {@link FinishReason#TOOL_CALLS} when {@code toolCalls} is not empty
 */
public record ChatChoice(int index, String text, List<ToolCall> toolCalls, FinishReason finishReason) {
    /** Checks the values and copies the list. */
    public ChatChoice {
        if (index < 0) {
            throw new IllegalArgumentException("choice index must be >= 0, got " + index);
        }
        Objects.requireNonNull(text, "text");
        toolCalls = List.copyOf(toolCalls);
        Objects.requireNonNull(finishReason, "finishReason");
    }

    /**
     * @param index the choice's position
     * @param text the generated text
     * @param finishReason {@link FinishReason#STOP} or {@link FinishReason#LENGTH}
     * @return a plain-text choice
     */
    public static ChatChoice ofText(int index, String text, FinishReason finishReason) {
        return new ChatChoice(index, text, List.of(), finishReason);
    }

    /**
     * @param index the choice's position
     * @param toolCalls the calls
     * @return a choice that calls tools, finish reason {@link FinishReason#TOOL_CALLS}
     */
    public static ChatChoice ofToolCalls(int index, List<ToolCall> toolCalls) {
        return new ChatChoice(index, "", toolCalls, FinishReason.TOOL_CALLS);
    }
}
