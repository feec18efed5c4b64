package ai.llamafactory.api.chat;

import ai.llamafactory.api.exception.InvalidChatRequestException;
import java.util.Locale;

/** Who wrote a chat message. */
public enum ChatRole {
    /** Instructions that frame the conversation; at most one, first. */
    SYSTEM("system"),
    /** The person talking to the model. */
    USER("user"),
    /** The model: text, tool calls, or both. */
    ASSISTANT("assistant"),
    /** The result of a tool call, answering an assistant message's {@link ToolCall}. */
    TOOL("tool");

    private final String wireName;

    ChatRole(String wireName) {
        this.wireName = wireName;
    }

    /** @return the role as OpenAI's API and LLaMA-Factory's datasets write it ({@code system}, {@code user}, ...) */
    public String wireName() {
        return wireName;
    }

    /**
     * Reads a role as written on the wire. Accepts {@code system}, {@code user}, {@code assistant} and {@code tool},
     * plus OpenAI's legacy {@code function} (a tool result) and {@code developer} (a system message), in any case.
     *
     * @param field the field being read, for the error message (for example {@code messages[3].role})
     * @param value the role text
     * @return the role
     * @throws InvalidChatRequestException when the text names no role
     */
    public static ChatRole fromWireName(String field, String value) {
        if (value != null) {
            switch (value.toLowerCase(Locale.ROOT)) {
                case "system":
                case "developer":
                    return SYSTEM;
                case "user":
                    return USER;
                case "assistant":
                    return ASSISTANT;
                case "tool":
                case "function":
                    return TOOL;
                default:
                    break;
            }
        }
        throw new InvalidChatRequestException(
                field, field + ": expected one of system, user, assistant, tool, got '" + value + "'");
    }
}
