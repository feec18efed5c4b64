package ai.llamafactory.core.train.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.core.train.output.LogEntry;
import ai.llamafactory.core.train.output.LossPlotter;
import ai.llamafactory.core.train.output.MetricsSplit;
import ai.llamafactory.core.train.output.ModelCard;
import ai.llamafactory.core.train.output.ModelCardWriter;
import ai.llamafactory.core.train.output.ResultsWriter;
import ai.llamafactory.core.train.output.TrainerLogWriter;
import ai.llamafactory.core.train.output.TrainerState;
import ai.llamafactory.core.train.output.TrainerStateRecorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output and checkpoint classes composed the way the training loop uses them, with a fake deterministic loss:
 * an interrupted run resumed from its last checkpoint ends with the same {@code trainer_state.json} history and the
 * same {@code trainer_log.jsonl} steps as an uninterrupted run.
 */
class RunOutputsFlowTest {
    @TempDir
    Path temp;

    private static final int MAX_STEPS = 12;
    private static final ModelFingerprint MODEL = CheckpointCrashTest.FINGERPRINT.withMethod("finetuning_type", "lora");

    private static double loss(int step) {
        return 3.0 / (1 + step);
    }

    /** Runs until {@code stopAfter} (simulating a crash right after that step), resuming as the rules decide. */
    private void run(Path outputDir, int stopAfter) {
        OutputDirectoryRules.ResumePlan plan =
                OutputDirectoryRules.decide(outputDir, false, ResumeFromCheckpoint.notSet());
        TrainerState initial = TrainerState.builder()
                .maxSteps(MAX_STEPS)
                .loggingSteps(2)
                .evalSteps(4)
                .saveSteps(4)
                .trainBatchSize(2)
                .numTrainEpochs(3)
                .build();
        int startStep = 0;
        if (plan.checkpoint().isPresent()) {
            Checkpoint c = plan.checkpoint().get();
            c.requireSameModel(MODEL);
            initial = c.trainerState();
            startStep = c.trainingPosition().globalStep();
        }
        TrainerStateRecorder recorder =
                new TrainerStateRecorder(initial, outputDir.toString(), TrainerStateRecorder.BestMetric.evalLoss());
        CheckpointWriter writer = new CheckpointWriter(outputDir, MODEL);
        try (TrainerLogWriter log =
                TrainerLogWriter.open(outputDir, MAX_STEPS, startStep, recorder.inputTokensSeen())) {
            double lossSinceLog = 0;
            for (int step = startStep + 1; step <= Math.min(stopAfter, MAX_STEPS); step++) {
                lossSinceLog += loss(step);
                recorder.addInputTokens(100);
                recorder.advance(step, step / 4.0);
                if (step % 2 == 0) {
                    log.append(
                            recorder.logTraining(lossSinceLog / 2, 1.0, 1e-4 * (MAX_STEPS - step) / MAX_STEPS),
                            recorder.inputTokensSeen());
                    lossSinceLog = 0;
                }
                if (step % 4 == 0) {
                    log.append(
                            recorder.logEvaluation(Map.of("eval_loss", loss(step) + 0.1)), recorder.inputTokensSeen());
                    int s = step;
                    TrainerState snapshot = recorder.checkpointSnapshot(step == MAX_STEPS);
                    writer.write(step, files -> {
                        files.writeString("adapter_model.safetensors", "weights at " + s);
                        files.writeTrainingPosition(
                                new TrainingPosition(s, (s - 1) / 4, (s - 1) % 4 + 1, s * 2L, s * 100L, 42));
                        files.writeTrainerState(snapshot);
                    });
                    CheckpointFinder.rotate(
                            outputDir, 2, snapshot.bestModelCheckpoint().orElse(null));
                }
            }
            if (stopAfter < MAX_STEPS) {
                return; // "crash"
            }
            LogEntry end = recorder.logTrainEnd(1.0, 24, null, 1.0);
            log.append(end, recorder.inputTokensSeen());
            ResultsWriter.save(outputDir, MetricsSplit.TRAIN, ResultsWriter.withoutStep(end));
        }
        recorder.snapshot().write(outputDir.resolve(TrainerState.FILE_NAME));
        LossPlotter.plot(outputDir, LossPlotter.DEFAULT_KEYS);
        ModelCardWriter.write(
                outputDir,
                ModelCard.builder(outputDir.getFileName().toString(), ModelCard.Method.LORA)
                        .logHistory(recorder.snapshot().logHistory())
                        .build());
    }

    private static List<String> steps(Path trainerLog) throws IOException {
        return Files.readAllLines(trainerLog).stream()
                .map(l -> l.substring(0, l.indexOf(',')))
                .toList();
    }

    @Test
    void resumedRunProducesTheSameOutputsAsAnUninterruptedOne() throws IOException {
        Path straight = temp.resolve("straight");
        run(straight, MAX_STEPS);

        Path interrupted = temp.resolve("interrupted");
        run(interrupted, 10); // dies after step 10; the last checkpoint is step 8
        assertThat(CheckpointFinder.latest(interrupted)).map(Checkpoint::step).contains(8);
        run(interrupted, MAX_STEPS);

        TrainerState a = TrainerState.read(straight.resolve(TrainerState.FILE_NAME));
        TrainerState b = TrainerState.read(interrupted.resolve(TrainerState.FILE_NAME));
        assertThat(b.logHistory()).isEqualTo(a.logHistory());
        assertThat(b.numInputTokensSeen()).isEqualTo(a.numInputTokensSeen()).isEqualTo(1200);
        assertThat(b.bestModelCheckpoint()).contains(interrupted + "/checkpoint-12");
        assertThat(steps(interrupted.resolve(TrainerLogWriter.FILE_NAME)))
                .isEqualTo(steps(straight.resolve(TrainerLogWriter.FILE_NAME)));

        for (Path dir : List.of(straight, interrupted)) {
            try (Stream<Path> s = Files.list(dir)) {
                assertThat(s.map(p -> p.getFileName().toString()).sorted())
                        .containsExactly(
                                "README.md",
                                "all_results.json",
                                "checkpoint-12",
                                "checkpoint-8",
                                "train_results.json",
                                "trainer_log.jsonl",
                                "trainer_state.json",
                                "training_eval_loss.png",
                                "training_loss.png");
            }
        }
        Optional<Checkpoint> last = CheckpointFinder.latest(interrupted);
        assertThat(last.orElseThrow().trainingPosition()).isEqualTo(new TrainingPosition(12, 2, 4, 24, 1200, 42));
    }
}
