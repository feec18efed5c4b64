package ai.llamafactory.core.train.output;

import ai.llamafactory.data.json.PythonFloats;
import ai.llamafactory.data.json.PythonJson;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One element of {@code TrainerState.log_history}: the key/value pairs that the Hugging Face Trainer appends each
 * time it logs, always ending with {@code step}. The three kinds the trainer writes:
 * <ul>
 *   <li>training logs, every {@code logging_steps}: {@code loss} (mean over the steps since the last log, rounded
 *       to 4 decimals), {@code grad_norm}, {@code learning_rate}, {@code epoch}, {@code step};</li>
 *   <li>evaluation logs: {@code eval_loss}, further {@code eval_*} metrics ({@code eval_accuracy}),
 *       {@code eval_runtime}, {@code eval_samples_per_second}, {@code eval_steps_per_second}, {@code epoch},
 *       {@code step};</li>
 *   <li>the end-of-training log: {@code train_runtime}, {@code train_samples_per_second},
 *       {@code train_steps_per_second}, {@code total_flos}, {@code train_loss}, {@code epoch}, {@code step}.</li>
 * </ul>
 *
 * <p>Values keep their Python type through the boxed Java type: {@link Double} for floats, {@link Long} or
 * {@link Integer} for ints, {@link String}. Entries are immutable; the key order is the order of insertion (files
 * are written with sorted keys, as transformers does).
 */
public final class LogEntry {
    /** {@code step}: the global step at which the entry was logged. */
    public static final String STEP = "step";
    /** {@code epoch}: fractional epoch at the time of the log. */
    public static final String EPOCH = "epoch";
    /** {@code loss}: training loss averaged since the previous training log. */
    public static final String LOSS = "loss";
    /** {@code grad_norm}: global gradient norm before clipping. */
    public static final String GRAD_NORM = "grad_norm";
    /** {@code learning_rate}: learning rate used by the last optimizer step. */
    public static final String LEARNING_RATE = "learning_rate";
    /** {@code eval_loss}: mean loss over the evaluation set. */
    public static final String EVAL_LOSS = "eval_loss";
    /** {@code eval_accuracy}: token accuracy over the evaluation set ({@code compute_accuracy}). */
    public static final String EVAL_ACCURACY = "eval_accuracy";
    /** {@code train_runtime}: present only in the end-of-training entry. */
    public static final String TRAIN_RUNTIME = "train_runtime";
    /** {@code num_input_tokens_seen}: written when {@code include_num_input_tokens_seen} is on. */
    public static final String NUM_INPUT_TOKENS_SEEN = "num_input_tokens_seen";

    private final Map<String, Object> values;

    private LogEntry(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * A training log as {@code Trainer._maybe_log_save_evaluate} writes it.
     *
     * @param step global step
     * @param epoch fractional epoch ({@code state.epoch})
     * @param loss mean training loss since the last log; rounded to 4 decimals here, as the trainer does
     * @param gradNorm gradient norm before clipping, or {@code null} when clipping is off
     * @param learningRate the learning rate of the last step
     * @return the entry
     */
    public static LogEntry training(int step, double epoch, double loss, Double gradNorm, double learningRate) {
        Builder b = builder().put(LOSS, PythonFloats.round(loss, 4));
        if (gradNorm != null) {
            b.put(GRAD_NORM, gradNorm);
        }
        return b.put(LEARNING_RATE, learningRate).epoch(epoch).step(step);
    }

    /**
     * An entry from arbitrary metrics, followed by {@code epoch} and {@code step} as {@code Trainer.log} adds them.
     *
     * @param metrics the logged values in order (numbers, strings)
     * @param epoch fractional epoch, or {@code null} to leave it out
     * @param step global step
     * @return the entry
     */
    public static LogEntry of(Map<String, ?> metrics, Double epoch, int step) {
        Builder b = builder();
        metrics.forEach(b::put);
        if (epoch != null) {
            b.put(EPOCH, epoch);
        }
        return b.step(step);
    }

    /**
     * Creates an entry from a parsed {@code log_history} element.
     *
     * @param values the keys and values; must hold an integer {@code step}
     * @return the entry
     * @throws IllegalArgumentException if {@code step} is missing or not an integer
     */
    public static LogEntry fromMap(Map<String, ?> values) {
        Object step = values.get(STEP);
        if (!(step instanceof Long || step instanceof Integer)) {
            throw new IllegalArgumentException("log entry without an integer \"step\": " + values);
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(k, k.equals(STEP) ? Integer.valueOf(((Number) v).intValue()) : v));
        return new LogEntry(copy);
    }

    /**
     * Starts an entry.
     *
     * @return a builder; {@link Builder#step} finishes it
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The global step.
     *
     * @return {@code step}
     */
    public int step() {
        return ((Number) values.get(STEP)).intValue();
    }

    /**
     * The fractional epoch, when logged.
     *
     * @return {@code epoch}
     */
    public OptionalDouble epoch() {
        return number(EPOCH);
    }

    /**
     * Whether the entry holds a key.
     *
     * @param key e.g. {@code eval_loss}
     * @return true if present
     */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /**
     * A value.
     *
     * @param key e.g. {@code loss}
     * @return the value, if present
     */
    public Optional<Object> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /**
     * A numeric value.
     *
     * @param key e.g. {@code loss}
     * @return the value as a double, if present and numeric
     */
    public OptionalDouble number(String key) {
        Object v = values.get(key);
        return v instanceof Number n ? OptionalDouble.of(n.doubleValue()) : OptionalDouble.empty();
    }

    /**
     * All values in insertion order.
     *
     * @return an unmodifiable map
     */
    public Map<String, Object> values() {
        return values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogEntry other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return PythonJson.DEFAULTS.dumps(values);
    }

    /** Builds a {@link LogEntry}; keys keep the order in which they are put. */
    public static final class Builder {
        private final Map<String, Object> values = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Adds a value.
         *
         * @param key the key
         * @param value a {@link Number} (boxed type decides int or float), {@link String} or {@link Boolean}
         * @return this builder
         */
        public Builder put(String key, Object value) {
            Objects.requireNonNull(key, "key");
            if (key.equals(STEP)) {
                throw new IllegalArgumentException("set \"step\" with step(int), which finishes the entry");
            }
            if (!(value instanceof Number || value instanceof String || value instanceof Boolean)) {
                throw new IllegalArgumentException(
                        "log value for \"" + key + "\" must be a number, string or " + "boolean, got " + value);
            }
            values.put(key, value);
            return this;
        }

        /**
         * Adds {@code epoch}.
         *
         * @param epoch fractional epoch
         * @return this builder
         */
        public Builder epoch(double epoch) {
            return put(EPOCH, epoch);
        }

        /**
         * Adds {@code step} last and builds the entry.
         *
         * @param step global step
         * @return the entry
         */
        public LogEntry step(int step) {
            Map<String, Object> copy = new LinkedHashMap<>(values);
            copy.remove(STEP);
            copy.put(STEP, step);
            return new LogEntry(copy);
        }
    }
}
