package ai.llamafactory.data.jinja;

import ai.llamafactory.api.exception.InvalidConfigException;

/**
 * A Jinja template cannot be parsed or rendered: a syntax error, an unsupported construct, an undefined value used
 * where a value is needed, or {@code raise_exception(...)} called by the template itself. The message names the
 * template line.
 */
public class JinjaException extends InvalidConfigException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, with the template line
     */
    public JinjaException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what went wrong, with the template line
     * @param cause the underlying failure
     */
    public JinjaException(String message, Throwable cause) {
        super(message, cause);
    }
}
