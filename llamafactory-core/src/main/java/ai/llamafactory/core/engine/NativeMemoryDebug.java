package ai.llamafactory.core.engine;

import java.lang.ref.Cleaner;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A debug switch that makes native-memory lifetime bugs deterministic. Memory that a tensor reads after Java freed
 * it is freed only when the garbage collector runs, which depends on heap size, load and timing: such a bug shows as
 * a NaN or a JVM crash "by chance". With the switch on, the trainer runs a full collection, and waits until the
 * collector's cleaners ran, at fixed points of every step (after the forward pass, after backward, after the
 * optimizer step, after a checkpoint is written or loaded), so any tensor over Java-owned memory reads freed memory at
 * the same place in every run. Combine with glibc's {@code MALLOC_PERTURB_=165} (freed memory is overwritten) and
 * {@code MALLOC_CHECK_=3} (heap corruption aborts at once) for a reproduction that fails the same way every time.
 *
 * <p>The switch also turns on DJL's {@code ai.djl.track_resource}, so an array used after it was closed fails with
 * an exception whose log names the stack that closed it.
 *
 * <p>Turn it on with the system property {@value #PROPERTY}{@code =true} or the environment variable
 * {@value #ENV}{@code =1}. It costs one full collection per point, so it is for debugging and the stress harness.
 */
public final class NativeMemoryDebug {
    /** The system property that turns the switch on. */
    public static final String PROPERTY = "llamafactory.debug.native_memory";
    /** The environment variable that turns the switch on. */
    public static final String ENV = "LLAMAFACTORY_DEBUG_NATIVE_MEMORY";

    private static final Logger LOG = LoggerFactory.getLogger(NativeMemoryDebug.class);
    private static final Cleaner CLEANER = Cleaner.create();
    private static final AtomicLong COLLECTIONS = new AtomicLong();
    private static final boolean ENV_ON = envOn(System.getenv(ENV));
    private static volatile boolean announced;

    private NativeMemoryDebug() {}

    /**
     * Whether the switch is on: the system property is read at every call (tests may turn it on and off), the
     * environment variable once.
     *
     * @return true when forced collections run at step boundaries
     */
    public static boolean enabled() {
        boolean e = Boolean.getBoolean(PROPERTY) || ENV_ON;
        if (e && !announced) {
            announced = true;
            LOG.warn("native memory debugging is on: a full garbage collection runs at every step boundary");
        }
        return e;
    }

    /**
     * Turns on DJL's {@code ai.djl.track_resource} when the switch is on at start-up (it is read once, when DJL's
     * native resource class initialises; {@link DjlEngine} calls this first).
     */
    static void configureEngine() {
        if (enabled() && System.getProperty("ai.djl.track_resource") == null) {
            System.setProperty("ai.djl.track_resource", "true");
        }
    }

    /**
     * With the switch on, runs a full garbage collection and waits until the cleaners it triggered ran (direct
     * buffers freed); otherwise does nothing.
     *
     * @param where a label for the log, e.g. {@code after backward}
     */
    public static void collectGarbage(String where) {
        if (enabled()) {
            fullCollection(where);
        }
    }

    /**
     * Runs a full garbage collection and waits until the cleaners it triggered ran (direct buffers freed), whether
     * the switch is on or not (tests call it directly).
     *
     * @param where a label for the log, e.g. {@code after backward}
     */
    public static void fullCollection(String where) {
        CountDownLatch cleaned = new CountDownLatch(1);
        register(cleaned);
        System.gc();
        try {
            // The sentinel's cleaner runs after the reference handler processed the collection's pending references,
            // which frees the direct buffers that became unreachable in the same collection.
            if (!cleaned.await(5, TimeUnit.SECONDS)) {
                LOG.warn("native memory debugging: the collector did not clean up within 5 s ({})", where);
            }
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long n = COLLECTIONS.incrementAndGet();
        if (LOG.isDebugEnabled()) {
            LOG.debug(String.format(Locale.ROOT, "forced collection %d (%s)", n, where));
        }
    }

    /** @return how many forced collections ran in this JVM */
    public static long collections() {
        return COLLECTIONS.get();
    }

    private static boolean envOn(String value) {
        return value != null && !value.isBlank() && !value.equals("0") && !value.equalsIgnoreCase("false");
    }

    private static void register(CountDownLatch latch) {
        // The sentinel must be unreachable when System.gc() runs: it is created and dropped in this frame.
        CLEANER.register(new Object(), latch::countDown);
    }
}
