package ai.llamafactory.cli;

import ai.llamafactory.api.config.FineTuneConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Parameters;

/**
 * The arguments of {@code train}, {@code export}, {@code chat} and {@code api}: a LLaMA-Factory configuration file
 * followed by {@code key=value} overrides, as {@code llamafactory-cli train qwen3_lora_sft.yaml learning_rate=5e-5}.
 */
final class ConfigArguments {
    @Parameters(
            index = "0",
            paramLabel = "<config>",
            description = "LLaMA-Factory configuration file (.yaml, .yml, or .json read as JSON).")
    Path configFile;

    @Parameters(
            index = "1..*",
            paramLabel = "<key=value>",
            description = "Overrides applied after the file, LLaMA-Factory's keys, e.g. learning_rate=5e-5 "
                    + "output_dir=saves/run2.")
    List<String> overrides = new ArrayList<>();

    /**
     * @return the checked configuration of the file with the overrides applied
     * @throws ai.llamafactory.api.exception.InvalidConfigException naming the file and line, or the override
     */
    FineTuneConfig load() {
        return FineTuneConfig.fromFile(configFile, overrides.toArray(String[]::new));
    }

    /** @return the overrides, for messages */
    List<String> overrides() {
        return overrides;
    }
}
