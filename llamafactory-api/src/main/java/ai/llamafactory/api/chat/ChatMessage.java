package ai.llamafactory.api.chat;

import ai.llamafactory.api.exception.InvalidChatRequestException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One message of a conversation. Immutable; create with {@link #system}, {@link #user}, {@link #assistant},
 * {@link #assistantToolCalls}, {@link #tool} or {@link #of}.
 *
 * <p>Only {@link ChatRole#ASSISTANT} messages carry {@link #toolCalls()}; only {@link ChatRole#TOOL} messages carry a
 * {@link #toolCallId()}. The content is never null: an assistant message that only calls tools has empty content.
 */
public final class ChatMessage {
    private final ChatRole role;
    private final String content;
    private final List<ToolCall> toolCalls;
    private final String toolCallId;

    private ChatMessage(ChatRole role, String content, List<ToolCall> toolCalls, String toolCallId) {
        this.role = Objects.requireNonNull(role, "role");
        this.content = content == null ? "" : content;
        this.toolCalls = List.copyOf(toolCalls == null ? List.of() : toolCalls);
        this.toolCallId = toolCallId;
        if (!this.toolCalls.isEmpty() && role != ChatRole.ASSISTANT) {
            throw new InvalidChatRequestException(
                    "tool_calls",
                    "tool_calls: only assistant messages call tools, got " + this.toolCalls.size() + " call(s) on a "
                            + role.wireName() + " message");
        }
        if (toolCallId != null && role != ChatRole.TOOL) {
            throw new InvalidChatRequestException(
                    "tool_call_id",
                    "tool_call_id: only tool messages answer a call," + " got '" + toolCallId + "' on a "
                            + role.wireName() + " message");
        }
    }

    /**
     * Creates any message.
     *
     * @param role who wrote it
     * @param content the text; null is read as empty
     * @param toolCalls the tool calls (assistant messages only); null or empty for none
     * @param toolCallId the id of the call this message answers (tool messages only); null for none
     * @return the message
     * @throws InvalidChatRequestException when the role does not allow tool calls or a tool call id
     */
    public static ChatMessage of(ChatRole role, String content, List<ToolCall> toolCalls, String toolCallId) {
        return new ChatMessage(role, content, toolCalls, toolCallId);
    }

    /**
     * @param content the system prompt
     * @return a system message
     */
    public static ChatMessage system(String content) {
        return new ChatMessage(ChatRole.SYSTEM, content, null, null);
    }

    /**
     * @param content what the user says
     * @return a user message
     */
    public static ChatMessage user(String content) {
        return new ChatMessage(ChatRole.USER, content, null, null);
    }

    /**
     * @param content what the assistant said
     * @return an assistant message without tool calls
     */
    public static ChatMessage assistant(String content) {
        return new ChatMessage(ChatRole.ASSISTANT, content, null, null);
    }

    /**
     * @param toolCalls the calls the assistant made
     * @return an assistant message with empty content and these tool calls
     */
    public static ChatMessage assistantToolCalls(List<ToolCall> toolCalls) {
        return new ChatMessage(ChatRole.ASSISTANT, "", toolCalls, null);
    }

    /**
     * @param toolCallId the id of the call this result answers; null when the conversation does not use ids
     * @param content the tool's result, usually JSON
     * @return a tool message
     */
    public static ChatMessage tool(String toolCallId, String content) {
        return new ChatMessage(ChatRole.TOOL, content, null, toolCallId);
    }

    /** @return who wrote the message */
    public ChatRole role() {
        return role;
    }

    /** @return the text, empty when there is none */
    public String content() {
        return content;
    }

    /** @return the tool calls of an assistant message; empty otherwise */
    public List<ToolCall> toolCalls() {
        return toolCalls;
    }

    /** @return the id of the call a tool message answers, when given */
    public Optional<String> toolCallId() {
        return Optional.ofNullable(toolCallId);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChatMessage m
                && role == m.role
                && content.equals(m.content)
                && toolCalls.equals(m.toolCalls)
                && Objects.equals(toolCallId, m.toolCallId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(role, content, toolCalls, toolCallId);
    }

    @Override
    public String toString() {
        return "ChatMessage{role=" + role.wireName() + ", content=" + abbreviate(content)
                + (toolCalls.isEmpty() ? "" : ", tool_calls=" + toolCalls)
                + (toolCallId == null ? "" : ", tool_call_id=" + toolCallId) + "}";
    }

    private static String abbreviate(String text) {
        return text.length() <= 60
                ? "'" + text + "'"
                : "'" + text.substring(0, 57) + "...' (" + text.length() + " chars)";
    }
}
