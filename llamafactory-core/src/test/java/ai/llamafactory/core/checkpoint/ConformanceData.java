package ai.llamafactory.core.checkpoint;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Locates the conformance references ({@code -Dllamafactory.conformance.root=DIR}, by default
 * {@code ../shared/conformance} beside the project) and skips the calling test, with the reason printed, when they
 * are absent.
 */
final class ConformanceData {
    static final String PROPERTY = "llamafactory.conformance.root";

    private ConformanceData() {}

    /**
     * Returns the conformance root, or aborts the current test (JUnit assumption) when it does not exist.
     *
     * @return the folder holding {@code models/} and {@code adapters/}
     */
    static Path root() {
        String configured = System.getProperty(PROPERTY);
        Path root = configured != null && !configured.isBlank() ? Paths.get(configured)
                : Paths.get("..", "..", "shared", "conformance");
        root = root.toAbsolutePath().normalize();
        boolean present = Files.isDirectory(root.resolve("models"));
        if (!present) {
            System.out.println("SKIPPED: conformance data not found at " + root + " (set -D" + PROPERTY + "=DIR)");
        }
        assumeTrue(present, "conformance data not found at " + root + " (set -D" + PROPERTY + "=DIR)");
        return root;
    }

    /**
     * A model folder of the conformance data.
     *
     * @param name e.g. {@code llama}
     * @return the folder
     */
    static Path model(String name) {
        return root().resolve("models").resolve(name);
    }

    /**
     * An adapter folder of the conformance data.
     *
     * @param name e.g. {@code llama_lora}
     * @return the folder
     */
    static Path adapter(String name) {
        return root().resolve("adapters").resolve(name);
    }
}
