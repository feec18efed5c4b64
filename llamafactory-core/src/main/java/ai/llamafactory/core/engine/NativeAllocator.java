package ai.llamafactory.core.engine;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tunes glibc's allocator for training. libtorch allocates each step's activations with malloc; by default glibc
 * serves blocks above a (dynamic) threshold with fresh mmap'd pages and trims the heap after frees, so every step
 * page-faults hundreds of megabytes anew. That measured up to 4x slower forward passes on CPU. Keeping freed memory
 * in the process (a fixed 32 MiB mmap threshold, no trimming below 1 GiB of free top, 256 MiB growth steps) makes
 * steady-state steps reuse warm pages.
 *
 * <p>Applied once at engine start on Linux/glibc; off with {@code -Dllamafactory.malloc.tuning=false}. The trade-off:
 * the process keeps its peak heap instead of returning it to the OS.
 */
public final class NativeAllocator {
    private static final Logger LOG = LoggerFactory.getLogger(NativeAllocator.class);
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_TOP_PAD = -2;
    private static final int M_MMAP_THRESHOLD = -3;
    private static volatile boolean applied;

    private NativeAllocator() {}

    /** glibc's {@code mallopt}. */
    private interface LibC extends Library {
        int mallopt(int param, int value);
    }

    /**
     * Applies the tuning once.
     *
     * @return true when glibc accepted every setting
     */
    public static synchronized boolean tune() {
        if (applied) {
            return true;
        }
        applied = true;
        if (!Boolean.parseBoolean(System.getProperty("llamafactory.malloc.tuning", "true"))
                || !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return false;
        }
        try {
            LibC c = Native.load("c", LibC.class);
            boolean ok = c.mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1
                    & c.mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1
                    & c.mallopt(M_TOP_PAD, 256 << 20) == 1;
            if (!ok) {
                LOG.debug("glibc rejected part of the allocator tuning");
            }
            return ok;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.debug("allocator tuning unavailable: {}", e.toString());
            return false;
        }
    }
}
