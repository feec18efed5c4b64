package ai.llamafactory.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** Parsing of every subcommand, its file argument and overrides, and the usage errors (exit code 2). */
class CommandLineParsingTest {
    @TempDir
    Path tmp;

    private static ParseResult parse(String... args) {
        return LlamaFactoryCli.commandLine(new CliRun().context()).parseArgs(args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "export", "chat", "api"})
    void configCommandsTakeTheFileThenOverrides(String command) {
        ParseResult root = parse(
                command,
                "examples/train_lora/qwen3_lora_sft.yaml",
                "learning_rate=5e-5",
                "output_dir=saves/run 2",
                "lora_target=q_proj,v_proj");
        ParseResult sub = root.subcommand();
        assertThat(sub.commandSpec().name()).isEqualTo(command);
        assertThat(sub.matchedPositional(0).<Path>getValue())
                .isEqualTo(Path.of("examples/train_lora/qwen3_lora_sft.yaml"));
        assertThat(sub.matchedPositional(1).<List<String>>getValue())
                .containsExactly("learning_rate=5e-5", "output_dir=saves/run 2", "lora_target=q_proj,v_proj");
    }

    @Test
    void configCommandsWithoutOverridesHaveAnEmptyList() {
        ParseResult sub = parse("train", "a.yaml").subcommand();
        assertThat(sub.matchedPositionals()).hasSize(1);
        assertThat(sub.matchedPositional(0).<Path>getValue()).isEqualTo(Path.of("a.yaml"));
    }

    @Test
    void apiOptionsAndDebugAnywhere() {
        ParseResult sub = parse(
                        "api",
                        "serve.yaml",
                        "--host",
                        "0.0.0.0",
                        "--port",
                        "0",
                        "--api-key",
                        "s3cret",
                        "template=chatml",
                        "--debug")
                .subcommand();
        assertThat(sub.matchedOptionValue("--host", "")).isEqualTo("0.0.0.0");
        assertThat(sub.matchedOptionValue("--port", -1)).isEqualTo(0);
        assertThat(sub.matchedOptionValue("--api-key", "")).isEqualTo("s3cret");
        assertThat(sub.hasMatchedOption("--debug")).isTrue();
        assertThat(sub.matchedPositional(1).<List<String>>getValue()).containsExactly("template=chatml");
    }

    @Test
    void commandsWithoutArguments() {
        assertThat(parse("env").subcommand().commandSpec().name()).isEqualTo("env");
        assertThat(parse("version").subcommand().commandSpec().name()).isEqualTo("version");
        assertThat(parse("help", "train").subcommand().commandSpec().name()).isEqualTo("help");
    }

    @Test
    void everyCommandIsRegistered() {
        CommandLine cl = LlamaFactoryCli.commandLine(new CliRun().context());
        assertThat(cl.getSubcommands().keySet())
                .containsExactly("train", "export", "chat", "api", "env", "version", "help");
    }

    @Test
    void noCommandPrintsTheUsageAndExits2() {
        CliRun.Result r = CliRun.of();
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE_ERROR);
        assertThat(r.out())
                .contains("Usage: llamafactory [-hV] [--debug] COMMAND")
                .contains("llamafactory train  <config> [key=value...]  train models")
                .contains("llamafactory api    <config> [key=value...]  launch an OpenAI-style API\n")
                .contains("Hint: you can use `lmf` (bin/lmf) as an abbreviation for `llamafactory`.");
        assertThat(r.out().lines()).allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(80));
    }

    @Test
    void helpOfACommandShowsItsArgumentsAndExits0() {
        CliRun.Result r = CliRun.of("help", "train");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out())
                .contains("Usage: llamafactory train [-hV] [--debug] <config> [<key=value>...]")
                .contains("LLaMA-Factory configuration file")
                .contains("learning_rate=5e-5");
        assertThat(CliRun.of("api", "--help").out())
                .contains("API_HOST (default 127.0.0.1)")
                .contains("--port");
    }

    @Test
    void unknownCommandExits2WithASuggestion() {
        CliRun.Result r = CliRun.of("trian", "x.yaml");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE_ERROR);
        assertThat(r.err())
                .contains("llamafactory: error: Unmatched arguments from index 0: 'trian', 'x.yaml'")
                .contains("Did you mean: llamafactory train?");
    }

    @Test
    void missingConfigFileArgumentExits2() {
        CliRun.Result r = CliRun.of("train");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE_ERROR);
        assertThat(r.err())
                .contains("llamafactory: error: Missing required parameter: '<config>'")
                .contains("Try 'llamafactory train --help' for more information.");
    }

    @Test
    void unknownOptionExits2() {
        CliRun.Result r = CliRun.of("train", "a.yaml", "--learning-rate", "1");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE_ERROR);
        assertThat(r.err()).contains("Unknown option: '--learning-rate'");
    }

    @Test
    void missingConfigFileExits2NamingIt() {
        Path missing = tmp.resolve("missing.yaml");
        CliRun.Result r = CliRun.of("train", missing.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE_ERROR);
        assertThat(r.err())
                .startsWith("llamafactory: error: ")
                .contains(missing.toString())
                .doesNotContain("\tat ");
    }

    @Test
    void overrideWithoutEqualsSignExits2NamingIt() throws Exception {
        Path yaml = Files.writeString(tmp.resolve("chat.yaml"), "model_name_or_path: some/model\ntemplate: chatml\n");
        CliRun.Result r = CliRun.of("chat", yaml.toString(), "temperature");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE_ERROR);
        assertThat(r.err()).startsWith("llamafactory: error: ").contains("temperature");
    }

    @Test
    void debugPrintsTheStackTrace() {
        Path missing = tmp.resolve("missing.yaml");
        CliRun.Result r = CliRun.of("train", missing.toString(), "--debug");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE_ERROR);
        assertThat(r.err())
                .contains("llamafactory: error: ")
                .contains("InvalidConfigException")
                .contains("\tat ");
        CliRun.Result before = CliRun.of("--debug", "train", missing.toString());
        assertThat(before.err()).contains("\tat ");
    }
}
