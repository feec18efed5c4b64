package ai.llamafactory.core.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The one place that starts DJL's PyTorch engine. It makes DJL run offline (no native download, which fails on
 * machines without internet access, and no telemetry) unless the user explicitly set {@code ai.djl.offline=false}.
 *
 * <p>On a Linux machine without an NVIDIA driver (no {@code /proc/driver/nvidia}, {@code /dev/nvidiactl} or WSL's
 * {@code /dev/dxg}) the GPU count is 0 without asking CUDA: where a CUDA runtime library is installed but no driver,
 * DJL's {@code CudaUtils} would otherwise warn "Failed to detect GPU count: CUDA driver version is insufficient" each
 * time it is asked (DJL itself asks while the engine starts; that logger is set to {@code error} for slf4j-simple,
 * unless the user configured it).
 */
public final class DjlEngine {
    private static volatile Engine engine;
    private static final String CUDA_UTILS_LOG_LEVEL = "org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils";

    private DjlEngine() {}

    /**
     * Returns the PyTorch engine, starting it on first use with offline defaults.
     *
     * @return the engine
     */
    public static Engine get() {
        Engine e = engine;
        if (e == null) {
            synchronized (DjlEngine.class) {
                e = engine;
                if (e == null) {
                    NativeMemoryDebug.configureEngine();
                    applyOfflineDefaults();
                    e = Engine.getEngine("PyTorch");
                    engine = e;
                }
            }
        }
        return e;
    }

    /**
     * Sets the system properties that keep DJL offline and silent, without overriding a value the user set.
     * Called automatically by {@link #get()}; call it earlier if other DJL classes (tokenizers) are used first.
     */
    public static void applyOfflineDefaults() {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        setIfAbsent("ai.djl.default_engine", "PyTorch");
        // Inter-op parallelism only adds contention for the eager, sequential op stream of a training step.
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        if (!cudaDriverPossible()) {
            // Read when DJL's CudaUtils creates its logger: its "no driver" warnings say nothing on a CPU machine.
            setIfAbsent(CUDA_UTILS_LOG_LEVEL, "error");
        }
    }

    /**
     * The GPUs the engine can use: 0 without asking CUDA when no NVIDIA driver can be present, else DJL's count.
     *
     * @return the number of CUDA devices
     */
    public static int gpuCount() {
        Engine e = get();
        return cudaDriverPossible() ? e.getGpuCount() : 0;
    }

    /**
     * @return false on Linux when none of the NVIDIA driver's device files exists (a machine or container without
     *     a GPU); true elsewhere, where DJL's own probe decides
     */
    static boolean cudaDriverPossible() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.startsWith("linux")) {
            return true;
        }
        return Files.exists(Path.of("/proc/driver/nvidia"))
                || Files.exists(Path.of("/dev/nvidiactl"))
                || Files.exists(Path.of("/dev/dxg"));
    }

    /**
     * Turns autograd recording on or off for the calling thread. libtorch's grad mode is thread-local and new
     * threads start with it on; generation and evaluation threads must switch it off.
     *
     * @param enabled true to record operations for backward
     */
    public static void setGradMode(boolean enabled) {
        get();
        JniUtils.setGradMode(enabled);
    }

    /** @return whether autograd records operations on the calling thread */
    public static boolean isGradMode() {
        get();
        return JniUtils.isGradMode();
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
