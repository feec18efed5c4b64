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

/**
 * The expected file is what transformers' {@code TrainerState.save_to_json} writes for the same values
 * (produced with Python's {@code json.dumps(..., indent=2, sort_keys=True)} and pasted here).
 */
class TrainerStateTest {
    @TempDir
    Path temp;

    static final String EXPECTED =
            """
            {
              "best_global_step": 3,
              "best_metric": 2.1,
              "best_model_checkpoint": "saves/run/checkpoint-3",
              "epoch": 3.0,
              "eval_steps": 3,
              "global_step": 6,
              "is_hyper_param_search": false,
              "is_local_process_zero": true,
              "is_world_process_zero": true,
              "log_history": [
                {
                  "epoch": 1.0,
                  "grad_norm": 1.2345678806304932,
                  "learning_rate": 5e-05,
                  "loss": 2.3457,
                  "step": 2
                },
                {
                  "epoch": 1.5,
                  "eval_accuracy": 0.25,
                  "eval_loss": 2.1,
                  "eval_runtime": 0.1234,
                  "eval_samples_per_second": 32.415,
                  "eval_steps_per_second": 16.207,
                  "step": 3
                },
                {
                  "epoch": 2.0,
                  "grad_norm": 0.75,
                  "learning_rate": 1.6666666666666667e-05,
                  "loss": 1.5,
                  "step": 4
                },
                {
                  "epoch": 3.0,
                  "step": 6,
                  "total_flos": 1234567.0,
                  "train_loss": 1.8,
                  "train_runtime": 12.3457,
                  "train_samples_per_second": 1.944,
                  "train_steps_per_second": 0.486
                }
              ],
              "logging_steps": 2,
              "max_steps": 6,
              "num_input_tokens_seen": 0,
              "num_train_epochs": 3,
              "save_steps": 3,
              "stateful_callbacks": {
                "TrainerControl": {
                  "args": {
                    "should_epoch_stop": false,
                    "should_evaluate": false,
                    "should_log": false,
                    "should_save": true,
                    "should_training_stop": true
                  },
                  "attributes": {}
                }
              },
              "total_flos": 1234567.0,
              "train_batch_size": 2,
              "trial_name": null,
              "trial_params": null
            }
            """;

    /** Drives the recorder through a small run: 3 logs, 1 evaluation, the end of training. */
    static TrainerStateRecorder recordedRun() {
        TrainerState initial = TrainerState.builder()
                .maxSteps(6)
                .loggingSteps(2)
                .evalSteps(3)
                .saveSteps(3)
                .trainBatchSize(2)
                .numTrainEpochs(3)
                .build();
        TrainerStateRecorder recorder =
                new TrainerStateRecorder(initial, "saves/run", TrainerStateRecorder.BestMetric.evalLoss());
        recorder.advance(2, 1.0);
        recorder.logTraining(2.345678, 1.2345678806304932, 5e-05);
        recorder.advance(3, 1.5);
        recorder.logEvaluation(ResultsWriter.evalMetrics(2.1, 0.25, 0.1234, 4, 2));
        recorder.advance(4, 2.0);
        recorder.logTraining(1.5, 0.75, 1.6666666666666667e-05);
        recorder.addFlos(1234567.0);
        recorder.advance(6, 3.0);
        recorder.logTrainEnd(12.34567, 24, null, 1.8);
        return recorder;
    }

    @Test
    void jsonIsByteIdenticalToTransformers() {
        TrainerState state = recordedRun().checkpointSnapshot(true);
        assertThat(state.toJson()).isEqualTo(EXPECTED);
    }

    @Test
    void writeAndReadRoundTrip() {
        TrainerState state = recordedRun().checkpointSnapshot(true);
        Path file = temp.resolve(TrainerState.FILE_NAME);
        state.write(file);
        TrainerState read = TrainerState.read(file);
        assertThat(read).isEqualTo(state);
        assertThat(read.toJson()).isEqualTo(EXPECTED);
        assertThat(read.globalStep()).isEqualTo(6);
        assertThat(read.bestGlobalStep()).contains(3);
        assertThat(read.logHistory()).hasSize(4);
        assertThat(read.logHistory().get(1).number("eval_loss")).hasValue(2.1);
        assertThat(read.logHistory().get(3).get("train_runtime")).contains(12.3457);
    }

