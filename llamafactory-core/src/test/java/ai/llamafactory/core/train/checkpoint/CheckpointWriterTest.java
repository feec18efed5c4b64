package ai.llamafactory.core.train.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.data.json.PythonJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointWriterTest {
    @TempDir
    Path temp;

    private List<String> entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesContentFingerprintAndMarkerInThatOrder() throws IOException {
        List<String> events = new ArrayList<>();
        CheckpointWriteListener listener = new CheckpointWriteListener() {
            @Override
            public void contentWritten(Path temporaryFolder) {
                events.add("content " + temporaryFolder.getFileName().toString().startsWith(".tmp-checkpoint-5-"));
            }

            @Override
            public void renamed(Path folder) {
                events.add("renamed " + folder.getFileName() + " marker="
                        + Files.exists(folder.resolve(CheckpointLayout.COMPLETION_MARKER)));
            }

            @Override
            public void completed(Checkpoint checkpoint) {
                events.add("completed " + checkpoint.step());
            }
        };
        Checkpoint c = new CheckpointWriter(temp, CheckpointCrashTest.FINGERPRINT, listener).write(5, files -> {
            files.writeBytes("adapter_model.safetensors", new byte[1000]);
            files.writeJson(CheckpointLayout.SCHEDULER_STATE, Map.of("last_epoch", 5));
            files.writeString("tokenizer/tokenizer_config.json", "{}");
        });
        assertThat(events).containsExactly("content true", "renamed checkpoint-5 marker=false", "completed 5");
        assertThat(c.folder()).isEqualTo(temp.resolve("checkpoint-5"));
        assertThat(c.files())
                .containsOnly(
                        Map.entry("adapter_model.safetensors", 1000L),
                        Map.entry(
                                CheckpointLayout.SCHEDULER_STATE,
                                Files.size(c.resolve(CheckpointLayout.SCHEDULER_STATE))),
                        Map.entry("tokenizer/tokenizer_config.json", 2L),
                        Map.entry(
                                CheckpointLayout.MODEL_FINGERPRINT,
                                Files.size(c.resolve(CheckpointLayout.MODEL_FINGERPRINT))));
        assertThat(entries(temp)).containsExactly("checkpoint-5");
        assertThat(c.modelFingerprint()).contains(CheckpointCrashTest.FINGERPRINT);

        Map<?, ?> marker =
                (Map<?, ?>) PythonJson.parse(Files.readString(c.resolve(CheckpointLayout.COMPLETION_MARKER)));
        assertThat(marker.get("format")).isEqualTo("llamafactory-java-checkpoint");
        assertThat(marker.get("global_step")).isEqualTo(5L);
        assertThat(marker.get("format_version")).isEqualTo(2L);
        // Size and SHA-256 of the bytes on disk (1000 zero bytes: sha256sum of `head -c 1000 /dev/zero`).
        assertThat(((Map<?, ?>) marker.get("files")).get("adapter_model.safetensors"))
                .isEqualTo(Map.of(
                        "size", 1000L, "sha256", "541b3e9daa09b20bf85fa273e5cbd3e80185aa4ec298e765db87742b70138a53"));
        assertThat(CheckpointFinder.open(c.folder())).isEqualTo(c);
    }

    @Test
    void failingContentLeavesNothingBehind() throws IOException {
        CheckpointWriter writer = new CheckpointWriter(temp, null);
        assertThatThrownBy(() -> writer.write(7, files -> {
                    files.writeBytes("a.bin", new byte[10]);
                    throw new IOException("disk full");
                }))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("checkpoint-7")
                .hasMessageContaining("disk full");
        assertThat(entries(temp)).isEmpty();

        assertThatThrownBy(() -> writer.write(7, files -> files.writeString("../escape.txt", "x")))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("stay inside the checkpoint");
        assertThatThrownBy(() -> writer.write(7, files -> files.writeString(CheckpointLayout.COMPLETION_MARKER, "x")))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("written by the CheckpointWriter");
        assertThatThrownBy(() -> writer.write(7, files -> files.writeTrainingPosition(TrainingPosition.start(1))))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("step 7");
        assertThat(entries(temp)).isEmpty();
    }

    @Test
    void rewritingAStepReplacesTheEarlierFolder() throws IOException {
        CheckpointWriter writer = new CheckpointWriter(temp, null);
        writer.write(3, files -> files.writeString("a.txt", "first"));
        Files.writeString(temp.resolve("checkpoint-3").resolve("stray.txt"), "left from before");
        Checkpoint second = writer.write(3, files -> files.writeString("a.txt", "second!"));
        assertThat(Files.readString(second.resolve("a.txt"))).isEqualTo("second!");
        assertThat(second.resolve("stray.txt")).doesNotExist();
        assertThat(entries(temp)).containsExactly("checkpoint-3");
    }

    @Test
    void damagedCheckpointsAreNotComplete() throws IOException {
        CheckpointWriter writer = new CheckpointWriter(temp, null);
        Checkpoint truncated = writer.write(1, files -> files.writeBytes("w.bin", new byte[100]));
        Files.write(truncated.resolve("w.bin"), new byte[50]);
        assertThatThrownBy(() -> CheckpointFinder.open(truncated.folder()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("checkpoint-1")
                .hasMessageContaining("w.bin has 50 bytes")
                .hasMessageContaining("recorded 100");

        Checkpoint missing = writer.write(2, files -> files.writeBytes("w.bin", new byte[100]));
        Files.delete(missing.resolve("w.bin"));
        assertThat(CheckpointFinder.isComplete(missing.folder())).isFalse();

        Checkpoint tornMarker = writer.write(3, files -> files.writeBytes("w.bin", new byte[100]));
        Path marker = tornMarker.resolve(CheckpointLayout.COMPLETION_MARKER);
        Files.writeString(marker, Files.readString(marker).substring(0, 30));
        assertThatThrownBy(() -> CheckpointFinder.open(tornMarker.folder()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("completion marker cannot be read");

        Checkpoint renamed = writer.write(4, files -> files.writeBytes("w.bin", new byte[100]));
        Path moved = temp.resolve("checkpoint-40");
        Files.move(renamed.folder(), moved);
        assertThatThrownBy(() -> CheckpointFinder.open(moved))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("global step 4, not 40");

        assertThat(CheckpointFinder.latest(temp)).isEmpty();
        assertThat(CheckpointFinder.incompleteCheckpoints(temp)).hasSize(4);
    }
}
