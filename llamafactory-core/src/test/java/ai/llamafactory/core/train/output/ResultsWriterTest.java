package ai.llamafactory.core.train.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.exception.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Expected files are transformers' {@code save_metrics} output ({@code json.dump(indent=4, sort_keys=True)}). */
class ResultsWriterTest {
    @TempDir
    Path temp;

    @Test
    void trainEvalAndAllResultsMatchTransformers() throws IOException {
        TrainerStateRecorder recorder = TrainerStateTest.recordedRun();
        LogEntry end = recorder.snapshot().logHistory().get(3);
        Path train = ResultsWriter.save(temp, MetricsSplit.TRAIN, ResultsWriter.withoutStep(end));
        assertThat(train.getFileName().toString()).isEqualTo("train_results.json");
        assertThat(Files.readString(train))
                .isEqualTo(
                        """
                {
                    "epoch": 3.0,
                    "total_flos": 1234567.0,
                    "train_loss": 1.8,
                    "train_runtime": 12.3457,
                    "train_samples_per_second": 1.944,
                    "train_steps_per_second": 0.486
                }""");

        LogEntry eval = recorder.logEvaluation(ResultsWriter.evalMetrics(1.9, 0.5, 0.5, 8, 4));
        Path evalFile = ResultsWriter.save(temp, MetricsSplit.EVAL, ResultsWriter.withoutStep(eval));
        assertThat(Files.readString(evalFile))
                .isEqualTo(
                        """
                {
                    "epoch": 3.0,
                    "eval_accuracy": 0.5,
                    "eval_loss": 1.9,
                    "eval_runtime": 0.5,
                    "eval_samples_per_second": 16.0,
                    "eval_steps_per_second": 8.0
                }""");
        assertThat(Files.readString(temp.resolve(ResultsWriter.ALL_RESULTS)))
                .isEqualTo(
                        """
                {
                    "epoch": 3.0,
                    "eval_accuracy": 0.5,
                    "eval_loss": 1.9,
                    "eval_runtime": 0.5,
                    "eval_samples_per_second": 16.0,
                    "eval_steps_per_second": 8.0,
                    "total_flos": 1234567.0,
                    "train_loss": 1.8,
                    "train_runtime": 12.3457,
                    "train_samples_per_second": 1.944,
                    "train_steps_per_second": 0.486
                }""");
        assertThat(ResultsWriter.read(temp.resolve(ResultsWriter.ALL_RESULTS)))
                .containsEntry("train_loss", 1.8)
                .containsEntry("eval_loss", 1.9)
                .hasSize(11);
    }

    @Test
    void speedMetricsRoundLikeTransformers() {
        assertThat(ResultsWriter.speedMetrics("train", 3.000049, 10L, 5L, 1234L))
                .containsExactly(
                        Map.entry("train_runtime", 3.0), Map.entry("train_samples_per_second", 3.333),
                        Map.entry("train_steps_per_second", 1.667), Map.entry("train_tokens_per_second", 411.327));
        assertThat(ResultsWriter.speedMetrics("eval", 0.0, 10L, 5L, null))
                .containsExactly(Map.entry("eval_runtime", 0.0));
    }

    @Test
    void unreadableAllResultsIsReported() throws IOException {
        Files.writeString(temp.resolve(ResultsWriter.ALL_RESULTS), "[1, 2]");
        assertThatThrownBy(() -> ResultsWriter.save(temp, MetricsSplit.EVAL, Map.of("eval_loss", 1.0)))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("all_results.json")
                .hasMessageContaining("JSON object");
    }
}
