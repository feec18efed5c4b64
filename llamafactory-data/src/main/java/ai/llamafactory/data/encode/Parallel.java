package ai.llamafactory.data.encode;

import ai.llamafactory.api.exception.LlamaFactoryException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/** Runs per-example jobs on a bounded number of threads, keeping each job's library exception as its result. */
final class Parallel {
    private Parallel() {}

    /**
     * @param n number of jobs
     * @param threads worker threads; 1 runs on the calling thread
     * @param job the job for an index
     * @return for each index, the job's result or the {@link LlamaFactoryException} it threw
     */
    static List<Object> map(int n, int threads, IntFunction<?> job) {
        Object[] out = new Object[n];
        if (threads <= 1 || n < 2) {
            for (int i = 0; i < n; i++) {
                out[i] = run(job, i);
            }
            return Arrays.asList(out);
        }
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            pool.submit(() -> IntStream.range(0, n).parallel().forEach(i -> out[i] = run(job, i)))
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlamaFactoryException("Interrupted while encoding", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new LlamaFactoryException("Encoding failed: " + cause, cause);
        } finally {
            pool.shutdown();
        }
        return Arrays.asList(out);
    }

    private static Object run(IntFunction<?> job, int i) {
        try {
            return job.apply(i);
        } catch (LlamaFactoryException e) {
            return e;
        }
    }
}
