package ai.llamafactory.api.exception;

/**
 * A model folder, checkpoint or weight file is missing, malformed or does not fit the model: a corrupt
 * safetensors header, a tensor whose shape disagrees with config.json, an unsupported dtype, a failed download.
 */
public class CheckpointException extends LlamaFactoryException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the file, field or value concerned
     */
    public CheckpointException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what went wrong, naming the file, field or value concerned
     * @param cause the underlying failure
     */
    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
