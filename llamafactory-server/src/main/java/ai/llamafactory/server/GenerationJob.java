package ai.llamafactory.server;

import ai.llamafactory.api.run.CancellationToken;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One request's work for the model, run by the {@link GenerationScheduler} on a generation thread. It moves from
 * queued to running to done exactly once; a job that expires (timeout, shutdown) while queued never runs, and one that
 * expires while running has its {@link #cancellation()} cancelled and its reply answered at once, while the model
 * winds down in the background.
 */
abstract class GenerationJob implements Runnable {
    /** Where a job is in its life. */
    enum State {
        QUEUED,
        RUNNING,
        DONE
    }

    private final AtomicReference<State> state = new AtomicReference<>(State.QUEUED);
    private final CancellationToken cancellation = new CancellationToken();
    private final CompletableFuture<HttpReply> reply = new CompletableFuture<>();
    private volatile GenerationScheduler scheduler;
    private volatile ScheduledFuture<?> timeoutTask;

    /** The model work; runs on a generation thread and completes {@link #reply()} (directly or through fail). */
    protected abstract void execute();

    /**
     * Answers the request with an error and stops the work: called on expiry (timeout, shutdown) and when
     * {@link #execute()} throws. Must be idempotent and safe from any thread.
     */
    protected abstract void fail(ApiError error);

    /** @return the future the HTTP handler waits on */
    final CompletableFuture<HttpReply> reply() {
        return reply;
    }

    /** @return the token the model checks between decoding steps */
    final CancellationToken cancellation() {
        return cancellation;
    }

    final State state() {
        return state.get();
    }

    final void attach(GenerationScheduler owner, ScheduledFuture<?> timeout) {
        this.scheduler = owner;
        this.timeoutTask = timeout;
    }

    /** Completes the reply unless it already is. */
    protected final void answer(HttpReply answer) {
        reply.complete(answer);
    }

    @Override
    public final void run() {
        if (!state.compareAndSet(State.QUEUED, State.RUNNING)) {
            return;
        }
        try {
            execute();
        } catch (Throwable t) {
            fail(ApiError.fromModelFailure(t));
            if (t instanceof Error error && !(t instanceof StackOverflowError)) {
                throw error;
            }
        } finally {
            state.set(State.DONE);
            ScheduledFuture<?> timeout = timeoutTask;
            if (timeout != null) {
                timeout.cancel(false);
            }
            GenerationScheduler owner = scheduler;
            if (owner != null) {
                owner.finished(this);
            }
        }
    }

    /**
     * Ends the job early with an error.
     *
     * @return true when the job was still queued and will never run
     */
    final boolean expire(ApiError error) {
        if (state.compareAndSet(State.QUEUED, State.DONE)) {
            cancellation.cancel(error.getMessage());
            fail(error);
            return true;
        }
        // answer first, then cancel: otherwise the model's own cancellation error could reach the client first
        if (state.get() == State.RUNNING) {
            fail(error);
        }
        cancellation.cancel(error.getMessage());
        return false;
    }
}
