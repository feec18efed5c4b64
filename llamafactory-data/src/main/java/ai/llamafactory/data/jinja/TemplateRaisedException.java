package ai.llamafactory.data.jinja;

/**
 * The template called {@code raise_exception(message)}: the input is one the template refuses (e.g. roles that do not
 * alternate). {@link #templateMessage()} is the template's own text.
 */
public final class TemplateRaisedException extends JinjaException {
    private static final long serialVersionUID = 1L;

    private final String templateMessage;

    /**
     * Creates the exception.
     *
     * @param templateMessage the message the template passed to {@code raise_exception}
     * @param line the template line of the call
     */
    public TemplateRaisedException(String templateMessage, int line) {
        super("Chat template (line " + line + ") raised: " + templateMessage);
        this.templateMessage = templateMessage;
    }

    /** @return the message the template passed to {@code raise_exception} */
    public String templateMessage() {
        return templateMessage;
    }
}
