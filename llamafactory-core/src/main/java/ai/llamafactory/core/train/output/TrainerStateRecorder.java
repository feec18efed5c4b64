package ai.llamafactory.core.train.output;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps the trainer's running state during a run and turns it into {@link TrainerState} snapshots, the way the
 * Hugging Face Trainer maintains {@code self.state}: the training loop reports progress ({@link #advance}, tokens,
 * flos) and each log ({@link #logTraining}, {@link #logEvaluation}, {@link #logTrainEnd}); every log is appended to
 * {@code log_history} with {@code epoch} and {@code step}, and the snapshot is written into each checkpoint and, at the
 * end, into {@code output_dir}.
 *
 * <p>Best-model tracking follows transformers' {@code _determine_best_metric}: when a metric is tracked
 * ({@link BestMetric}, e.g. {@code eval_loss}, lower is better), each evaluation that improves on it sets
 * {@code best_metric}, {@code best_global_step} and {@code best_model_checkpoint}
 * ({@code <output_dir>/checkpoint-<step>}); checkpoint rotation never deletes that checkpoint.
 *
 * <p>Not thread-safe: one training loop owns it.
 */
public final class TrainerStateRecorder {
    private final String outputDir;
    private final BestMetric bestMetricTracking;
    private TrainerState.Builder state;
    private int globalStep;
    private double epoch;
    private long inputTokensSeen;
    private double totalFlos;
    private boolean lastEvaluationImproved;

    /**
     * Which evaluation metric decides the best checkpoint ({@code metric_for_best_model},
     * {@code greater_is_better}).
     *
     * @param metric the metric; a name without the {@code eval_} prefix gets it, as transformers does
     * @param greaterIsBetter whether larger values are better (false for losses)
     */
    public record BestMetric(String metric, boolean greaterIsBetter) {
        /**
         * Validates and normalises the metric name.
         *
         * @param metric the metric
         * @param greaterIsBetter the direction
         */
        public BestMetric {
            Objects.requireNonNull(metric, "metric");
            if (metric.isBlank()) {
                throw new IllegalArgumentException("metric_for_best_model must not be blank");
            }
            if (!metric.startsWith("eval_")) {
                metric = "eval_" + metric;
            }
        }

        /**
         * The usual choice: {@code eval_loss}, lower is better.
         *
         * @return the tracking
         */
        public static BestMetric evalLoss() {
            return new BestMetric("eval_loss", false);
        }
    }

    /**
     * Starts recording from a state: a fresh one built with the run's settings (max_steps, logging/eval/save steps,
     * batch size, epochs), or the state read from the checkpoint being resumed, whose history continues.
     *
     * @param initial the state to continue from
     * @param outputDir {@code output_dir} as configured (used in {@code best_model_checkpoint})
     * @param bestMetric the tracked metric, or {@code null} for none
     */
    public TrainerStateRecorder(TrainerState initial, String outputDir, BestMetric bestMetric) {
        Objects.requireNonNull(initial, "initial");
        this.outputDir = Objects.requireNonNull(outputDir, "outputDir");
        this.bestMetricTracking = bestMetric;
        this.state = initial.toBuilder();
        this.globalStep = initial.globalStep();
        this.epoch = initial.epoch().orElse(0.0);
        this.inputTokensSeen = initial.numInputTokensSeen();
        this.totalFlos = initial.totalFlos();
        if (!initial.statefulCallbacks().containsKey(TrainerState.TRAINER_CONTROL)) {
            state.statefulCallback(
                    TrainerState.TRAINER_CONTROL, TrainerState.trainerControlState(false, false, false, false, false));
        }
    }

    /**
     * Records the progress after an optimizer step.
     *
     * @param globalStep optimizer updates done
     * @param epoch fractional epoch ({@code epoch + (batch + 1) / batches_per_epoch})
     */
    public void advance(int globalStep, double epoch) {
        if (globalStep < this.globalStep) {
            throw new IllegalArgumentException("global step went back from " + this.globalStep + " to " + globalStep);
        }
        this.globalStep = globalStep;
        this.epoch = epoch;
    }

    /**
     * Adds to {@code num_input_tokens_seen}.
     *
     * @param tokens tokens in the batches just fed
     */
    public void addInputTokens(long tokens) {
        if (tokens < 0) {
            throw new IllegalArgumentException("tokens must be >= 0, got " + tokens);
        }
        inputTokensSeen += tokens;
    }

    /**
     * Adds to {@code total_flos}.
     *
     * @param flos floating-point operations of the batches just fed (transformers estimates
     *     {@code 6 * tokens * parameters})
     */
    public void addFlos(double flos) {
        totalFlos += flos;
    }

    /**
     * Current global step.
     *
     * @return optimizer updates done
     */
    public int globalStep() {
        return globalStep;
    }

    /**
     * Current fractional epoch.
     *
     * @return the epoch
     */
    public double epoch() {
        return epoch;
    }

    /**
     * Tokens fed so far, including those before a resume.
     *
     * @return {@code num_input_tokens_seen}
     */
    public long inputTokensSeen() {
        return inputTokensSeen;
    }

    /**
     * Appends a training log ({@code loss}, {@code grad_norm}, {@code learning_rate}, {@code epoch}, {@code step}).
     *
     * @param meanLoss training loss averaged over the steps since the previous training log
     * @param gradNorm gradient norm before clipping, or {@code null} when clipping is off
     * @param learningRate the learning rate of the last step
     * @return the appended entry
     */
    public LogEntry logTraining(double meanLoss, Double gradNorm, double learningRate) {
        LogEntry entry = LogEntry.training(globalStep, epoch, meanLoss, gradNorm, learningRate);
        state.addLog(entry);
        return entry;
    }

    /**
     * Appends an evaluation log and updates the best metric.
     *
     * @param metrics the evaluation metrics with their {@code eval_} prefix, in order (see
     *     {@link ResultsWriter#evalMetrics})
     * @return the appended entry (metrics, {@code epoch}, {@code step})
     * @throws IllegalArgumentException if a best metric is tracked and missing from {@code metrics}
     */
    public LogEntry logEvaluation(Map<String, ?> metrics) {
        LogEntry entry = LogEntry.of(metrics, epoch, globalStep);
        lastEvaluationImproved = false;
        if (bestMetricTracking != null) {
            Object value = metrics.get(bestMetricTracking.metric());
            if (!(value instanceof Number number)) {
                throw new IllegalArgumentException("metric_for_best_model " + bestMetricTracking.metric()
                        + " is not among the evaluation metrics " + metrics.keySet());
            }
            double v = number.doubleValue();
            TrainerState current = state.build();
            double best = current.bestMetric()
                    .orElse(bestMetricTracking.greaterIsBetter() ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
            boolean improved = bestMetricTracking.greaterIsBetter() ? v > best : v < best;
            if (improved) {
                state.best(v, globalStep, checkpointPath(globalStep));
                lastEvaluationImproved = true;
            }
        }
        state.addLog(entry);
        return entry;
    }

    /**
     * Whether the last {@link #logEvaluation} set a new best metric.
     *
     * @return true if it improved on every earlier evaluation
     */
    public boolean lastEvaluationImproved() {
        return lastEvaluationImproved;
    }

    /**
     * Appends the end-of-training log as {@code Trainer.train} does: speed metrics, {@code total_flos},
     * {@code train_loss}, then {@code epoch} and {@code step}.
     *
     * @param runtimeSeconds wall time of this {@code train()} call (after a resume: since the resume)
     * @param numTrainSamples samples the whole run covers ({@code max_steps * total batch} or
     *     {@code examples * epochs})
     * @param numTrainTokens tokens the whole run covers, or {@code null} to leave out {@code train_tokens_per_second}
     * @param trainLoss mean training loss over the run
     * @return the appended entry; {@link ResultsWriter#withoutStep} turns it into the {@code train_results.json}
     *     metrics
     */
    public LogEntry logTrainEnd(double runtimeSeconds, long numTrainSamples, Long numTrainTokens, double trainLoss) {
        TrainerState current = state.build();
        Map<String, Object> metrics = ResultsWriter.speedMetrics(
                "train", runtimeSeconds, numTrainSamples, (long) current.maxSteps(), numTrainTokens);
        metrics.put("total_flos", totalFlos);
        metrics.put("train_loss", trainLoss);
        LogEntry entry = LogEntry.of(metrics, epoch, globalStep);
        state.addLog(entry);
        return entry;
    }

    /**
     * Sets one {@code stateful_callbacks} entry (e.g. the early-stopping counter) for later snapshots.
     *
     * @param name callback name
     * @param callbackState its state
     */
    public void statefulCallback(String name, Map<String, Object> callbackState) {
        state.statefulCallback(name, callbackState);
    }

    /**
     * The state to write into a checkpoint being saved now: as transformers does, the saved
     * {@code TrainerControl} has {@code should_save} set, and it stays in later snapshots.
     *
     * @param trainingStops whether this is the last step of the run
     * @return the snapshot
     */
    public TrainerState checkpointSnapshot(boolean trainingStops) {
        state.statefulCallback(
                TrainerState.TRAINER_CONTROL,
                TrainerState.trainerControlState(false, false, false, true, trainingStops));
        return snapshot();
    }

    /**
     * The current state.
     *
     * @return an immutable snapshot
     */
    public TrainerState snapshot() {
        return state.globalStep(globalStep)
                .epoch(epoch)
                .numInputTokensSeen(inputTokensSeen)
                .totalFlos(totalFlos)
                .build();
    }

    /**
     * The tracked best metric, if any.
     *
     * @return the tracking
     */
    public Optional<BestMetric> bestMetricTracking() {
        return Optional.ofNullable(bestMetricTracking);
    }

    private String checkpointPath(int step) {
        String sep = outputDir.isEmpty() || outputDir.endsWith("/") ? "" : "/";
        return outputDir + sep + "checkpoint-" + step;
    }
}
