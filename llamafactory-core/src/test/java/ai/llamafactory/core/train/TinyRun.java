package ai.llamafactory.core.train;

import ai.llamafactory.core.Conformance;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Builds small training fixtures: a conformance model with the byte-level tokenizer, and an 8-row dataset. */
public final class TinyRun {
    private TinyRun() {}

    /** Eight short instruction/answer pairs. */
    public static final String[][] ROWS = {
        {"Name a primary color.", "Red."}, {"What is 2 plus 3?", "Five."},
        {"Say hello.", "Hello!"}, {"Opposite of hot?", "Cold."},
        {"Capital of France?", "Paris."}, {"Spell cat.", "C-A-T."},
        {"Largest planet?", "Jupiter."}, {"Color of grass?", "Green."}
    };

    /**
     * Copies a conformance model and the byte-level tokenizer into a folder.
     *
     * @param name conformance model folder name
     * @param target destination
     * @return the destination
     */
    public static Path model(String name, Path target) {
        Path src = Conformance.requireFolder("models").resolve(name);
        try {
            Files.createDirectories(target);
            for (String f : new String[] {"config.json", "model.safetensors"}) {
                Files.copy(src.resolve(f), target.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
            for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
                try (InputStream in = TinyRun.class.getResourceAsStream("/tokenizers/bytes/" + f)) {
                    Files.copy(in, target.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /**
     * Writes the eight rows as an alpaca dataset named {@code tiny} with its dataset_info.json.
     *
     * @param dir the dataset folder
     * @return the folder
     */
    public static Path dataset(Path dir) {
        StringBuilder json = new StringBuilder("[\n");
        for (int i = 0; i < ROWS.length; i++) {
            json.append("  {\"instruction\": \"").append(ROWS[i][0]).append("\", \"input\": \"\", \"output\": \"")
                    .append(ROWS[i][1]).append("\"}").append(i + 1 < ROWS.length ? ",\n" : "\n");
        }
        json.append("]\n");
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("tiny.json"), json);
            Files.writeString(dir.resolve("dataset_info.json"), "{\"tiny\": {\"file_name\": \"tiny.json\"}}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
