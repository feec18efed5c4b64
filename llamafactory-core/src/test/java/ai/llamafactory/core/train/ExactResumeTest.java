package ai.llamafactory.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.data.json.PythonJson;
import ai.llamafactory.testing.TinyRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training process is killed with SIGKILL after a checkpoint; the resumed run's loss at every later step equals the
 * uninterrupted run's, bit for bit.
 */
class ExactResumeTest {
    @TempDir
    Path tmp;

    @Test
    void killedRunResumesBitIdentically() throws Exception {
        Path model = TinyRun.model("qwen3", tmp.resolve("model"));
        Path data = TinyRun.dataset(tmp.resolve("data"));

        Path straightLosses = tmp.resolve("straight.tsv");
        ResumeChild.run(model, data, tmp.resolve("straight"), straightLosses, 0);

        Path out = tmp.resolve("killed");
        Path killedLosses = tmp.resolve("killed.tsv");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Dai.djl.offline=true",
                "-Dllamafactory.conformance.root=" + System.getProperty("llamafactory.conformance.root", ""),
                ResumeChild.class.getName(),
                model.toString(),
                data.toString(),
                out.toString(),
                killedLosses.toString()));
        // Same libtorch thread count as this JVM: reductions, hence the bits, depend on it.
        String threads = System.getProperty("ai.djl.pytorch.num_threads");
        if (threads != null) {
            cmd.add(1, "-Dai.djl.pytorch.num_threads=" + threads);
        }
        Process child = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.log").toFile())
                .start();
        Path marker = out.resolve("checkpoint-8").resolve("checkpoint_complete.json");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(marker) && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(Files.exists(marker))
                .as("checkpoint-8 written by the child; log:\n"
                        + (Files.exists(tmp.resolve("child.log")) ? Files.readString(tmp.resolve("child.log")) : ""))
                .isTrue();
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int killedAt = read(killedLosses).size();
        System.out.println("child killed after " + killedAt + " steps (exit " + child.exitValue() + ")");
        assertThat(killedAt).isLessThan(ResumeChild.STEPS);

        Path resumedLosses = tmp.resolve("resumed.tsv");
        ResumeChild.run(model, data, out, resumedLosses, 0);

        Map<Integer, Long> straight = read(straightLosses);
        Map<Integer, Long> resumed = read(resumedLosses);
        Map<Integer, Long> killed = read(killedLosses);
        for (Map.Entry<Integer, Long> e : killed.entrySet()) {
            assertThat(e.getValue()).as("child loss at step " + e.getKey()).isEqualTo(straight.get(e.getKey()));
        }

        assertThat(resumed.keySet()).containsExactly(9, 10, 11, 12);
        for (Map.Entry<Integer, Long> e : resumed.entrySet()) {
            assertThat(Double.longBitsToDouble(e.getValue()))
                    .as("resumed loss at step " + e.getKey())
                    .isEqualTo(Double.longBitsToDouble(straight.get(e.getKey())));
        }
        // train_loss is the mean over all steps of the run, the killed process's included, as in the straight run.
        assertThat(trainLoss(out)).isEqualTo(trainLoss(tmp.resolve("straight")));
        assertThat(Files.readAllBytes(out.resolve("model.safetensors")))
                .isEqualTo(Files.readAllBytes(tmp.resolve("straight").resolve("model.safetensors")));
    }

    private static double trainLoss(Path outputDir) throws Exception {
        Map<?, ?> results = (Map<?, ?>) PythonJson.parse(Files.readString(outputDir.resolve("train_results.json")));
        return ((Number) results.get("train_loss")).doubleValue();
    }

    private static Map<Integer, Long> read(Path file) throws Exception {
        Map<Integer, Long> out = new TreeMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        for (String line : Files.readAllLines(file)) {
            String[] p = line.split("\t");
            out.put(Integer.parseInt(p[0]), Long.parseLong(p[1]));
        }
        return out;
    }
}
