package ai.llamafactory.api.exception;

/**
 * A dataset cannot be used: an unknown dataset name, a file that cannot be parsed, a malformed row in strict mode,
 * or a dataset in which no row is valid.
 */
public class DatasetException extends LlamaFactoryException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the file, field or value concerned
     */
    public DatasetException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what went wrong, naming the file, field or value concerned
     * @param cause the underlying failure
     */
    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
