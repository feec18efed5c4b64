package ai.llamafactory.api.exception;

/**
 * Training cannot go on: the loss became NaN or infinite, the run was cancelled, or a resumed checkpoint does not
 * belong to this run.
 */
public class TrainingException extends LlamaFactoryException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the file, field or value concerned
     */
    public TrainingException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what went wrong, naming the file, field or value concerned
     * @param cause the underlying failure
     */
    public TrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}
