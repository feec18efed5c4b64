package ai.llamafactory.api.exception;

import java.util.Objects;

/**
 * A chat request cannot be served as given: a sampling parameter out of range, an empty message list, a message
 * whose role does not allow a field it carries. {@link #field()} names the offending request field the way the
 * OpenAI chat-completions API spells it ({@code top_p}, {@code messages[2].tool_calls}), so an HTTP server can
 * report it as the error's {@code param}.
 */
public class InvalidChatRequestException extends InvalidConfigException {
    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * Creates the exception.
     *
     * @param field the offending field, as the OpenAI API names it (for example {@code temperature} or
     *     {@code messages[0].role})
     * @param message what is wrong, naming the field and the rejected value
     */
    public InvalidChatRequestException(String field, String message) {
        super(message);
        this.field = Objects.requireNonNull(field, "field");
    }

    /** @return the offending field, as the OpenAI API names it */
    public String field() {
        return field;
    }
}
