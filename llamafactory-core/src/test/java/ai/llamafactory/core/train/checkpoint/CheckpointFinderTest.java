package ai.llamafactory.core.train.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFinderTest {
    @TempDir
    Path temp;

    private void save(int... steps) {
        CheckpointWriter writer = new CheckpointWriter(temp, null);
        for (int step : steps) {
            writer.write(step, files -> files.writeString("weights.bin", "step " + step));
        }
    }

    private List<Integer> remainingSteps() {
        return CheckpointFinder.completeCheckpoints(temp).stream()
                .map(Checkpoint::step)
                .toList();
    }

    private List<String> entries() throws IOException {
        try (Stream<Path> s = Files.list(temp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void latestIsByStepNumberNotByName() throws IOException {
        save(9, 10, 100, 20);
        Files.createDirectories(temp.resolve("checkpoint-500")); // no marker
        Files.createDirectories(temp.resolve("checkpoint-x"));
        Files.writeString(temp.resolve("checkpoint-600"), "a file, not a folder");
        assertThat(remainingSteps()).containsExactly(9, 10, 20, 100);
        assertThat(CheckpointFinder.latest(temp)).map(Checkpoint::step).contains(100);
        assertThat(CheckpointFinder.latest(temp.resolve("missing"))).isEmpty();
    }

    @Test
    void cleanUpRemovesOnlyTemporaryAndTrashFolders() throws IOException {
        save(1);
        Files.createDirectories(temp.resolve(".tmp-checkpoint-2-abc/sub"));
        Files.writeString(temp.resolve(".tmp-checkpoint-2-abc/sub/w.bin"), "partial");
        Files.createDirectories(temp.resolve(".trash-checkpoint-0-def"));
        Files.createDirectories(temp.resolve("checkpoint-3")); // incomplete: kept, possibly someone else's
        Files.writeString(temp.resolve("notes.txt"), "mine");

        List<Path> removed = CheckpointFinder.cleanUpStale(temp);

        assertThat(removed)
                .extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder(".tmp-checkpoint-2-abc", ".trash-checkpoint-0-def");
        assertThat(entries()).containsExactly("checkpoint-1", "checkpoint-3", "notes.txt");
    }

    @Test
    void rotationDeletesTheOldestBeyondTheLimit() throws IOException {
        save(1, 2, 3, 4, 5);
        assertThat(CheckpointFinder.rotate(temp, 0, null)).isEmpty();
        List<Path> deleted = CheckpointFinder.rotate(temp, 2, null);
        assertThat(deleted)
                .containsExactly(
                        temp.resolve("checkpoint-1"), temp.resolve("checkpoint-2"), temp.resolve("checkpoint-3"));
        assertThat(remainingSteps()).containsExactly(4, 5);
        assertThat(entries()).containsExactly("checkpoint-4", "checkpoint-5");
    }

    @Test
    void rotationNeverDeletesTheBestCheckpoint() {
        save(1, 2, 3, 4, 5);
        // transformers moves the best to the second-newest place before deleting the oldest ones.
        CheckpointFinder.rotate(temp, 2, "saves/run/checkpoint-2");
        assertThat(remainingSteps()).containsExactly(2, 5);

        save(6);
        CheckpointFinder.rotate(temp, 2, "saves/run/checkpoint-2");
        assertThat(remainingSteps()).containsExactly(2, 6);
    }

    @Test
    void limitOfOneKeepsTheBestAndTheNewest() {
        save(1, 2, 3);
        CheckpointFinder.rotate(temp, 1, temp.resolve("checkpoint-1").toString());
        assertThat(remainingSteps()).containsExactly(1, 3);

        save(4);
        CheckpointFinder.rotate(temp, 1, temp.resolve("checkpoint-4").toString());
        assertThat(remainingSteps()).containsExactly(4);
    }

    @Test
    void stepNamesAreParsedStrictly() {
        assertThat(CheckpointLayout.stepOf(Path.of("out/checkpoint-12"))).hasValue(12);
        assertThat(CheckpointLayout.stepOf(Path.of("checkpoint-"))).isEmpty();
        assertThat(CheckpointLayout.stepOf(Path.of("checkpoint-1a"))).isEmpty();
        assertThat(CheckpointLayout.stepOf(Path.of("checkpoint-99999999999"))).isEmpty();
        assertThat(CheckpointLayout.folderName(7)).isEqualTo("checkpoint-7");
    }
}
