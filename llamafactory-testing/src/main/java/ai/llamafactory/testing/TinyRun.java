package ai.llamafactory.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Tiny training fixtures: a conformance model folder with the byte-level tokenizer (shipped in this jar under
 * {@code /tokenizers/bytes/}), and an eight-row alpaca dataset.
 *
 * <pre>{@code
 * Path model = TinyRun.model("qwen3", tmp.resolve("model"));
 * Path data = TinyRun.dataset(tmp.resolve("data"));   // dataset "tiny"
 * }</pre>
 */
public final class TinyRun {
    /** Eight short instruction/answer pairs. */
    public static final String[][] ROWS = {
        {"Name a primary color.", "Red."}, {"What is 2 plus 3?", "Five."},
        {"Say hello.", "Hello!"}, {"Opposite of hot?", "Cold."},
        {"Capital of France?", "Paris."}, {"Spell cat.", "C-A-T."},
        {"Largest planet?", "Jupiter."}, {"Color of grass?", "Green."}
    };

    private TinyRun() {}

    /**
     * Copies a conformance model ({@code config.json}, {@code model.safetensors}) and the byte-level tokenizer into a
     * folder.
     *
     * @param name conformance model folder name, e.g. {@code qwen3}
     * @param target destination
     * @return the destination
     * @throws AssertionError naming the file when the conformance model is missing
     */
    public static Path model(String name, Path target) {
        Path src = Conformance.requireFolder("models/" + name);
        try {
            Files.createDirectories(target);
            for (String f : new String[] {"config.json", "model.safetensors"}) {
                Files.copy(
                        Conformance.requireFile(src.resolve(f)),
                        target.resolve(f),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            copyByteTokenizer(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /**
     * Writes the byte-level tokenizer ({@code tokenizer.json}, {@code tokenizer_config.json}) into a folder.
     *
     * @param target destination folder (created)
     * @return the folder
     */
    public static Path copyByteTokenizer(Path target) {
        try {
            Files.createDirectories(target);
            for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
                try (InputStream in = TinyRun.class.getResourceAsStream("/tokenizers/bytes/" + f)) {
                    if (in == null) {
                        throw new AssertionError("resource /tokenizers/bytes/" + f + " missing from the class path");
                    }
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
            json.append("  {\"instruction\": \"")
                    .append(ROWS[i][0])
                    .append("\", \"input\": \"\", \"output\": \"")
                    .append(ROWS[i][1])
                    .append("\"}")
                    .append(i + 1 < ROWS.length ? ",\n" : "\n");
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
