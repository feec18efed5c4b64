package ai.llamafactory.core.train.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.api.exception.InvalidConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputDirectoryRulesTest {
    @TempDir
    Path temp;

    private static final ResumeFromCheckpoint NOT_SET = ResumeFromCheckpoint.notSet();

    private Path out() {
        return temp.resolve("saves/run");
    }

    private void save(int step) {
        new CheckpointWriter(out(), null).write(step, files -> files.writeString("w.bin", "w" + step));
    }

    @Test
    void missingOrEmptyOutputDirStartsFresh() throws IOException {
        assertThat(OutputDirectoryRules.decide(out(), false, NOT_SET).resumes()).isFalse();
        Files.createDirectories(out());
        OutputDirectoryRules.ResumePlan plan = OutputDirectoryRules.decide(out(), false, NOT_SET);
        assertThat(plan.resumes()).isFalse();
        assertThat(plan.reason()).contains("is empty");
    }

    @Test
    void nonEmptyOutputDirWithoutCheckpointIsRefusedUnlessOverwriting() throws IOException {
        Files.createDirectories(out().resolve("checkpoint-7")); // incomplete
        Files.writeString(out().resolve("adapter_model.safetensors"), "old result");
        Files.writeString(out().resolve("trainer_log.jsonl"), "{}");
        assertThatThrownBy(() -> OutputDirectoryRules.decide(out(), false, NOT_SET))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("output_dir " + out())
                .hasMessageContaining("already exists and is not empty")
                .hasMessageContaining("adapter_model.safetensors, checkpoint-7, trainer_log.jsonl")
                .hasMessageContaining("incomplete, ignored: checkpoint-7")
                .hasMessageContaining("overwrite_output_dir");

        OutputDirectoryRules.ResumePlan plan = OutputDirectoryRules.decide(out(), true, NOT_SET);
        assertThat(plan.resumes()).isFalse();
        assertThat(plan.reason()).contains("overwrite_output_dir");
    }

    @Test
    void checkpointsInOutputDirAreResumedAutomatically() throws IOException {
        save(5);
        save(10);
        Files.createDirectories(out().resolve(".tmp-checkpoint-15-abc"));
        OutputDirectoryRules.ResumePlan plan = OutputDirectoryRules.decide(out(), false, NOT_SET);
        assertThat(plan.checkpoint()).map(Checkpoint::step).contains(10);
        assertThat(out().resolve(".tmp-checkpoint-15-abc")).doesNotExist();

        // overwrite_output_dir disables the automatic resume, as in LLaMA-Factory.
        assertThat(OutputDirectoryRules.decide(out(), true, NOT_SET).resumes()).isFalse();
        // An explicit resume_from_checkpoint wins over overwrite_output_dir.
        assertThat(OutputDirectoryRules.decide(out(), true, ResumeFromCheckpoint.latest())
                        .checkpoint())
                .map(Checkpoint::step)
                .contains(10);
        assertThat(OutputDirectoryRules.decide(out(), true, ResumeFromCheckpoint.path(out().resolve("checkpoint-5")))
                        .checkpoint())
                .map(Checkpoint::step)
                .contains(5);
    }

    @Test
    void explicitResumeNeedsACompleteCheckpoint() throws IOException {
        assertThatThrownBy(() -> OutputDirectoryRules.decide(out(), false, ResumeFromCheckpoint.latest()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("resume_from_checkpoint is true")
                .hasMessageContaining("no complete checkpoint");

        Path missing = temp.resolve("nowhere/checkpoint-3");
        assertThatThrownBy(() -> OutputDirectoryRules.decide(out(), false, ResumeFromCheckpoint.path(missing)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");

        Path partial = out().resolve("checkpoint-3");
        Files.createDirectories(partial);
        assertThatThrownBy(() -> OutputDirectoryRules.decide(out(), false, ResumeFromCheckpoint.path(partial)))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(partial.toString())
                .hasMessageContaining("no completion marker");
    }

    @Test
    void outputDirThatIsAFileIsRefused() throws IOException {
        Files.createDirectories(out().getParent());
        Files.writeString(out(), "x");
        assertThatThrownBy(() -> OutputDirectoryRules.decide(out(), true, NOT_SET))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("not a folder");
    }

    @Test
    void resumeOptionParsesLlamaFactoryValues() {
        assertThat(ResumeFromCheckpoint.parse(null).kind()).isEqualTo(ResumeFromCheckpoint.Kind.NOT_SET);
        assertThat(ResumeFromCheckpoint.parse(false).kind()).isEqualTo(ResumeFromCheckpoint.Kind.NOT_SET);
        assertThat(ResumeFromCheckpoint.parse("null").kind()).isEqualTo(ResumeFromCheckpoint.Kind.NOT_SET);
        assertThat(ResumeFromCheckpoint.parse(true).kind()).isEqualTo(ResumeFromCheckpoint.Kind.LATEST);
        assertThat(ResumeFromCheckpoint.parse("auto").kind()).isEqualTo(ResumeFromCheckpoint.Kind.LATEST);
        assertThat(ResumeFromCheckpoint.parse("True").kind()).isEqualTo(ResumeFromCheckpoint.Kind.LATEST);
        ResumeFromCheckpoint path = ResumeFromCheckpoint.parse("saves/run/checkpoint-500");
        assertThat(path.kind()).isEqualTo(ResumeFromCheckpoint.Kind.PATH);
        assertThat(path.path()).contains(Path.of("saves/run/checkpoint-500"));
        assertThatThrownBy(() -> ResumeFromCheckpoint.parse(12))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("resume_from_checkpoint")
                .hasMessageContaining("12");
    }
}
