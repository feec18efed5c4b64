package ai.llamafactory.data.worker;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.testing.TinyRun;
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
        return TinyRun.copyByteTokenizer(dir);
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
