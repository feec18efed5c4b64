package ai.llamafactory.api.exception;

/**
 * A configuration value, key or combination of options is invalid: an unknown YAML key, a value out of range,
 * an unknown model type or template name. Thrown before any training starts.
 */
public class InvalidConfigException extends LlamaFactoryException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the file, field or value concerned
     */
    public InvalidConfigException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what went wrong, naming the file, field or value concerned
     * @param cause the underlying failure
     */
    public InvalidConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
