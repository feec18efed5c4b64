package ai.llamafactory.server;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs model work off the HTTP threads: at most {@code maxConcurrent} jobs at once on dedicated generation threads,
 * at most {@code maxQueued} waiting behind them (first come, first served), anything beyond refused with 429. Each job
 * gets a deadline, counted from its submission: a job still queued then is dropped without running, a running one is
 * cancelled; both are answered with 504 at once.
 */
final class GenerationScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(GenerationScheduler.class);

    private final int maxConcurrent;
    private final int maxQueued;
    private final Duration timeout;
    private final ThreadPoolExecutor executor;
    private final ScheduledThreadPoolExecutor timer;
    private final Set<GenerationJob> jobs = ConcurrentHashMap.newKeySet();
    private final Object idle = new Object();
    private volatile boolean closed;

    GenerationScheduler(int maxConcurrent, int maxQueued, Duration timeout) {
        this.maxConcurrent = maxConcurrent;
        this.maxQueued = maxQueued;
        this.timeout = timeout;
        BlockingQueue<Runnable> queue = maxQueued == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(maxQueued);
        this.executor = new ThreadPoolExecutor(
                maxConcurrent,
                maxConcurrent,
                0,
                TimeUnit.SECONDS,
                queue,
                threads("llamafactory-generation"),
                new ThreadPoolExecutor.AbortPolicy());
        this.timer = new ScheduledThreadPoolExecutor(1, threads("llamafactory-request-timeout"));
        this.timer.setRemoveOnCancelPolicy(true);
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Queues a job, or runs it at once when a generation thread is free.
     *
     * @throws ApiError 503 when shutting down, 429 when every slot and the queue are full
     */
    void submit(GenerationJob job) {
        if (closed) {
            throw ApiError.shuttingDown();
        }
        jobs.add(job);
        ScheduledFuture<?> deadline = timer.schedule(() -> expire(job), timeout.toNanos(), TimeUnit.NANOSECONDS);
        job.attach(this, deadline);
        try {
            executor.execute(job);
        } catch (RejectedExecutionException e) {
            deadline.cancel(false);
            jobs.remove(job);
            throw closed ? ApiError.shuttingDown() : ApiError.overloaded(maxConcurrent, maxQueued);
        }
    }

    private void expire(GenerationJob job) {
        LOG.warn("request timed out after {}; cancelling its generation", ApiError.describe(timeout));
        expire(job, ApiError.timedOut(timeout));
    }

    private void expire(GenerationJob job, ApiError error) {
        if (job.expire(error)) {
            executor.remove(job);
            finished(job);
        }
    }

    /** Called once per job when it leaves the scheduler (ran to the end, or expired while queued). */
    void finished(GenerationJob job) {
        if (jobs.remove(job)) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    /** @return jobs queued or running */
    int pending() {
        return jobs.size();
    }

    /** Refuses new jobs from now on. */
    void close() {
        closed = true;
    }

    /**
     * Waits until no job is queued or running.
     *
     * @return true when idle, false when the time ran out first
     */
    boolean awaitIdle(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (idle) {
            while (!jobs.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
        }
        return true;
    }

    /** Ends every queued or running job with the error (their generations are cancelled). */
    void abortAll(ApiError error) {
        List<GenerationJob> all = List.copyOf(jobs);
        // queued jobs first, so none of them takes the thread of a running job being cancelled
        for (GenerationJob job : all) {
            if (job.state() == GenerationJob.State.QUEUED) {
                expire(job, error);
            }
        }
        for (GenerationJob job : all) {
            expire(job, error);
        }
    }

    /** Stops the threads once their generations return (they were cancelled before); never interrupts them. */
    void shutdownNow() {
        closed = true;
        executor.shutdown();
        timer.shutdownNow();
    }
}
