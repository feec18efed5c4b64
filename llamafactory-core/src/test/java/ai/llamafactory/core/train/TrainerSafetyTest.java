package ai.llamafactory.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import ai.llamafactory.api.FineTune;
import ai.llamafactory.api.TrainingListener;
import ai.llamafactory.api.config.LrSchedulerType;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.api.exception.TrainingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Divergence stops the run without overwriting good checkpoints; long runs keep native memory flat. */
class TrainerSafetyTest {
    @TempDir
    Path tmp;

    @Test
    void divergingLossStopsWithTheStepAndKeepsTheLastGoodCheckpoint() {
        Path model = TinyRun.model("llama", tmp.resolve("model"));
        Path data = TinyRun.dataset(tmp.resolve("data"));
        Path out = tmp.resolve("out");
        assertThatThrownBy(() -> FineTune.model(model).full().sft().dataset("tiny").datasetDir(data.toString())
                .template("chatml").cutoffLen(64).batchSize(4).learningRate(1e30).maxSteps(20)
                .scheduler(LrSchedulerType.CONSTANT).outputDir(out)
                .training(t -> t.saveSteps(1).maxGradNorm(0)).run())
                .isInstanceOf(TrainingException.class)
                .hasMessageMatching("(?s).*became (NaN|Infinity|-Infinity) at step \\d+.*")
                .hasMessageContaining("checkpoint-1");
        assertThat(out.resolve("checkpoint-1")).isDirectory();
        try (var files = Files.list(out)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertThat(names).doesNotContain("model.safetensors", "trainer_state.json");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void existingOutputDirWithoutCheckpointIsRefused() throws Exception {
        Path model = TinyRun.model("llama", tmp.resolve("model"));
        Path out = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> FineTune.model(model).full().sft().dataset("tiny")
                .datasetDir(TinyRun.dataset(tmp.resolve("data")).toString()).template("chatml").maxSteps(1)
                .outputDir(out).run())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining(out.toString())
                .hasMessageContaining("overwrite_output_dir");
    }

    @Test
    void thousandStepsKeepLiveArraysAndRssFlat() {
        Path model = TinyRun.model("qwen3", tmp.resolve("model"));
        Path data = TinyRun.dataset(tmp.resolve("data"));
        List<long[]> samples = new ArrayList<>();
        FineTune.model(model).full().sft().dataset("tiny").datasetDir(data.toString()).template("chatml")
                .cutoffLen(64).batchSize(2).learningRate(1e-4).maxSteps(1000).outputDir(tmp.resolve("out"))
                .training(t -> t.loggingSteps(100).saveSteps(400).saveTotalLimit(1))
                .listener(TrainingListener.forSteps(e -> {
                    if (e.step() % 100 == 0) {
                        samples.add(new long[] {e.step(), liveArrays(), rssKiB()});
                    }
                }))
                .run();
        long[] early = samples.get(1);
        long[] last = samples.get(samples.size() - 1);
        System.out.printf("step %d: %d live arrays, RSS %d MiB; step %d: %d live arrays, RSS %d MiB%n", early[0],
                early[1], early[2] / 1024, last[0], last[1], last[2] / 1024);
        assertThat(last[1]).isLessThanOrEqualTo(early[1]);
        assertThat(last[2] - early[2]).as("RSS growth in KiB").isLessThan(64 * 1024);
    }

    private static long liveArrays() {
        try (NDManager probe = NDManager.newBaseManager()) {
            return ((BaseNDManager) probe.getParentManager()).getManagedArrays().size();
        }
    }

    private static long rssKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }
}
