package ai.llamafactory.core.train.output;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.data.json.PythonJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable snapshot of the Hugging Face {@code TrainerState}: the file {@code trainer_state.json} written into
 * every {@code checkpoint-<step>/} folder and, at the end of training, into {@code output_dir}.
 *
 * <p>{@link #toJson()} writes the same text as transformers' {@code TrainerState.save_to_json}
 * ({@code json.dumps(asdict(state), indent=2, sort_keys=True) + "\n"}), with the fields of the transformers
 * releases LLaMA-Factory pins: {@code epoch, global_step, max_steps, logging_steps, eval_steps, save_steps,
 * train_batch_size, num_train_epochs, num_input_tokens_seen, total_flos, log_history, best_metric, best_global_step,
 * best_model_checkpoint, is_local_process_zero, is_world_process_zero, is_hyper_param_search, trial_name,
 * trial_params, stateful_callbacks}. Hyper-parameter search is not supported: the trial fields are always
 * {@code null} and {@code is_hyper_param_search} {@code false}; this is a single-process trainer, so both
 * process-zero flags are {@code true}.
 *
 * <p>{@link #read(Path)} accepts files written by transformers too (unknown keys are ignored; missing keys take the
 * transformers defaults).
 */
public final class TrainerState {
    /** File name of the state inside a checkpoint folder and in {@code output_dir}. */
    public static final String FILE_NAME = "trainer_state.json";
    /** Key of the trainer-control entry in {@code stateful_callbacks}. */
    public static final String TRAINER_CONTROL = "TrainerControl";
    /** Key of the early-stopping entry in {@code stateful_callbacks}. */
    public static final String EARLY_STOPPING_CALLBACK = "EarlyStoppingCallback";

    private final Double epoch;
    private final int globalStep;
    private final int maxSteps;
    private final int loggingSteps;
    private final int evalSteps;
    private final int saveSteps;
    private final Integer trainBatchSize;
    private final int numTrainEpochs;
    private final long numInputTokensSeen;
    private final double totalFlos;
    private final List<LogEntry> logHistory;
    private final Double bestMetric;
    private final Integer bestGlobalStep;
    private final String bestModelCheckpoint;
    private final Map<String, Object> statefulCallbacks;

    private TrainerState(Builder b) {
        this.epoch = b.epoch;
        this.globalStep = b.globalStep;
        this.maxSteps = b.maxSteps;
        this.loggingSteps = b.loggingSteps;
        this.evalSteps = b.evalSteps;
        this.saveSteps = b.saveSteps;
        this.trainBatchSize = b.trainBatchSize;
        this.numTrainEpochs = b.numTrainEpochs;
        this.numInputTokensSeen = b.numInputTokensSeen;
        this.totalFlos = b.totalFlos;
        this.logHistory = List.copyOf(b.logHistory);
        this.bestMetric = b.bestMetric;
        this.bestGlobalStep = b.bestGlobalStep;
        this.bestModelCheckpoint = b.bestModelCheckpoint;
        this.statefulCallbacks = Collections.unmodifiableMap(new LinkedHashMap<>(b.statefulCallbacks));
    }

    /**
     * Starts a state with transformers' defaults (step 0, logging/eval/save every 500 steps, empty history).
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this state's values, to derive a changed copy.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.epoch = epoch;
        b.globalStep = globalStep;
        b.maxSteps = maxSteps;
        b.loggingSteps = loggingSteps;
        b.evalSteps = evalSteps;
        b.saveSteps = saveSteps;
        b.trainBatchSize = trainBatchSize;
        b.numTrainEpochs = numTrainEpochs;
        b.numInputTokensSeen = numInputTokensSeen;
        b.totalFlos = totalFlos;
        b.logHistory.addAll(logHistory);
        b.bestMetric = bestMetric;
        b.bestGlobalStep = bestGlobalStep;
        b.bestModelCheckpoint = bestModelCheckpoint;
        b.statefulCallbacks.putAll(statefulCallbacks);
        return b;
    }

    /**
     * The {@code stateful_callbacks} entry transformers saves for its {@code TrainerControl}.
     *
     * @param shouldEpochStop {@code should_epoch_stop}
     * @param shouldEvaluate {@code should_evaluate}
     * @param shouldLog {@code should_log}
     * @param shouldSave {@code should_save}
     * @param shouldTrainingStop {@code should_training_stop}
     * @return {@code {"args": {...}, "attributes": {}}}
     */
    public static Map<String, Object> trainerControlState(
            boolean shouldEpochStop,
            boolean shouldEvaluate,
            boolean shouldLog,
            boolean shouldSave,
            boolean shouldTrainingStop) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("should_training_stop", shouldTrainingStop);
        args.put("should_epoch_stop", shouldEpochStop);
        args.put("should_save", shouldSave);
        args.put("should_evaluate", shouldEvaluate);
        args.put("should_log", shouldLog);
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("args", args);
        state.put("attributes", Map.of());
        return state;
    }

    /**
     * The {@code stateful_callbacks} entry of transformers' {@code EarlyStoppingCallback}, which carries the patience
     * counter across a resume.
     *
     * @param patience {@code early_stopping_patience}
     * @param threshold {@code early_stopping_threshold}
     * @param patienceCounter evaluations without improvement so far
     * @return {@code {"args": {...}, "attributes": {"early_stopping_patience_counter": n}}}
     */
    public static Map<String, Object> earlyStoppingState(int patience, double threshold, int patienceCounter) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("early_stopping_patience", patience);
        args.put("early_stopping_threshold", threshold);
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("early_stopping_patience_counter", patienceCounter);
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("args", args);
        state.put("attributes", attributes);
        return state;
    }

    /**
     * Fractional epoch ({@code epoch}), empty before training starts.
     *
     * @return the epoch
     */
    public Optional<Double> epoch() {
        return Optional.ofNullable(epoch);
    }

    /**
     * Optimizer updates completed ({@code global_step}).
     *
     * @return the step
     */
    public int globalStep() {
        return globalStep;
    }

    /**
     * Planned optimizer updates ({@code max_steps}).
     *
     * @return the total
     */
    public int maxSteps() {
        return maxSteps;
    }

    /**
     * {@code logging_steps}.
     *
     * @return steps between training logs
     */
    public int loggingSteps() {
        return loggingSteps;
    }

    /**
     * {@code eval_steps}.
     *
     * @return steps between evaluations
     */
    public int evalSteps() {
        return evalSteps;
    }

    /**
     * {@code save_steps}.
     *
     * @return steps between checkpoints
     */
    public int saveSteps() {
        return saveSteps;
    }

    /**
     * {@code train_batch_size}: the per-device batch size, unset before training.
     *
     * @return the batch size
     */
    public Optional<Integer> trainBatchSize() {
        return Optional.ofNullable(trainBatchSize);
    }

    /**
     * {@code num_train_epochs}: epochs planned, rounded up.
     *
     * @return the epochs
     */
    public int numTrainEpochs() {
        return numTrainEpochs;
    }

    /**
     * {@code num_input_tokens_seen}.
     *
     * @return tokens fed to the model so far
     */
    public long numInputTokensSeen() {
        return numInputTokensSeen;
    }

    /**
     * {@code total_flos}.
     *
     * @return floating-point operations so far
     */
    public double totalFlos() {
        return totalFlos;
    }

    /**
     * {@code log_history}.
     *
     * @return every log so far, oldest first (unmodifiable)
     */
    public List<LogEntry> logHistory() {
        return logHistory;
    }

    /**
     * {@code best_metric}, when a metric is tracked.
     *
     * @return the best value so far
     */
    public Optional<Double> bestMetric() {
        return Optional.ofNullable(bestMetric);
    }

    /**
     * {@code best_global_step}.
     *
     * @return the step of the best value
     */
    public Optional<Integer> bestGlobalStep() {
        return Optional.ofNullable(bestGlobalStep);
    }

    /**
     * {@code best_model_checkpoint}: the path of the checkpoint holding the best model, as the trainer wrote it.
     *
     * @return the path text
     */
    public Optional<String> bestModelCheckpoint() {
        return Optional.ofNullable(bestModelCheckpoint);
    }

    /**
     * {@code stateful_callbacks}.
     *
     * @return callback name to saved state (unmodifiable)
     */
    public Map<String, Object> statefulCallbacks() {
        return statefulCallbacks;
    }

    /**
     * The fields as transformers' {@code dataclasses.asdict} produces them.
     *
     * @return an ordered map of JSON values
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", epoch == null ? 0.0 : epoch);
        m.put("global_step", globalStep);
        m.put("max_steps", maxSteps);
        m.put("logging_steps", loggingSteps);
        m.put("eval_steps", evalSteps);
        m.put("save_steps", saveSteps);
        m.put("train_batch_size", trainBatchSize);
        m.put("num_train_epochs", numTrainEpochs);
        m.put("num_input_tokens_seen", numInputTokensSeen);
        m.put("total_flos", totalFlos);
        List<Object> history = new ArrayList<>(logHistory.size());
        for (LogEntry e : logHistory) {
            history.add(e.values());
        }
        m.put("log_history", history);
        m.put("best_metric", bestMetric);
        m.put("best_global_step", bestGlobalStep);
        m.put("best_model_checkpoint", bestModelCheckpoint);
        m.put("is_local_process_zero", true);
        m.put("is_world_process_zero", true);
        m.put("is_hyper_param_search", false);
        m.put("trial_name", null);
        m.put("trial_params", null);
        m.put("stateful_callbacks", statefulCallbacks);
        return m;
    }

    /**
     * The text of {@code trainer_state.json}, as {@code TrainerState.save_to_json} writes it.
     *
     * @return JSON with 2-space indent, sorted keys and a final newline
     */
    public String toJson() {
        return PythonJson.builder().indent(2).sortKeys(true).build().dumps(toMap()) + "\n";
    }

    /**
     * Writes {@link #toJson()} atomically.
     *
     * @param file the target, usually {@code <folder>/trainer_state.json}
     * @throws CheckpointException naming the file if it cannot be written
     */
    public void write(Path file) {
        try {
            DurableFiles.writeAtomically(file, toJson());
        } catch (IOException e) {
            throw new CheckpointException("cannot write trainer state " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a {@code trainer_state.json} written by this library or by transformers.
     *
     * @param file the file
     * @return the state
     * @throws CheckpointException naming the file and the field if it is missing, unreadable or malformed
     */
    public static TrainerState read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("trainer state " + file + " does not exist", e);
        } catch (IOException e) {
            throw new CheckpointException("cannot read trainer state " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /**
     * Parses the text of a {@code trainer_state.json}.
     *
     * @param json the text
     * @param source the file name used in error messages
     * @return the state
     * @throws CheckpointException naming the source and the field if the text is malformed
     */
    public static TrainerState parse(String json, String source) {
        Object root;
        try {
            root = PythonJson.parse(json);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("trainer state " + source + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new CheckpointException("trainer state " + source + " must be a JSON object");
        }
        Fields f = new Fields(map, source);
        Builder b = builder();
        b.epoch = f.optionalDouble("epoch");
        b.globalStep = f.integer("global_step", 0);
        b.maxSteps = f.integer("max_steps", 0);
        b.loggingSteps = f.integer("logging_steps", 500);
        b.evalSteps = f.integer("eval_steps", 500);
        b.saveSteps = f.integer("save_steps", 500);
        b.trainBatchSize = f.optionalInteger("train_batch_size");
        b.numTrainEpochs = f.integer("num_train_epochs", 0);
        Double tokens = f.optionalDouble("num_input_tokens_seen");
        b.numInputTokensSeen = tokens == null ? 0 : tokens.longValue();
        Double flos = f.optionalDouble("total_flos");
        b.totalFlos = flos == null ? 0.0 : flos;
        b.bestMetric = f.optionalDouble("best_metric");
        b.bestGlobalStep = f.optionalInteger("best_global_step");
        Object best = map.get("best_model_checkpoint");
        if (best != null && !(best instanceof String)) {
            throw f.wrongType("best_model_checkpoint", "a string or null", best);
        }
        b.bestModelCheckpoint = (String) best;
        Object history = map.get("log_history");
        if (history != null) {
            if (!(history instanceof List<?> list)) {
                throw f.wrongType("log_history", "a list", history);
            }
            for (int i = 0; i < list.size(); i++) {
                Object item = list.get(i);
                if (!(item instanceof Map<?, ?> entry)) {
                    throw f.wrongType("log_history[" + i + "]", "an object", item);
                }
                try {
                    @SuppressWarnings("unchecked")
                    Map<String, ?> typed = (Map<String, ?>) entry;
                    b.logHistory.add(LogEntry.fromMap(typed));
                } catch (IllegalArgumentException e) {
                    throw new CheckpointException(
                            "trainer state " + source + ": log_history[" + i + "]: " + e.getMessage(), e);
                }
            }
        }
        Object callbacks = map.get("stateful_callbacks");
        if (callbacks != null) {
            if (!(callbacks instanceof Map<?, ?> cb)) {
                throw f.wrongType("stateful_callbacks", "an object", callbacks);
            }
            cb.forEach((k, v) -> b.statefulCallbacks.put((String) k, v));
        }
        return b.build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainerState other && toMap().equals(other.toMap());
    }

    @Override
    public int hashCode() {
        return toMap().hashCode();
    }

    @Override
    public String toString() {
        return "TrainerState{global_step=" + globalStep + ", max_steps=" + maxSteps + ", epoch=" + epoch
                + ", log_history=" + logHistory.size() + " entries}";
    }

    /** Typed access to the parsed fields with messages naming the file and the field. */
    private record Fields(Map<?, ?> map, String source) {
        Double optionalDouble(String key) {
            Object v = map.get(key);
            if (v == null) {
                return null;
            }
            if (!(v instanceof Number n)) {
                throw wrongType(key, "a number", v);
            }
            return n.doubleValue();
        }

        Integer optionalInteger(String key) {
            Object v = map.get(key);
            if (v == null) {
                return null;
            }
            if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
                return l.intValue();
            }
            if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE) {
                return d.intValue(); // transformers writes e.g. "num_train_epochs": 3 but older files 3.0
            }
            throw wrongType(key, "an integer", v);
        }

        int integer(String key, int defaultValue) {
            Integer v = optionalInteger(key);
            return v == null ? defaultValue : v;
        }

        CheckpointException wrongType(String key, String expected, Object value) {
            return new CheckpointException("trainer state " + source + ": field \"" + key + "\" must be " + expected
                    + ", got " + PythonJson.DEFAULTS.dumps(value));
        }
    }

    /** Builds a {@link TrainerState}; defaults are transformers' dataclass defaults. */
    public static final class Builder {
        private Double epoch;
        private int globalStep;
        private int maxSteps;
        private int loggingSteps = 500;
        private int evalSteps = 500;
        private int saveSteps = 500;
        private Integer trainBatchSize;
        private int numTrainEpochs;
        private long numInputTokensSeen;
        private double totalFlos;
        private final List<LogEntry> logHistory = new ArrayList<>();
        private Double bestMetric;
        private Integer bestGlobalStep;
        private String bestModelCheckpoint;
        private final Map<String, Object> statefulCallbacks = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Sets {@code epoch}.
         *
         * @param epoch fractional epoch
         * @return this builder
         */
        public Builder epoch(double epoch) {
            this.epoch = epoch;
            return this;
        }

        /**
         * Sets {@code global_step}.
         *
         * @param globalStep optimizer updates done, at least 0
         * @return this builder
         */
        public Builder globalStep(int globalStep) {
            this.globalStep = nonNegative("global_step", globalStep);
            return this;
        }

        /**
         * Sets {@code max_steps}.
         *
         * @param maxSteps planned updates, at least 0
         * @return this builder
         */
        public Builder maxSteps(int maxSteps) {
            this.maxSteps = nonNegative("max_steps", maxSteps);
            return this;
        }

        /**
         * Sets {@code logging_steps}.
         *
         * @param loggingSteps steps between logs, at least 1
         * @return this builder
         */
        public Builder loggingSteps(int loggingSteps) {
            this.loggingSteps = positive("logging_steps", loggingSteps);
            return this;
        }

        /**
         * Sets {@code eval_steps}.
         *
         * @param evalSteps steps between evaluations, at least 1
         * @return this builder
         */
        public Builder evalSteps(int evalSteps) {
            this.evalSteps = positive("eval_steps", evalSteps);
            return this;
        }

        /**
         * Sets {@code save_steps}.
         *
         * @param saveSteps steps between checkpoints, at least 1
         * @return this builder
         */
        public Builder saveSteps(int saveSteps) {
            this.saveSteps = positive("save_steps", saveSteps);
            return this;
        }

        /**
         * Sets {@code train_batch_size}.
         *
         * @param trainBatchSize per-device batch size, at least 1
         * @return this builder
         */
        public Builder trainBatchSize(int trainBatchSize) {
            this.trainBatchSize = positive("train_batch_size", trainBatchSize);
            return this;
        }

        /**
         * Sets {@code num_train_epochs}.
         *
         * @param numTrainEpochs planned epochs rounded up, at least 0
         * @return this builder
         */
        public Builder numTrainEpochs(int numTrainEpochs) {
            this.numTrainEpochs = nonNegative("num_train_epochs", numTrainEpochs);
            return this;
        }

        /**
         * Sets {@code num_input_tokens_seen}.
         *
         * @param tokens tokens fed so far, at least 0
         * @return this builder
         */
        public Builder numInputTokensSeen(long tokens) {
            if (tokens < 0) {
                throw new IllegalArgumentException("num_input_tokens_seen must be >= 0, got " + tokens);
            }
            this.numInputTokensSeen = tokens;
            return this;
        }

        /**
         * Sets {@code total_flos}.
         *
         * @param totalFlos floating-point operations so far
         * @return this builder
         */
        public Builder totalFlos(double totalFlos) {
            this.totalFlos = totalFlos;
            return this;
        }

        /**
         * Appends an entry to {@code log_history}.
         *
         * @param entry the entry
         * @return this builder
         */
        public Builder addLog(LogEntry entry) {
            logHistory.add(Objects.requireNonNull(entry, "entry"));
            return this;
        }

        /**
         * Replaces {@code log_history}.
         *
         * @param entries the entries, oldest first
         * @return this builder
         */
        public Builder logHistory(List<LogEntry> entries) {
            logHistory.clear();
            entries.forEach(this::addLog);
            return this;
        }

        /**
         * Sets the best-model tracking fields.
         *
         * @param bestMetric {@code best_metric}, or {@code null}
         * @param bestGlobalStep {@code best_global_step}, or {@code null}
         * @param bestModelCheckpoint {@code best_model_checkpoint}, or {@code null}
         * @return this builder
         */
        public Builder best(Double bestMetric, Integer bestGlobalStep, String bestModelCheckpoint) {
            this.bestMetric = bestMetric;
            this.bestGlobalStep = bestGlobalStep;
            this.bestModelCheckpoint = bestModelCheckpoint;
            return this;
        }

        /**
         * Sets one entry of {@code stateful_callbacks}.
         *
         * @param name callback class name, e.g. {@link #TRAINER_CONTROL}
         * @param state its saved state, e.g. {@link #trainerControlState}
         * @return this builder
         */
        public Builder statefulCallback(String name, Map<String, Object> state) {
            statefulCallbacks.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(state, "state"));
            return this;
        }

        /**
         * Builds the snapshot.
         *
         * @return the state
         */
        public TrainerState build() {
            return new TrainerState(this);
        }

        private static int positive(String field, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(field + " must be >= 1, got " + value);
            }
            return value;
        }

        private static int nonNegative(String field, int value) {
            if (value < 0) {
                throw new IllegalArgumentException(field + " must be >= 0, got " + value);
            }
            return value;
        }
    }
}
