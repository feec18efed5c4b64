package ai.llamafactory.core.train.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.core.train.output.TrainerState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL ({@link Process#destroyForcibly()}) in the middle of a checkpoint write, then checks
 * that the partial folder is never taken for a checkpoint and that the next run resumes from the previous one.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CheckpointCrashTest {
    static final ModelFingerprint FINGERPRINT =
            new ModelFingerprint("llama", Map.of("hidden_size", 64L), "ab12", Map.of());

    @TempDir
    Path temp;

    private Path outputDir;

    private Checkpoint writeCompleteCheckpoint(int step) {
        return new CheckpointWriter(outputDir, FINGERPRINT)
                .write(step, files -> CheckpointCrashChild.writeContent(files, step));
    }

    /** Starts the child, waits until it reports the requested phase, and kills it with SIGKILL. */
    private void killChildDuring(String phase, int step) throws IOException, InterruptedException {
        Path signal = temp.resolve("signal-" + phase);
        Path log = temp.resolve("child-" + phase + ".log");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java,
                        "-Xmx128m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        CheckpointCrashChild.class.getName(),
                        outputDir.toString(),
                        Integer.toString(step),
                        phase,
                        signal.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(signal)) {
                assertThat(child.isAlive())
                        .as("child exited early: " + Files.readString(log))
                        .isTrue();
                assertThat(System.nanoTime())
                        .as("child did not reach phase " + phase)
                        .isLessThan(deadline);
                Thread.sleep(20);
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
    }

    private List<String> entries() throws IOException {
        try (Stream<Path> s = Files.list(outputDir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void killedWhileWritingContentLeavesOnlyAHiddenFolderAndTheRunResumesFromThePreviousCheckpoint() throws Exception {
        outputDir = temp.resolve("out");
        writeCompleteCheckpoint(10);

        killChildDuring("content", 20);

        assertThat(entries()).hasSize(2).contains("checkpoint-10").anySatisfy(name -> assertThat(name)
                .startsWith(".tmp-checkpoint-20-"));
        assertThat(CheckpointFinder.latest(outputDir)).map(Checkpoint::step).contains(10);

        OutputDirectoryRules.ResumePlan plan =
                OutputDirectoryRules.decide(outputDir, false, ResumeFromCheckpoint.notSet());
        assertThat(plan.resumes()).isTrue();
        Checkpoint resumed = plan.checkpoint().orElseThrow();
        assertThat(resumed.step()).isEqualTo(10);
        assertThat(resumed.trainingPosition()).isEqualTo(new TrainingPosition(10, 0, 40, 80, 1000, 42));
        assertThat(resumed.trainerState().globalStep()).isEqualTo(10);
        resumed.requireSameModel(FINGERPRINT);
        assertThat(entries()).containsExactly("checkpoint-10"); // the stale temporary folder was cleaned up
    }

    @Test
    void killedAfterTheRenameButBeforeTheMarkerIsNotACheckpoint() throws Exception {
        outputDir = temp.resolve("out");
        writeCompleteCheckpoint(10);

        killChildDuring("renamed", 20);

        Path partial = outputDir.resolve("checkpoint-20");
        assertThat(partial.resolve("adapter_model.safetensors")).exists();
        assertThat(partial.resolve(TrainerState.FILE_NAME)).exists();
        assertThat(partial.resolve(CheckpointLayout.COMPLETION_MARKER)).doesNotExist();
        assertThat(CheckpointFinder.isComplete(partial)).isFalse();
        assertThat(CheckpointFinder.incompleteCheckpoints(outputDir)).containsExactly(partial);
        assertThat(CheckpointFinder.latest(outputDir)).map(Checkpoint::step).contains(10);
        assertThat(OutputDirectoryRules.decide(outputDir, false, ResumeFromCheckpoint.latest())
                        .checkpoint())
                .map(Checkpoint::step)
                .contains(10);

        // The resumed run reaches step 20 again: its checkpoint replaces the partial folder.
        Checkpoint again = writeCompleteCheckpoint(20);
        assertThat(CheckpointFinder.latest(outputDir)).contains(again);
        assertThat(entries()).containsExactly("checkpoint-10", "checkpoint-20");
    }
}
