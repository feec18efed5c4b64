package ai.llamafactory.api;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asks a running training to stop, from any thread. Trainers check {@link #isCancelled()} at least once per optimizer
 * step, stop at the next step boundary, write what a finished run writes, and return a {@link TrainingResult} with
 * {@link TrainingResult.StopReason#CANCELLED}. Thread-safe.
 */
public final class CancellationToken {
    private final AtomicBoolean cancelled = new AtomicBoolean();

    /** Creates a token that is not cancelled. */
    public CancellationToken() {
    }

    /** Requests cancellation; calling it again has no further effect. */
    public void cancel() {
        cancelled.set(true);
    }

    /** @return true once {@link #cancel()} was called */
    public boolean isCancelled() {
        return cancelled.get();
    }

    @Override
    public String toString() {
        return "CancellationToken{cancelled=" + isCancelled() + "}";
    }
}
