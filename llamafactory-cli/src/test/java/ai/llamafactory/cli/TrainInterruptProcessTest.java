package ai.llamafactory.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import ai.llamafactory.testing.TinyRun;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code llamafactory train} in a child JVM, as a user runs it: Ctrl-C (SIGINT) after the first logged step stops the
 * run at a step boundary and the process exits with every output of a finished run; standard error carries neither
 * a shutdown failure nor CUDA's "Failed to detect GPU count" warning, and says once that {@code bf16} computes in fp32
 * on the CPU.
 */
@EnabledOnOs(OS.LINUX)
class TrainInterruptProcessTest {
    @TempDir
    Path tmp;

    @Test
    void sigintWritesTheOutputsOfAFinishedRunAndExitsCleanly() throws Exception {
        Path model = TinyRun.model("qwen3", tmp.resolve("model"));
        Path data = TinyRun.dataset(tmp.resolve("data"));
        Path out = tmp.resolve("out");
        Path config = Files.writeString(
                tmp.resolve("interrupt.yaml"),
                """
                model_name_or_path: %s
                stage: sft
                do_train: true
                finetuning_type: lora
                lora_target: all
                dataset: tiny
                dataset_dir: %s
                template: chatml
                cutoff_len: 64
                output_dir: %s
                logging_steps: 1
                save_steps: 1000000
                plot_loss: true
                per_device_train_batch_size: 4
                learning_rate: 1.0e-3
                max_steps: 100000
                bf16: true
                """
                        .formatted(model, data, out));
        Path stderr = tmp.resolve("stderr.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        LlamaFactoryCli.class.getName(),
                        "train",
                        config.toString())
                .redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        try {
            // a JVM started with SIGINT ignored (a background job without job control) never sees Ctrl-C
            assumeThat(ignoresSigint(child.pid()))
                    .as("SIGINT is ignored by this process tree")
                    .isFalse();
            StringBuilder stdout = new StringBuilder();
            try (BufferedReader lines =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                boolean sent = false;
                while ((line = lines.readLine()) != null) {
                    stdout.append(line).append('\n');
                    if (!sent && line.startsWith("step 1/")) {
                        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start();
                        assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
                        sent = true;
                    }
                }
            }
            assertThat(child.waitFor(120, TimeUnit.SECONDS))
                    .as("the child exits")
                    .isTrue();
            String err = Files.readString(stderr);
            assertThat(child.exitValue()).as(stdout + err).isEqualTo(ExitCodes.RUNTIME_FAILURE);
            assertThat(err)
                    .contains("llamafactory: interrupted: stopping at the next step")
                    .doesNotContain("Shutdown in progress")
                    .doesNotContain("IllegalStateException")
                    .doesNotContain("Failed to detect GPU count");
            assertThat(Pattern.compile("bf16: true: training on the CPU computes in fp32")
                            .matcher(err)
                            .results())
                    .hasSize(1);
            assertThat(stdout)
                    .containsPattern("Training cancelled after [0-9,]+ steps in ")
                    .contains("***** train metrics *****")
                    .contains("Outputs written to " + out);
            for (String f : List.of(
                    "trainer_state.json",
                    "train_results.json",
                    "all_results.json",
                    "training_loss.png",
                    "trainer_log.jsonl",
                    "adapter_model.safetensors",
                    "README.md")) {
                assertThat(out.resolve(f)).as(f).isNotEmptyFile();
            }
            Matcher steps =
                    Pattern.compile("Training cancelled after ([0-9,]+) steps").matcher(stdout);
            assertThat(steps.find()).isTrue();
            assertThat(Files.readString(out.resolve("trainer_state.json")))
                    .contains("\"global_step\": " + steps.group(1).replace(",", ""));
        } finally {
            child.destroyForcibly();
        }
    }

    private static boolean ignoresSigint(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseLong(line.substring(7).trim(), 16) & 2L) != 0;
            }
        }
        return false;
    }
}
