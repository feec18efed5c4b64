package ai.llamafactory.data;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Locates the shared conformance data (golden numbers computed by transformers and LlamaFactory). */
public final class ConformanceData {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConformanceData() {}

    /**
     * @return the conformance root ({@code -Dllamafactory.conformance.root}, else {@code ../shared/conformance});
     *     skips the calling test with a printed reason when the folder is absent
     */
    public static Path root() {
        String configured = System.getProperty("llamafactory.conformance.root");
        Path root = configured != null ? Path.of(configured) : Path.of("..", "..", "shared", "conformance");
        if (!Files.isDirectory(root) && configured == null) {
            root = Path.of("..", "shared", "conformance");
        }
        boolean present = Files.isDirectory(root);
        if (!present) {
            System.out.println("SKIPPED: conformance folder " + root.toAbsolutePath() + " is absent; set "
                    + "-Dllamafactory.conformance.root=DIR to run the conformance tests");
        }
        assumeTrue(present, "conformance folder " + root.toAbsolutePath() + " is absent");
        return root;
    }

    /**
     * @param sub a sub-folder of the root, e.g. {@code tokenizers}
     * @return its direct sub-folders, sorted; empty when it does not exist
     */
    public static List<Path> subfolders(String sub) {
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
     * @param file a JSON file
     * @return its tree
     */
    public static JsonNode readJson(Path file) {
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
