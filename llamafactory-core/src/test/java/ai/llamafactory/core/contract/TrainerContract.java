package ai.llamafactory.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.api.FineTune;
import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.LrSchedulerType;
import ai.llamafactory.api.run.CancellationToken;
import ai.llamafactory.api.run.LogEvent;
import ai.llamafactory.api.run.StepEvent;
import ai.llamafactory.api.run.TrainBeginEvent;
import ai.llamafactory.api.run.TrainingListener;
import ai.llamafactory.api.run.TrainingListeners;
import ai.llamafactory.api.run.TrainingResult;
import ai.llamafactory.api.spi.Plugins;
import ai.llamafactory.api.spi.Trainer;
import ai.llamafactory.api.spi.TrainerProvider;
import ai.llamafactory.testing.TinyRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of {@link TrainerProvider} and the {@link Trainer}s it makes, for any implementation: extend this
 * class, return the provider from {@link #provider()} and a short run it supports from {@link #run}, and JUnit 5 runs
 * every check against it. {@code DjlTrainerContractTest} runs it against the default pt/sft trainer.
 *
 * <p>Checks what {@link Trainer}'s javadoc promises: a stable short name, registration with
 * {@link java.util.ServiceLoader}, support for the run, a new trainer per {@code create()}, the listener events in
 * order ({@code onTrainBegin} once first, {@code onStep} once per optimizer step with increasing steps, {@code onLog}
 * every {@code logging_steps}, {@code onTrainEnd} once last with the returned result), a cancellation that stops at a
 * step boundary with {@link TrainingResult.StopReason#CANCELLED} and still writes the final files, and
 * {@code training_args.yaml} in the output folder.
 */
public abstract class TrainerContract {
    /** A folder for the fixtures of one check. */
    @TempDir
    protected Path tmp;

    /** @return the implementation under test */
    protected abstract TrainerProvider provider();

    /**
     * @param output the output folder to train into
     * @return a run of a few optimizer steps that the provider supports, logging every step; by default full sft of
     *     the tiny qwen3 conformance model on the eight-row dataset {@code tiny}, 3 steps
     */
    protected FineTuneConfig run(Path output) {
        Path model = TinyRun.model("qwen3", tmp.resolve("model"));
        Path data = TinyRun.dataset(tmp.resolve("data"));
        return FineTune.model(model)
                .full()
                .sft()
                .dataset("tiny")
                .datasetDir(data.toString())
                .template("chatml")
                .cutoffLen(64)
                .batchSize(4)
                .learningRate(1e-3)
                .maxSteps(3)
                .scheduler(LrSchedulerType.CONSTANT)
                .seed(42)
                .outputDir(output)
                .training(t -> t.loggingSteps(1).saveSteps(1000))
                .build();
    }

    @Test
    void hasAStableShortNameAndSupportsTheRun() {
        TrainerProvider provider = provider();
        assertThat(provider.name()).isNotBlank().isEqualTo(provider.name());
        assertThat(provider.supports(run(tmp.resolve("out")))).isTrue();
    }

    @Test
    void isRegisteredWithServiceLoader() {
        Class<?> type = provider().getClass();
        assertThat(Plugins.trainerProviders(type.getClassLoader()))
                .as("META-INF/services/" + TrainerProvider.class.getName())
                .anySatisfy(p -> assertThat(p).isInstanceOf(type));
    }

    @Test
    void createMakesANewTrainer() {
        TrainerProvider provider = provider();
        assertThat(provider.create()).isNotNull().isNotSameAs(provider.create());
    }

    @Test
    void reportsEveryEventInOrderAndWritesTheRunsArguments() {
        Path out = tmp.resolve("out");
        FineTuneConfig config = run(out);
        Recorder events = new Recorder(null);
        TrainingResult result =
                provider().create().train(config, TrainingListeners.of(events), new CancellationToken());
        assertThat(result.completed()).isTrue();
        assertThat(result.globalSteps()).isPositive();
        assertThat(events.names.get(0)).isEqualTo("begin");
        assertThat(events.names.get(events.names.size() - 1)).isEqualTo("end");
        assertThat(events.names).containsOnlyOnce("begin", "end");
        assertThat(events.steps).hasSize((int) result.globalSteps());
        for (int i = 0; i < events.steps.size(); i++) {
            assertThat(events.steps.get(i)).as("step of onStep #" + (i + 1)).isEqualTo(i + 1L);
        }
        long loggingSteps = config.training().loggingSteps();
        assertThat(events.logs).as("onLog every logging_steps").hasSizeGreaterThanOrEqualTo((int)
                (result.globalSteps() / loggingSteps));
        assertThat(events.result).isSameAs(result);
        assertThat(out.resolve("training_args.yaml")).isRegularFile();
    }

    @Test
    void cancellationStopsAtAStepBoundaryAndStillWritesTheFinalFiles() {
        Path out = tmp.resolve("out");
        FineTuneConfig config = run(out);
        CancellationToken token = new CancellationToken();
        Recorder events = new Recorder(token);
        TrainingResult result = provider().create().train(config, TrainingListeners.of(events), token);
        assertThat(result.stopReason()).isEqualTo(TrainingResult.StopReason.CANCELLED);
        assertThat(result.globalSteps())
                .as("stopped after the step that saw the cancellation")
                .isLessThanOrEqualTo(1);
        assertThat(events.names).endsWith("end");
        assertThat(out.resolve("training_args.yaml")).isRegularFile();
    }

    /** Records the events; cancels the token at the first step when it has one. */
    private static final class Recorder implements TrainingListener {
        private final CancellationToken cancelAtFirstStep;
        private final List<String> names = new ArrayList<>();
        private final List<Long> steps = new ArrayList<>();
        private final List<Long> logs = new ArrayList<>();
        private TrainingResult result;

        Recorder(CancellationToken cancelAtFirstStep) {
            this.cancelAtFirstStep = cancelAtFirstStep;
        }

        @Override
        public void onTrainBegin(TrainBeginEvent event) {
            names.add("begin");
        }

        @Override
        public void onStep(StepEvent event) {
            names.add("step");
            steps.add(event.step());
            if (cancelAtFirstStep != null) {
                cancelAtFirstStep.cancel("contract test");
            }
        }

        @Override
        public void onLog(LogEvent event) {
            names.add("log");
            logs.add(event.step());
        }

        @Override
        public void onTrainEnd(TrainingResult value) {
            names.add("end");
            result = value;
        }
    }
}
