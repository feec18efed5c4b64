package ai.llamafactory.api.run;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Receives progress and metrics from a running training. Every method has an empty default, so implement only what
 * you need. Methods are called on the training thread, in order; keep them short (hand long work to another
 * thread). An exception thrown by a listener is logged and does not stop training; use
 * {@link CancellationToken#cancel()} to stop it.
 */
public interface TrainingListener {
    /**
     * @param action called after every optimizer step
     * @return a listener that only receives steps, e.g. {@code forSteps(e -> bar.update(e.step()))}
     */
    static TrainingListener forSteps(Consumer<StepEvent> action) {
        Objects.requireNonNull(action, "action");
        return new TrainingListener() {
            @Override
            public void onStep(StepEvent event) {
                action.accept(event);
            }
        };
    }

    /**
     * @param action called every {@code logging_steps} steps
     * @return a listener that only receives logs, e.g. {@code forLogs(e -> System.out.println(e.metrics()))}
     */
    static TrainingListener forLogs(Consumer<LogEvent> action) {
        Objects.requireNonNull(action, "action");
        return new TrainingListener() {
            @Override
            public void onLog(LogEvent event) {
                action.accept(event);
            }
        };
    }

    /**
     * Called once before the first step.
     *
     * @param event the planned run
     */
    default void onTrainBegin(TrainBeginEvent event) {}

    /**
     * Called after every optimizer step.
     *
     * @param event the step's loss, learning rate and position
     */
    default void onStep(StepEvent event) {}

    /**
     * Called every {@code logging_steps} steps.
     *
     * @param event the logged metrics
     */
    default void onLog(LogEvent event) {}

    /**
     * Called after each evaluation.
     *
     * @param event the evaluation metrics
     */
    default void onEvaluate(EvaluationEvent event) {}

    /**
     * Called after a checkpoint was written.
     *
     * @param event the checkpoint
     */
    default void onSave(SaveEvent event) {}

    /**
     * Called once when training ends, also when it was cancelled (not when it failed).
     *
     * @param result the result that {@code run()} returns
     */
    default void onTrainEnd(TrainingResult result) {}
}
