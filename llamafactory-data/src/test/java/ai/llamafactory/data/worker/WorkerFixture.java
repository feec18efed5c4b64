package ai.llamafactory.data.worker;

import ai.llamafactory.api.config.FineTuneConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test helpers: the byte-level tokenizer written into a folder, and configurations from snake_case keys. */
final class WorkerFixture {
    private WorkerFixture() {}

    /**
     * Writes the tiny byte-level BPE tokenizer (256 byte tokens, no merges, {@code <|endoftext|>},
     * {@code <|im_start|>}, {@code <|im_end|>}, a ChatML Jinja template) into a folder.
     *
     * @param dir the folder
     * @return the folder
     */
    static Path byteLevelTokenizer(Path dir) {
        try {
            Files.createDirectories(dir);
            for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
                try (InputStream in = WorkerFixture.class.getResourceAsStream("/tokenizers/bytelevel/" + f)) {
                    if (in == null) {
                        throw new IllegalStateException("test resource tokenizers/bytelevel/" + f + " is missing");
                    }
                    Files.write(dir.resolve(f), in.readAllBytes());
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param modelDir the model (tokenizer) folder
     * @param outputDir the run's output folder
     * @param keys snake_case keys and values, alternating
     * @return the configuration
     */
    static FineTuneConfig config(Path modelDir, Path outputDir, Object... keys) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("model_name_or_path", modelDir.toString());
        args.put("output_dir", outputDir.toString());
        args.put("do_train", true);
        for (int i = 0; i < keys.length; i += 2) {
            args.put((String) keys[i], keys[i + 1]);
        }
        return FineTuneConfig.fromArguments(args);
    }
}
