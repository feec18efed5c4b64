package ai.llamafactory.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import ai.llamafactory.core.engine.DjlEngine;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code llamafactory env} prints, as LLaMA-Factory's {@code llamafactory-cli env}: the library, Java, OS, CPU
 * and memory, the DJL and PyTorch engine versions, the devices the engine sees and whether DJL runs offline. Starting
 * the engine can fail (a missing native library); the report then says why instead of failing.
 *
 * @param entries label to value, in printing order (unmodifiable)
 */
public record EnvironmentReport(Map<String, String> entries) {
    /** The label of the engine version line. */
    public static final String PYTORCH_VERSION = "PyTorch engine version";
    /** The label of the devices line. */
    public static final String DEVICES = "Devices";

    /**
     * Copies the entries.
     *
     * @param entries label to value, in printing order
     */
    public EnvironmentReport {
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(entries, "entries")));
    }

    /** @return the report of this JVM; starts DJL's PyTorch engine (offline) if it is not running */
    public static EnvironmentReport collect() {
        Map<String, String> e = new LinkedHashMap<>();
        LibraryVersion library = LibraryVersion.current();
        e.put("LlamaFactory for Java version", library.version());
        e.put(
                "Java version",
                System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                        + System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version") + ")");
        e.put(
                "OS",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                        + System.getProperty("os.arch") + ")");
        e.put("CPU cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        e.put("Memory", memory());
        DjlEngine.applyOfflineDefaults();
        e.put("DJL version", Engine.getDjlVersion());
        try {
            Engine engine = DjlEngine.get();
            e.put(PYTORCH_VERSION, engine.getVersion());
            e.put(DEVICES, devices(engine));
            e.put("Default device", engine.defaultDevice().toString());
            if (DjlEngine.gpuCount() > 0) {
                e.put("CUDA version", CudaUtils.getCudaVersionString());
            }
        } catch (RuntimeException | LinkageError failure) {
            e.put(PYTORCH_VERSION, "not available: " + failure);
            e.put(DEVICES, "unknown (the engine did not start)");
        }
        e.put("DJL offline (ai.djl.offline)", System.getProperty("ai.djl.offline", "false"));
        e.put(
                "DJL cache (DJL_CACHE_DIR)",
                System.getProperty(
                        "DJL_CACHE_DIR",
                        Objects.requireNonNullElse(System.getenv("DJL_CACHE_DIR"), "~/.djl.ai (default)")));
        return new EnvironmentReport(e);
    }

    /** @return the report as LLaMA-Factory prints it: one {@code - label: value} line per entry */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        entries.forEach((k, v) -> lines.add("- " + k + ": " + v));
        return lines;
    }

    private static String devices(Engine engine) {
        List<String> names = new ArrayList<>();
        for (Device d : engine.getDevices()) {
            if (d.isGpu()) {
                String info = d.toString();
                try {
                    MemoryUsage mem = CudaUtils.getGpuMemory(d);
                    info += " (compute capability " + CudaUtils.getComputeCapability(d.getDeviceId()) + ", "
                            + gib(mem.getMax()) + " memory)";
                } catch (RuntimeException | LinkageError ignored) {
                    // CUDA's management library may be absent; the device name is still worth printing
                }
                names.add(info);
            } else {
                names.add(d.toString());
            }
        }
        if (names.stream().noneMatch(n -> n.startsWith("cpu"))) {
            names.add(0, Device.cpu().toString());
        }
        return String.join(", ", names);
    }

    private static String memory() {
        String heap = gib(Runtime.getRuntime().maxMemory()) + " max heap";
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return gib(sun.getTotalMemorySize()) + " physical, " + heap;
        }
        return heap;
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
