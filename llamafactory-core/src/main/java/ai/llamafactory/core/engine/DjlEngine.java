package ai.llamafactory.core.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The one place that starts DJL's PyTorch engine. It makes DJL run offline (no native download, which fails on
 * machines without internet access, and no telemetry) unless the user explicitly set {@code ai.djl.offline=false}.
 */
public final class DjlEngine {
    private static volatile Engine engine;

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