    @Test
    void readsAFileWrittenByAnOlderTransformersWithUnknownAndMissingKeys() throws IOException {
        Path file = temp.resolve("old_state.json");
        Files.writeString(
                file,
                """
                {
                  "best_metric": null,
                  "best_model_checkpoint": null,
                  "epoch": 0.5,
                  "global_step": 10,
                  "is_hyper_param_search": false,
                  "is_local_process_zero": true,
                  "is_world_process_zero": true,
                  "log_history": [{"epoch": 0.25, "learning_rate": 4e-05, "loss": 1.0, "step": 5}],
                  "max_steps": 40,
                  "num_train_epochs": 2,
                  "total_flos": 5.5e+16,
                  "some_future_field": 1,
                  "trial_name": null,
                  "trial_params": null
                }
                """);
        TrainerState state = TrainerState.read(file);
        assertThat(state.globalStep()).isEqualTo(10);
        assertThat(state.epoch()).contains(0.5);
        assertThat(state.loggingSteps()).isEqualTo(500);
        assertThat(state.totalFlos()).isEqualTo(5.5e16);
        assertThat(state.logHistory().get(0).step()).isEqualTo(5);
        assertThat(state.statefulCallbacks()).isEmpty();
        assertThat(state.toJson()).contains("\"total_flos\": 5.5e+16,");
    }

    @Test
    void malformedFieldsNameTheFileAndTheField() throws IOException {
        Path file = temp.resolve("bad.json");
        Files.writeString(file, "{\"global_step\": \"ten\"}");
        assertThatThrownBy(() -> TrainerState.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("global_step")
                .hasMessageContaining("\"ten\"");

        Files.writeString(file, "{\"log_history\": [{\"loss\": 1.0}]}");
        assertThatThrownBy(() -> TrainerState.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("log_history[0]")
                .hasMessageContaining("step");

        Files.writeString(file, "{\"global_step\": 3,");
        assertThatThrownBy(() -> TrainerState.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("not valid JSON");

        assertThatThrownBy(() -> TrainerState.read(temp.resolve("missing.json")))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void bestMetricFollowsTransformers() {
        TrainerStateRecorder recorder = new TrainerStateRecorder(
                TrainerState.builder().maxSteps(10).build(), "out", TrainerStateRecorder.BestMetric.evalLoss());
        recorder.advance(2, 0.2);
        recorder.logEvaluation(Map.of("eval_loss", 1.5));
        assertThat(recorder.lastEvaluationImproved()).isTrue();
        recorder.advance(4, 0.4);
        recorder.logEvaluation(Map.of("eval_loss", 1.7));
        assertThat(recorder.lastEvaluationImproved()).isFalse();
        recorder.advance(6, 0.6);
        recorder.logEvaluation(Map.of("eval_loss", 1.2));
        TrainerState state = recorder.snapshot();
        assertThat(state.bestMetric()).contains(1.2);
        assertThat(state.bestGlobalStep()).contains(6);
        assertThat(state.bestModelCheckpoint()).contains("out/checkpoint-6");

        TrainerStateRecorder accuracy = new TrainerStateRecorder(
                TrainerState.builder().build(), "out", new TrainerStateRecorder.BestMetric("accuracy", true));
        assertThat(accuracy.bestMetricTracking().orElseThrow().metric()).isEqualTo("eval_accuracy");
        assertThatThrownBy(() -> accuracy.logEvaluation(Map.of("eval_loss", 1.0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("eval_accuracy");
    }

    @Test
    void resumedRecorderContinuesTheHistory() {
        TrainerState saved = recordedRun().snapshot();
        TrainerStateRecorder resumed = new TrainerStateRecorder(saved, "saves/run", null);
        assertThat(resumed.globalStep()).isEqualTo(6);
        assertThatThrownBy(() -> resumed.advance(5, 2.5)).isInstanceOf(IllegalArgumentException.class);
        resumed.advance(7, 3.5);
        resumed.addInputTokens(100);
        resumed.logTraining(0.5, null, 1e-6);
        TrainerState next = resumed.snapshot();
        assertThat(next.logHistory()).hasSize(5);
        assertThat(next.logHistory().get(4).values())
                .containsExactly(
                        Map.entry("loss", 0.5),
                        Map.entry("learning_rate", 1e-6),
                        Map.entry("epoch", 3.5),
                        Map.entry("step", 7));
        assertThat(next.numInputTokensSeen()).isEqualTo(100);
        assertThat(next.bestGlobalStep()).contains(3);
    }
}
