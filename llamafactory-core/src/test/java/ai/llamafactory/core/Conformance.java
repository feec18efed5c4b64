package ai.llamafactory.core;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Locates the conformance reference data ({@code -Dllamafactory.conformance.root}, default
 * {@code ../shared/conformance}) and reads its golden files. Tests skip with a printed reason when it is absent.
 */
public final class Conformance {
    private Conformance() {}

    /** @return the conformance root folder (it may not exist) */
    public static Path root() {
        String prop = System.getProperty("llamafactory.conformance.root");
        if (prop != null && !prop.isBlank()) {
            return Paths.get(prop);
        }
        Path p = Paths.get("").toAbsolutePath();
        for (int i = 0; i < 4 && p != null; i++, p = p.getParent()) {
            Path c = p.resolve("../shared/conformance").normalize();
            if (Files.isDirectory(c)) {
                return c;
            }
        }
        return Paths.get("../shared/conformance").toAbsolutePath().normalize();
    }

    /**
     * Skips the calling test (with a printed reason) when a conformance sub-folder is absent.
     *
     * @param sub sub-folder, e.g. {@code models}
     * @return the folder
     */
    public static Path requireFolder(String sub) {
        Path dir = root().resolve(sub);
        if (!Files.isDirectory(dir)) {
            String reason = "conformance folder " + dir + " not found; set -Dllamafactory.conformance.root";
            System.out.println("SKIPPED: " + reason);
            assumeTrue(false, reason);
        }
        return dir;
    }

    /**
     * @param sub sub-folder of the root, e.g. {@code models}
     * @return its immediate sub-folders, sorted; empty when absent
     */
    public static List<Path> folders(String sub) {
        Path dir = root().resolve(sub);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a small fp32/int64 safetensors file (golden tensors) by name.
     *
     * @param file the file
     * @param manager owner of the arrays
     * @return name to tensor
     */
    public static Map<String, NDArray> readGolden(Path file, NDManager manager) {
        try {
            NDList list = NDList.decode(manager, Files.readAllBytes(file));
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (NDArray a : list) {
                out.put(a.getName(), a);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
