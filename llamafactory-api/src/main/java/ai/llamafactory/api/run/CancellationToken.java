package ai.llamafactory.api.run;

import ai.llamafactory.api.exception.ChatCancelledException;

/**
 * Asks a long-running operation (a training run, a generation, a streamed chat) to stop. Any thread may call
 * {@link #cancel()}; the operation checks {@link #isCancelled()} at its own safe points (an optimizer step boundary,
 * a decoded token) and stops there. Thread-safe. A token cannot be reset; the first reason given is kept.
 *
 * <p>Thread interrupts are deliberately not used: an interrupt closes any {@link java.nio.channels.FileChannel} the
 * thread is reading, such as a memory-mapped checkpoint.
 */
public final class CancellationToken {
    private static final CancellationToken NEVER = new CancellationToken(false);

    private final boolean cancellable;
    private volatile String reason;

    private CancellationToken(boolean cancellable) {
        this.cancellable = cancellable;
    }

    /** Creates a token that is not cancelled yet. */
    public CancellationToken() {
        this(true);
    }

    /** @return a shared token that is never cancelled (cancelling it throws) */
    public static CancellationToken never() {
        return NEVER;
    }

    /** Requests cancellation. Idempotent. */
    public void cancel() {
        cancel("cancelled");
    }

    /**
     * Requests cancellation with a reason; the first reason wins.
     *
     * @param why a short explanation for logs and errors
     * @throws UnsupportedOperationException on {@link #never()}
     */
    public void cancel(String why) {
        if (!cancellable) {
            throw new UnsupportedOperationException("CancellationToken.never() cannot be cancelled");
        }
        synchronized (this) {
            if (reason == null) {
                reason = why == null || why.isBlank() ? "cancelled" : why;
            }
        }
    }

    /** @return true once {@link #cancel} has been called */
    public boolean isCancelled() {
        return reason != null;
    }

    /** @return the reason given to {@link #cancel(String)}, or null while not cancelled */
    public String reason() {
        return reason;
    }

    /**
     * Throws when cancelled; generation loops call this between decoding steps.
     *
     * @throws ChatCancelledException when {@link #cancel} was called
     */
    public void throwIfCancelled() {
        String why = reason;
        if (why != null) {
            throw new ChatCancelledException("generation cancelled: " + why);
        }
    }

    @Override
    public String toString() {
        return "CancellationToken{cancelled=" + isCancelled() + (reason == null ? "" : ", reason=" + reason) + "}";
    }
}
