package ai.llamafactory.data;

import java.util.Objects;

/**
 * One message of a conversation in the aligned internal form.
 *
 * @param role who speaks
 * @param content the text (for {@link Role#FUNCTION}, the JSON of the call(s))
 */
public record Message(Role role, String content) {
    /** Validates the fields. */
    public Message {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    /**
     * @param content user text
     * @return a user message
     */
    public static Message user(String content) {
        return new Message(Role.USER, content);
    }

    /**
     * @param content assistant text
     * @return an assistant message
     */
    public static Message assistant(String content) {
        return new Message(Role.ASSISTANT, content);
    }
}
