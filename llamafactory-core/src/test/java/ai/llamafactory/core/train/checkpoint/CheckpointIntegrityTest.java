package ai.llamafactory.core.train.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.api.exception.InvalidConfigException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint is resumed only if every file still has the SHA-256 its completion marker recorded, and a command run
 * again after being killed before its first checkpoint starts afresh.
 */
class CheckpointIntegrityTest {
    @TempDir
    Path temp;

    private Checkpoint write(int step, byte fill) {
        byte[] weights = new byte[4096];
        java.util.Arrays.fill(weights, fill);
        return new CheckpointWriter(temp, null).write(step, files -> {
            files.writeBytes("model.safetensors", weights);
            files.writeTrainingPosition(new TrainingPosition(step, 0, step, step, step, 1));
        });
    }

    private static void flipOneByte(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x01);
        }
    }

    @Test
    void aCheckpointWithOneFlippedByteIsNeverResumed() throws IOException {
        Checkpoint four = write(4, (byte) 1);
        Checkpoint eight = write(8, (byte) 2);
        assertThat(CheckpointFinder.latest(temp)).contains(eight);

        flipOneByte(eight.resolve("model.safetensors"), 2049);
        // Same size: the cheap listing still sees a complete checkpoint, the checksum does not.
        assertThat(CheckpointFinder.completeCheckpoints(temp)).containsExactly(four, eight);
        assertThat(CheckpointFinder.latest(temp)).contains(four);
        assertThatThrownBy(() -> CheckpointFinder.open(eight.folder()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(eight.folder().toString())
                .hasMessageContaining("file model.safetensors is corrupt: its SHA-256 is ");

        OutputDirectoryRules.ResumePlan plan = OutputDirectoryRules.decide(temp, false, ResumeFromCheckpoint.notSet());
        assertThat(plan.checkpoint()).contains(four);

        flipOneByte(four.resolve(CheckpointLayout.TRAINING_POSITION), 3);
        assertThat(CheckpointFinder.latest(temp)).isEmpty();
    }

    @Test
    void aRunKilledBeforeItsFirstCheckpointStartsAfreshWhenTheSameCommandRunsAgain() throws IOException {
        String yaml = "stage: sft\nmax_steps: 12\noutput_dir: " + temp + "\n";
        Files.writeString(temp.resolve(OutputDirectoryRules.TRAINING_ARGS), yaml);
        Files.writeString(temp.resolve("trainer_log.jsonl"), "{\"current_steps\": 1}\n");
        // Renamed into place, killed before its completion marker was written.
        Files.createDirectories(temp.resolve("checkpoint-3"));
        Files.writeString(temp.resolve("checkpoint-3").resolve("model.safetensors"), "partial");

        OutputDirectoryRules.ResumePlan plan =
                OutputDirectoryRules.decide(temp, false, ResumeFromCheckpoint.notSet(), yaml);
        assertThat(plan.resumes()).isFalse();
        assertThat(plan.reason()).contains("interrupted start of this run");

        // Another configuration's start, or anything else in the folder, is still protected.
        assertThatThrownBy(() -> OutputDirectoryRules.decide(
                        temp, false, ResumeFromCheckpoint.notSet(), yaml.replace("12", "13")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("holds no complete checkpoint");
        Files.writeString(temp.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> OutputDirectoryRules.decide(temp, false, ResumeFromCheckpoint.notSet(), yaml))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("notes.txt");
    }
}
