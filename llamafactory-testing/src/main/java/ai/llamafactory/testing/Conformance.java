package ai.llamafactory.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Locates and reads the conformance reference data: numbers computed by the Python stack (transformers, peft,
 * LLaMA-Factory) that the Java code must reproduce. The data lives in the repository's top-level
 * {@code conformance/} folder, found by walking up from the working directory (a module folder when Maven runs the
 * tests) to the first folder holding {@code conformance/README.md}; {@code -Dllamafactory.conformance.root=DIR}
 * (an absolute path) points the tests at another copy.
 *
 * <p>Nothing here skips a test: a missing folder or file fails the calling test with an {@link AssertionError}
 * naming the path that was looked for.
 *
 * <pre>{@code
 * Path llama = Conformance.requireFolder("models").resolve("llama");
 * Map<String, NDArray> golden = Conformance.readGolden(llama.resolve("golden.safetensors"), manager);
 * }</pre>
 */
public final class Conformance {
    /** The system property that overrides the location of the conformance folder. */
    public static final String PROPERTY = "llamafactory.conformance.root";
    /** The file that marks the conformance folder while walking up from the working directory. */
    static final String MARKER = "README.md";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Conformance() {}

    /**
     * The conformance root: {@code -Dllamafactory.conformance.root} when set (and not blank), else the
     * {@code conformance/} folder of the repository around the working directory.
     *
     * @return the folder, which exists
     * @throws AssertionError when the configured folder does not exist, or none is found walking up
     */
    public static Path root() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path root = Path.of(configured).toAbsolutePath().normalize();
            if (!Files.isDirectory(root)) {
                throw new AssertionError("conformance folder " + root + " (from -D" + PROPERTY + ") does not exist");
            }
            return root;
        }
        Path start = Path.of("").toAbsolutePath().normalize();
        for (Path p = start; p != null; p = p.getParent()) {
            Path candidate = p.resolve("conformance");
            if (Files.isRegularFile(candidate.resolve(MARKER))) {
                return candidate;
            }
        }
        throw new AssertionError("conformance reference data not found: no conformance/" + MARKER + " in " + start
                + " or a folder above it; the repository ships it in conformance/ (or set -D" + PROPERTY + "=DIR)");
    }

    /**
     * @param sub a folder below the root, e.g. {@code models} or {@code tokenizers/qwen3}
     * @return the folder
     * @throws AssertionError naming the folder when it does not exist
     */
    public static Path requireFolder(String sub) {
        Path dir = root().resolve(sub);
        if (!Files.isDirectory(dir)) {
            throw new AssertionError("conformance folder missing: " + dir);
        }
        return dir;
    }

    /**
     * @param relative a file below the root, e.g. {@code models/llama/golden.safetensors}
     * @return the file
     * @throws AssertionError naming the file when it does not exist
     */
    public static Path requireFile(String relative) {
        return requireFile(root().resolve(relative));
    }

    /**
     * @param file a file, usually below the root
     * @return the same file
     * @throws AssertionError naming the file when it does not exist
     */
    public static Path requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new AssertionError("conformance file missing: " + file);
        }
        return file;
    }

    /**
     * @param sub a folder below the root, e.g. {@code models}
     * @return its immediate sub-folders, sorted; never empty
     * @throws AssertionError when the folder is missing or has no sub-folder
     */
    public static List<Path> folders(String sub) {
        Path dir = requireFolder(sub);
        List<Path> out;
        try (Stream<Path> s = Files.list(dir)) {
            out = s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (out.isEmpty()) {
            throw new AssertionError("conformance folder " + dir + " has no case folder");
        }
        return out;
    }

    /**
     * Reads a golden safetensors file (fp32/int64 tensors) by tensor name.
     *
     * @param file the file
     * @param manager owner of the arrays
     * @return name to tensor, in file order
     * @throws AssertionError naming the file when it does not exist
     */
    public static Map<String, NDArray> readGolden(Path file, NDManager manager) {
        requireFile(file);
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

    /**
     * @param file a JSON file
     * @return its tree
     * @throws AssertionError naming the file when it does not exist
     */
    public static JsonNode readJson(Path file) {
        requireFile(file);
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param node a JSON array of integers
     * @return the ints
     */
    public static int[] ints(JsonNode node) {
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).asInt();
        }
        return out;
    }
}
