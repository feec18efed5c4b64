package ai.llamafactory.api.exception;

/**
 * A chat generation stopped because it was cancelled: its {@link ai.llamafactory.api.run.CancellationToken} was
 * cancelled (a request timeout, a client that went away, a server shutting down) or its stream listener asked it to
 * stop.
 */
public class ChatCancelledException extends LlamaFactoryException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message why and where the generation stopped
     */
    public ChatCancelledException(String message) {
        super(message);
    }
}
