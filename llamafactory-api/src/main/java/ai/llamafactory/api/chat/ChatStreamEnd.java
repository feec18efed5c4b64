package ai.llamafactory.api.chat;

import java.util.List;
import java.util.Objects;

/**
 * The final event of a streamed reply.
 *
 * @param finishReason why generation stopped
 * @param toolCalls the tool calls the reply makes ({@link FinishReason#TOOL_CALLS}); empty for a plain-text reply
 * @param usage prompt and completion tokens
 */
public record ChatStreamEnd(FinishReason finishReason, List<ToolCall> toolCalls, ChatUsage usage) {
    /** Checks the values and copies the list. */
    public ChatStreamEnd {
        Objects.requireNonNull(finishReason, "finishReason");
        toolCalls = List.copyOf(toolCalls);
        Objects.requireNonNull(usage, "usage");
    }

    /**
     * @param finishReason {@link FinishReason#STOP} or {@link FinishReason#LENGTH}
     * @param usage the token counts
     * @return the end of a plain-text reply
     */
    public static ChatStreamEnd of(FinishReason finishReason, ChatUsage usage) {
        return new ChatStreamEnd(finishReason, List.of(), usage);
    }
}
