package ai.llamafactory.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.exception.DatasetException;
import ai.llamafactory.api.exception.TrainingException;
import ai.llamafactory.api.run.CancellationToken;
import ai.llamafactory.api.run.EvaluationEvent;
import ai.llamafactory.api.run.LogEvent;
import ai.llamafactory.api.run.StepEvent;
import ai.llamafactory.api.run.TrainBeginEvent;
import ai.llamafactory.api.run.TrainingListener;
import ai.llamafactory.api.run.TrainingListeners;
import ai.llamafactory.api.run.TrainingResult;
import ai.llamafactory.api.spi.Trainer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A run started with {@code start()} can be cancelled from another thread and awaited. */
class CancellationTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    /** A trainer that takes steps until cancelled (or until 10^6 steps), as the Trainer contract asks. */
    static final class SteppingTrainer implements Trainer {
        final CountDownLatch threeStepsDone = new CountDownLatch(3);
        volatile String threadName;

        @Override
        public TrainingResult train(FineTuneConfig config, TrainingListeners listeners, CancellationToken token) {
            threadName = Thread.currentThread().getName();
            Instant start = Instant.now();
            long max = 1_000_000;
            listeners.onTrainBegin(new TrainBeginEvent(
                    max, 1.0, 100, 10, 100, config.training().outputDir()));
            long step = 0;
            double loss = 2.0;
            while (step < max && !token.isCancelled()) {
                step++;
                loss *= 0.99;
                listeners.onStep(new StepEvent(step, max, step / (double) max, loss, 1e-4, 1.0, 64));
                if (step % 2 == 0) {
                    listeners.onLog(new LogEvent(step, Map.of("loss", loss)));
                }
                threeStepsDone.countDown();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            TrainingResult result = TrainingResult.builder(config.training().outputDir())
                    .stopReason(
                            token.isCancelled()
                                    ? TrainingResult.StopReason.CANCELLED
                                    : TrainingResult.StopReason.COMPLETED)
                    .globalSteps(step)
                    .epochs(step / (double) max)
                    .finalLoss(loss)
                    .duration(Duration.between(start, Instant.now()))
                    .build();
            listeners.onTrainEnd(result);
            return result;
        }
    }

    /** Records the events it receives. */
    static final class Recorder implements TrainingListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void onTrainBegin(TrainBeginEvent event) {
            events.add("begin");
        }

        @Override
        public void onStep(StepEvent event) {
            events.add("step " + event.step());
        }

        @Override
        public void onLog(LogEvent event) {
            events.add("log " + event.step());
        }

        @Override
        public void onTrainEnd(TrainingResult result) {
            events.add("end " + result.stopReason());
        }
    }

    @AfterEach
    void reset() {
        TestTrainerProviders.reset();
    }

    @Test
    void cancelFromAnotherThreadStopsAtAStepBoundary() throws Exception {
        SteppingTrainer trainer = new SteppingTrainer();
        TestTrainerProviders.trainer = trainer;
        Recorder recorder = new Recorder();

        TrainingHandle handle =
                FineTune.model("m").dataset("d").listener(recorder).start();
        assertThat(trainer.threeStepsDone.await(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                .isTrue();
        assertThat(handle.isDone()).isFalse();
        handle.cancel();
        Optional<TrainingResult> result = handle.await(PATIENCE);

        assertThat(result).isPresent();
        assertThat(handle.isCancelled()).isTrue();
        assertThat(handle.isDone()).isTrue();
        assertThat(result.get().stopReason()).isEqualTo(TrainingResult.StopReason.CANCELLED);
        assertThat(result.get().completed()).isFalse();
        long steps = result.get().globalSteps();
        assertThat(steps).isBetween(3L, 999_999L);
        assertThat(result.get().finalLoss().getAsDouble())
                .isCloseTo(2.0 * Math.pow(0.99, steps), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(trainer.threadName).isEqualTo("llamafactory-training");
        assertThat(recorder.events)
                .startsWith("begin", "step 1", "step 2", "log 2", "step 3")
                .endsWith("step " + steps, "end CANCELLED");
        assertThat(handle.await()).isEqualTo(result.get());
    }

    @Test
    void awaitWithTimeoutReturnsEmptyWhileTrainingRuns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TestTrainerProviders.trainer = (config, listeners, token) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return TrainingResult.builder(config.training().outputDir()).build();
        };

        TrainingHandle handle = FineTune.model("m").dataset("d").start();
        assertThat(handle.await(Duration.ofMillis(20))).isEmpty();
        release.countDown();

        assertThat(handle.await(PATIENCE))
                .hasValueSatisfying(r -> assertThat(r.completed()).isTrue());
        assertThat(handle.toCompletableFuture().get().globalSteps()).isZero();
    }

    @Test
    void failuresReachTheCallerOfAwait() {
        TestTrainerProviders.trainer = (config, listeners, token) -> {
            throw new DatasetException("alpaca_en_demo.json line 3: missing 'output'");
        };
        TrainingHandle failing = FineTune.model("m").dataset("d").start();
        assertThatThrownBy(failing::await)
                .isInstanceOf(DatasetException.class)
                .hasMessage("alpaca_en_demo.json line 3: missing 'output'");

        TestTrainerProviders.trainer = (config, listeners, token) -> {
            throw new IllegalStateException("boom");
        };
        TrainingHandle crashing = FineTune.model("m").dataset("d").start();
        assertThatThrownBy(() -> crashing.await(PATIENCE))
                .isInstanceOf(TrainingException.class)
                .hasMessage("training failed: java.lang.IllegalStateException: boom")
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFailingListenerDoesNotStopTheOthers() {
        Recorder recorder = new Recorder();
        TrainingListener failing = new TrainingListener() {
            @Override
            public void onStep(StepEvent event) {
                throw new IllegalStateException("listener bug");
            }
        };
        TrainingListeners listeners = TrainingListeners.of(failing, recorder);

        listeners.onStep(new StepEvent(1, 10, 0.1, 2.0, 1e-4, 0.5, 128));
        listeners.onStep(new StepEvent(2, 10, 0.2, 1.9, 1e-4, 0.5, 128));

        assertThat(recorder.events).containsExactly("step 1", "step 2");
        assertThat(TrainingListeners.none().listeners()).isEmpty();
    }

    @Test
    void lambdaListeners() {
        List<Long> steps = new CopyOnWriteArrayList<>();
        List<Double> losses = new CopyOnWriteArrayList<>();
        TrainingListeners listeners = TrainingListeners.of(
                TrainingListener.forSteps(e -> steps.add(e.step())),
                TrainingListener.forLogs(e -> losses.add(e.metrics().get("loss"))));

        listeners.onStep(new StepEvent(7, 10, 0.7, 1.5, 1e-4, 0.5, 128));
        listeners.onLog(new LogEvent(7, Map.of("loss", 1.25)));

        assertThat(steps).containsExactly(7L);
        assertThat(losses).containsExactly(1.25);
    }

    @Test
    void cancellationTokenIsSticky() {
        CancellationToken token = new CancellationToken();
        assertThat(token.isCancelled()).isFalse();
        token.cancel();
        token.cancel();
        assertThat(token.isCancelled()).isTrue();
    }

    @Test
    void eventsCopyTheirMetrics() {
        java.util.HashMap<String, Double> metrics = new java.util.HashMap<>(Map.of("eval_loss", 1.5));
        EvaluationEvent event = new EvaluationEvent(10, metrics);
        metrics.put("eval_loss", 9.0);

        assertThat(event.metrics()).containsExactly(Map.entry("eval_loss", 1.5));
        assertThatThrownBy(() -> event.metrics().put("x", 1.0)).isInstanceOf(UnsupportedOperationException.class);
    }
}
