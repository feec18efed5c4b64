package ai.llamafactory.api.exception;

/**
 * Root of every exception this library throws on purpose. Catch this type to handle all library failures in one
 * place; catch a subclass to react to one kind of failure.
 *
 * <p>Messages always name the offending file, line, field or key and the value that was rejected.
 */
public class LlamaFactoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what went wrong, naming the file, field or value concerned
     */
    public LlamaFactoryException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and a cause.
     *
     * @param message what went wrong, naming the file, field or value concerned
     * @param cause the underlying failure
     */
    public LlamaFactoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
