package ai.llamafactory.api;

import ai.llamafactory.api.exception.LlamaFactoryException;
import ai.llamafactory.api.exception.TrainingException;
import ai.llamafactory.api.run.CancellationToken;
import ai.llamafactory.api.run.TrainingResult;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A training running on its own thread, returned by {@link FineTune#start()}. Cancel it from any thread; wait for it
 * with {@link #await()}.
 *
 * <pre>{@code
 * TrainingHandle handle = FineTune.model("Qwen/Qwen3-0.6B").lora(8).dataset("alpaca_en_demo").start();
 * ...
 * handle.cancel();                       // stops at the next step boundary
 * TrainingResult result = handle.await(); // result.stopReason() == CANCELLED
 * }</pre>
 */
public final class TrainingHandle {
    private final CompletableFuture<TrainingResult> future;
    private final CancellationToken token;

    TrainingHandle(CompletableFuture<TrainingResult> future, CancellationToken token) {
        this.future = Objects.requireNonNull(future, "future");
        this.token = Objects.requireNonNull(token, "token");
    }

    /** Asks the training to stop at the next optimizer step; it still writes its final files. */
    public void cancel() {
        token.cancel();
    }

    /** @return true once {@link #cancel()} was called */
    public boolean isCancelled() {
        return token.isCancelled();
    }

    /** @return true when training has ended, normally, by cancellation or by failure */
    public boolean isDone() {
        return future.isDone();
    }

    /**
     * Waits for the training to end.
     *
     * @return the result; {@link TrainingResult#stopReason()} says whether it was cancelled
     * @throws InterruptedException when the waiting thread is interrupted (training goes on)
     * @throws LlamaFactoryException the exception training failed with (others are wrapped in a
     *     {@link TrainingException})
     */
    public TrainingResult await() throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    /**
     * Waits at most a given time for the training to end.
     *
     * @param timeout how long to wait
     * @return the result, or empty when training is still running after the timeout
     * @throws InterruptedException when the waiting thread is interrupted (training goes on)
     * @throws LlamaFactoryException the exception training failed with
     */
    public Optional<TrainingResult> await(Duration timeout) throws InterruptedException {
        try {
            return Optional.of(future.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    /** @return a future completed with the result (or the failure); cancelling the future does not stop training */
    public CompletableFuture<TrainingResult> toCompletableFuture() {
        return future.copy();
    }

    private static RuntimeException unwrap(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof LlamaFactoryException) {
            return (LlamaFactoryException) cause;
        }
        if (cause instanceof Error) {
            throw (Error) cause;
        }
        return new TrainingException("training failed: " + cause, cause);
    }
}
