package ai.llamafactory.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import ai.llamafactory.api.FineTune;
import ai.llamafactory.api.config.LrSchedulerType;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.api.exception.TrainingException;
import ai.llamafactory.testing.TinyRun;
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
        // Warm-up starts at lr 0: step 1 changes nothing (checkpoint-1 is good); step 2 (lr 1e29) blows the weights
        // up to ~1e29, finite but unusable, so checkpoint-2 must not be written and checkpoint-1 stays the last good.
        assertThatThrownBy(() -> FineTune.model(model)
                        .full()
                        .sft()
                        .dataset("tiny")
                        .datasetDir(data.toString())
                        .template("chatml")
                        .cutoffLen(64)
                        .batchSize(4)
                        .learningRate(1e30)
                        .maxSteps(20)
                        .scheduler(LrSchedulerType.CONSTANT_WITH_WARMUP)
                        .outputDir(out)
                        .training(t -> t.saveSteps(1).maxGradNorm(0).warmupSteps(10))
                        .run())
                .isInstanceOf(TrainingException.class)
                .hasMessageMatching("(?s)training diverged before step 2: parameter '[^']+' has elements of magnitude "
                        + "\\S+ \\(above 1\\.8446743E19\\); checkpoint-2 was not written.*")
                .hasMessageContaining("last good checkpoint: " + out.resolve("checkpoint-1"));
        assertThat(out.resolve("checkpoint-1")).isDirectory();
        assertThat(out.resolve("checkpoint-2")).doesNotExist();
        try (var files = Files.list(out)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertThat(names).doesNotContain("model.safetensors", "trainer_state.json");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A native failure inside a training step (here: the tokenizer emits ids the model's 128-row embedding does not
     * have, which libtorch's embedding rejects) becomes a TrainingException naming the step; the JVM goes on.
     */
    @Test
    void aNativeFailureInAStepIsANamedExceptionNotACrash() throws Exception {
        Path model = TinyRun.model("qwen3", tmp.resolve("model"));
        String config = Files.readString(model.resolve("config.json"));
        Files.writeString(
                model.resolve("config.json"), config.replaceFirst("\"vocab_size\": \\d+", "\"vocab_size\": 128"));
        ai.llamafactory.core.model.Architecture arch = ai.llamafactory.core.model.Architectures.forModelType("qwen3");
        ai.llamafactory.core.config.ModelConfig mc = ai.llamafactory.core.config.ModelConfig.parse(
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(model.resolve("config.json").toFile()),
                arch.configDefaults(),
                "test config");
        try (NDManager m = NDManager.newBaseManager();
                ai.llamafactory.core.model.CausalLm lm = arch.build(
                        mc,
                        new ai.llamafactory.core.model.RandomWeights(1, 0.02, false),
                        ai.llamafactory.core.engine.ComputePolicy.cpu(),
                        m.newSubManager())) {
            ai.llamafactory.core.loader.ModelWriter.save(
                    lm, model, ai.llamafactory.core.checkpoint.SafetensorsDtype.F32, Long.MAX_VALUE);
        }
        Path data = TinyRun.dataset(tmp.resolve("data"));
        assertThatThrownBy(() -> FineTune.model(model)
                        .full()
                        .sft()
                        .dataset("tiny")
                        .datasetDir(data.toString())
                        .template("chatml")
                        .cutoffLen(64)
                        .batchSize(2)
                        .maxSteps(2)
                        .outputDir(tmp.resolve("out"))
                        .run())
                .isInstanceOf(TrainingException.class)
                .hasMessageStartingWith("the PyTorch engine failed while training step 1: ")
                .hasMessageContaining("index out of range")
                .hasMessageEndingWith(
                        "nothing was saved over the last good checkpoint (no checkpoint had been written)");
        // The engine is still usable in this JVM.
        try (NDManager m = NDManager.newBaseManager()) {
            assertThat(m.ones(new ai.djl.ndarray.types.Shape(2)).sum().getFloat())
                    .isEqualTo(2f);
        }
    }

    @Test
    void existingOutputDirWithoutCheckpointIsRefused() throws Exception {
        Path model = TinyRun.model("llama", tmp.resolve("model"));
        Path out = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> FineTune.model(model)
                        .full()
                        .sft()
                        .dataset("tiny")
                        .datasetDir(TinyRun.dataset(tmp.resolve("data")).toString())
                        .template("chatml")
                        .maxSteps(1)
                        .outputDir(out)
                        .run())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining(out.toString())
                .hasMessageContaining("overwrite_output_dir");
    }

    /**
     * Runs 1,000 optimizer steps in a child JVM whose Java heap is fixed and pre-touched (-Xms = -Xmx,
     * -XX:+AlwaysPreTouch), so that its resident set changes only with native memory.
     */
    @Test
    void thousandStepsKeepLiveArraysAndRssFlat() throws Exception {
        Path model = TinyRun.model("qwen3", tmp.resolve("model"));
        Path data = TinyRun.dataset(tmp.resolve("data"));
        Path samples = tmp.resolve("samples.tsv");
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms256m",
                "-Xmx256m",
                "-XX:+AlwaysPreTouch",
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1",
                "-cp",
                System.getProperty("java.class.path"),
                MemoryChild.class.getName(),
                model.toString(),
                data.toString(),
                tmp.resolve("out").toString(),
                samples.toString());
        Process child = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.log").toFile())
                .start();
        assertThat(child.waitFor(10, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue())
                .as(Files.readString(tmp.resolve("child.log")))
                .isZero();
        List<long[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(samples)) {
            String[] p = line.split("\t");
            rows.add(new long[] {Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2])});
        }
        rows.forEach(r -> System.out.printf("  step %d: %d arrays, RSS %d KiB%n", r[0], r[1], r[2]));
        long[] early = rows.get(1);
        long[] last = rows.get(rows.size() - 1);
        System.out.printf(
                "step %d: %d live arrays, RSS %d MiB; step %d: %d live arrays, RSS %d MiB%n",
                early[0], early[1], early[2] / 1024, last[0], last[1], last[2] / 1024);
        assertThat(last[0]).isEqualTo(1000);
        assertThat(last[1]).isLessThanOrEqualTo(early[1]);
        assertThat(last[2] - early[2])
                .as("RSS growth in KiB between step %d and 1000", early[0])
                .isLessThan(32 * 1024);
    }

    static long liveArraysNow() {
        return liveArrays();
    }

    static long rssNow() {
        return rssKiB();
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
