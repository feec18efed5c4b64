package ai.llamafactory.api.chat;

import ai.llamafactory.api.exception.ChatCancelledException;

/**
 * Lets one thread ask a generation running on another thread to stop. A model checks {@link #isCancelled()} (or
 * calls {@link #throwIfCancelled()}) before each decoding step, so a cancelled generation ends within one token.
 * Cancelling is permanent and may come from any thread; the first reason given is kept.
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

    /** @return a shared token that can never be cancelled, for callers that do not cancel */
    public static CancellationToken never() {
        return NEVER;
    }

    /**
     * Cancels the generation. Later calls keep the first reason.
     *
     * @param why a short reason, used in the {@link ChatCancelledException} message (for example
     *     {@code "request timed out after 30 s"})
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

    /** @return true once {@link #cancel} was called */
    public boolean isCancelled() {
        return reason != null;
    }

    /** @return the reason given to {@link #cancel}, or null while not cancelled */
    public String reason() {
        return reason;
    }

    /**
     * Throws when cancelled; models call this between decoding steps.
     *
     * @throws ChatCancelledException when {@link #cancel} was called
     */
    public void throwIfCancelled() {
        String why = reason;
        if (why != null) {
            throw new ChatCancelledException("generation cancelled: " + why);
        }
    }
}
