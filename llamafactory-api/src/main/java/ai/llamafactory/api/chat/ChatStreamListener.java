package ai.llamafactory.api.chat;

/**
 * Receives a streamed reply from {@link ChatModel#streamChat}. The model calls {@link #onDelta} zero or more times,
 * then exactly one of {@link #onComplete} or {@link #onError}, all on the thread that called {@code streamChat}
 * (so a listener needs no locking against the model, only against other threads of its own).
 */
public interface ChatStreamListener {
    /**
     * Receives the next piece of text.
     *
     * @param delta the new text
     * @return true to go on; false to cancel: the model stops before the next token and ends with
     *     {@link #onError} carrying a {@link ai.llamafactory.api.exception.ChatCancelledException}
     */
    boolean onDelta(ChatDelta delta);

    /**
     * Receives the end of a reply that finished normally (stop, length or tool calls).
     *
     * @param end the finish reason, tool calls and usage
     */
    void onComplete(ChatStreamEnd end);

    /**
     * Receives the failure that ended the reply: an invalid request
     * ({@link ai.llamafactory.api.exception.InvalidChatRequestException}), a cancellation
     * ({@link ai.llamafactory.api.exception.ChatCancelledException}) or any other error of the model.
     *
     * @param error what went wrong
     */
    void onError(Throwable error);
}
