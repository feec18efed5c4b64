package ai.llamafactory.core.optim;

import ai.llamafactory.api.config.LrSchedulerType;
import ai.llamafactory.api.exception.InvalidConfigException;
import java.util.Objects;

/**
 * A learning-rate schedule: the multiplier transformers' {@code get_scheduler} lambdas return for each step,
 * computed in plain Java (no tensors). Immutable; build with {@link #builder(LrSchedulerType, double)}.
 *
 * <p>As with torch's {@code LambdaLR}, {@link #multiplier(long) multiplier(k)} is the factor of the learning rate
 * used by the optimizer step that follows {@code k} completed steps (so step 0 of a warmup uses factor 0). Every
 * parameter group scales by the same factor.
 *
 * <p>Formulas (w = warmup steps, T = total steps, s = step):
 * <ul>
 *   <li>warmup of every type but {@code warmup_stable_decay}: {@code s / max(1, w)} while {@code s < w};</li>
 *   <li>{@code linear}: {@code max(0, (T - s) / max(1, T - w))};</li>
 *   <li>{@code cosine}: {@code max(0, 0.5 (1 + cos(pi * num_cycles * 2 * p)))}, {@code p = (s - w) / max(1, T -
 *       w)};</li>
 *   <li>{@code cosine_with_restarts}: 0 once {@code p >= 1}, else {@code max(0, 0.5 (1 + cos(pi ((num_cycles p) mod
 *       1))))};</li>
 *   <li>{@code polynomial}: {@code ((lr - lr_end) (1 - (s - w) / (T - w))^power + lr_end) / lr}, and
 *       {@code lr_end / lr} after {@code T};</li>
 *   <li>{@code constant}: 1; {@code constant_with_warmup}: 1 after warmup;</li>
 *   <li>{@code inverse_sqrt}: {@code 1 / sqrt((s + timescale - w) / timescale)}, timescale defaulting to {@code w} or
 *       10000;</li>
 *   <li>{@code cosine_with_min_lr}: the cosine factor {@code f} mapped to {@code max(0, f (1 - r) + r)},
 *       {@code r = min_lr_rate} or {@code min_lr / lr};</li>
 *   <li>{@code warmup_stable_decay}: warmup curve mapped to {@code [min_lr_ratio, 1]}, then 1 for
 *       {@code num_stable_steps}, then the decay curve mapped to {@code [min_lr_ratio, 1]} over
 *       {@code num_decay_steps}, then {@code min_lr_ratio}. Missing {@code num_stable_steps} default to
 *       {@code (T - w) // 3} and missing {@code num_decay_steps} to {@code (T - w) - (T - w) // 3}, as LLaMA-Factory's
 *       {@code create_custom_scheduler} fills them.</li>
 * </ul>
 * Warmup steps: {@code warmup_steps} when &gt; 0, otherwise {@code ceil(T * warmup_ratio)} as
 * {@code TrainingArguments.get_warmup_steps}.
 */
public final class LrSchedule {
    private final LrSchedulerType type;
    private final double learningRate;
    private final long totalSteps;
    private final long warmupSteps;
    private final double numCycles;
    private final double power;
    private final double lrEnd;
    private final double minLrRate;
    private final long timescale;
    private final long numStableSteps;
    private final long numDecaySteps;
    private final double minLrRatio;
    private final WsdCurve warmupCurve;
    private final WsdCurve decayCurve;

    private LrSchedule(Builder b) {
        this.type = b.type;
        if (type == LrSchedulerType.REDUCE_LR_ON_PLATEAU) {
            throw new InvalidConfigException("lr_scheduler_type: reduce_lr_on_plateau is not supported; use one of "
                    + "linear, cosine, cosine_with_restarts, polynomial, constant, constant_with_warmup, inverse_sqrt, "
                    + "cosine_with_min_lr, warmup_stable_decay");
        }
        this.learningRate = b.learningRate;
        boolean needsTotal =
                switch (type) {
                    case CONSTANT, CONSTANT_WITH_WARMUP, INVERSE_SQRT -> false;
                    case WARMUP_STABLE_DECAY -> b.numStableSteps == null || b.numDecaySteps == null;
                    default -> true;
                };
        if (b.totalSteps != null && b.totalSteps < 0) {
            throw new InvalidConfigException("num_training_steps: must be >= 0, got " + b.totalSteps);
        }
        if (needsTotal && b.totalSteps == null) {
            throw new InvalidConfigException("lr_scheduler_type " + type.key()
                    + " needs the number of training steps (max_steps or epochs x steps per epoch)");
        }
        this.totalSteps = b.totalSteps == null ? -1 : b.totalSteps;
        this.warmupSteps = resolveWarmupSteps(b.warmupSteps, b.warmupRatio, b.totalSteps);
        this.numCycles = b.numCycles != null ? b.numCycles : type == LrSchedulerType.COSINE_WITH_RESTARTS ? 1.0 : 0.5;
        if (!Double.isFinite(numCycles)) {
            throw new InvalidConfigException("num_cycles: must be finite, got " + numCycles);
        }
        this.power = b.power != null ? b.power : 1.0;
        this.lrEnd = b.lrEnd != null ? b.lrEnd : 1e-7;
        if (type == LrSchedulerType.POLYNOMIAL) {
            if (!(learningRate > lrEnd)) {
                throw new InvalidConfigException(
                        "lr_end (" + lrEnd + ") must be smaller than the initial lr (" + learningRate + ")");
            }
            if (totalSteps <= warmupSteps) {
                throw new InvalidConfigException("polynomial schedule: num_training_steps (" + totalSteps
                        + ") must exceed the warmup steps (" + warmupSteps + ")");
            }
        }
        if (type == LrSchedulerType.COSINE_WITH_MIN_LR) {
            if (b.minLr != null && b.minLrRate != null) {
                throw new InvalidConfigException("cosine_with_min_lr: set only one of min_lr or min_lr_rate");
            }
            if (b.minLr == null && b.minLrRate == null) {
                throw new InvalidConfigException(
                        "cosine_with_min_lr: one of min_lr or min_lr_rate must be set in " + "lr_scheduler_kwargs");
            }
            this.minLrRate = b.minLr != null ? b.minLr / learningRate : b.minLrRate;
        } else {
            this.minLrRate = 0.0;
        }
        this.timescale = b.timescale != null ? b.timescale : warmupSteps != 0 ? warmupSteps : 10_000;
        if (timescale <= 0) {
            throw new InvalidConfigException("timescale: must be > 0, got " + timescale);
        }
        long remaining = totalSteps - warmupSteps;
        this.numStableSteps = b.numStableSteps != null ? b.numStableSteps : Math.floorDiv(remaining, 3);
        this.numDecaySteps = b.numDecaySteps != null ? b.numDecaySteps : remaining - Math.floorDiv(remaining, 3);
        if (type == LrSchedulerType.WARMUP_STABLE_DECAY && (numStableSteps < 0 || numDecaySteps < 0)) {
            throw new InvalidConfigException("warmup_stable_decay: num_stable_steps (" + numStableSteps
                    + ") and num_decay_steps (" + numDecaySteps + ") must be >= 0");
        }
        this.minLrRatio = b.minLrRatio != null ? b.minLrRatio : 0.0;
        this.warmupCurve = b.warmupCurve;
        this.decayCurve = b.decayCurve;
    }

    /**
     * Starts a builder.
     *
     * @param type the schedule
     * @param learningRate the peak learning rate ({@code learning_rate}, checked finite and &gt;= 0 by {@link
     *     ai.llamafactory.api.config.TrainingArguments#LEARNING_RATE})
     * @return a builder with no warmup and transformers' defaults for the type-specific options
     */
    public static Builder builder(LrSchedulerType type, double learningRate) {
        return new Builder(type, learningRate);
    }

    /**
     * transformers' {@code TrainingArguments.get_warmup_steps}.
     *
     * @param warmupSteps {@code warmup_steps}; used when &gt; 0
     * @param warmupRatio {@code warmup_ratio} in [0, 1]
     * @param totalSteps the number of training steps, or null when unknown (then the ratio must be 0)
     * @return {@code warmupSteps > 0 ? warmupSteps : ceil(totalSteps * warmupRatio)}
     * @throws InvalidConfigException if a value is out of range or a ratio is given without a total
     */
    public static long resolveWarmupSteps(long warmupSteps, double warmupRatio, Long totalSteps) {
        if (warmupSteps < 0) {
            throw new InvalidConfigException("warmup_steps: must be >= 0, got " + warmupSteps);
        }
        if (!(warmupRatio >= 0 && warmupRatio <= 1)) {
            throw new InvalidConfigException("warmup_ratio: must be in [0, 1], got " + warmupRatio);
        }
        if (warmupSteps > 0) {
            return warmupSteps;
        }
        if (warmupRatio == 0) {
            return 0;
        }
        if (totalSteps == null) {
            throw new InvalidConfigException(
                    "warmup_ratio " + warmupRatio + " needs the number of training steps to be known");
        }
        return (long) Math.ceil(totalSteps * warmupRatio);
    }

    /** @return the schedule type */
    public LrSchedulerType type() {
        return type;
    }

    /** @return the peak learning rate */
    public double learningRate() {
        return learningRate;
    }

    /** @return the number of training steps, -1 when not given (constant schedules) */
    public long totalSteps() {
        return totalSteps;
    }

    /** @return the resolved number of warmup steps */
    public long warmupSteps() {
        return warmupSteps;
    }

    /** @return the resolved stable-phase length of {@code warmup_stable_decay} */
    public long numStableSteps() {
        return numStableSteps;
    }

    /** @return the resolved decay-phase length of {@code warmup_stable_decay} */
    public long numDecaySteps() {
        return numDecaySteps;
    }

    /**
     * The learning rate after {@code step} completed optimizer steps.
     *
     * @param step completed steps, &gt;= 0
     * @return {@code learningRate * multiplier(step)}
     */
    public double learningRate(long step) {
        return learningRate * multiplier(step);
    }

    /**
     * The factor transformers' schedule lambda returns for {@code step}.
     *
     * @param step completed steps, &gt;= 0
     * @return the multiplier of the peak learning rate
     * @throws IllegalArgumentException if the step is negative
     */
    public double multiplier(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        double s = step;
        switch (type) {
            case CONSTANT:
                return 1.0;
            case CONSTANT_WITH_WARMUP:
                return step < warmupSteps ? s / Math.max(1.0, warmupSteps) : 1.0;
            case WARMUP_STABLE_DECAY:
                return warmupStableDecay(step);
            default:
                break;
        }
        if (step < warmupSteps) {
            return s / Math.max(1, warmupSteps);
        }
        switch (type) {
            case LINEAR:
                return Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
            case COSINE:
                return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * numCycles * 2.0 * progress(step))));
            case COSINE_WITH_RESTARTS: {
                double p = progress(step);
                if (p >= 1.0) {
                    return 0.0;
                }
                return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * ((numCycles * p) % 1.0))));
            }
            case POLYNOMIAL: {
                if (step > totalSteps) {
                    return lrEnd / learningRate;
                }
                double lrRange = learningRate - lrEnd;
                long decaySteps = totalSteps - warmupSteps;
                double pctRemaining = 1 - (double) (step - warmupSteps) / decaySteps;
                double decay = lrRange * Math.pow(pctRemaining, power) + lrEnd;
                return decay / learningRate;
            }
            case INVERSE_SQRT: {
                long shift = timescale - warmupSteps;
                return 1.0 / Math.sqrt((double) (step + shift) / timescale);
            }
            case COSINE_WITH_MIN_LR: {
                double factor = 0.5 * (1.0 + Math.cos(Math.PI * numCycles * 2.0 * progress(step)));
                factor = factor * (1 - minLrRate) + minLrRate;
                return Math.max(0, factor);
            }
            default:
                throw new IllegalStateException("unhandled schedule " + type);
        }
    }

    private double progress(long step) {
        return (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
    }

    private double warmupStableDecay(long step) {
        if (step < warmupSteps) {
            double p = (double) step / Math.max(1, warmupSteps);
            double factor =
                    switch (warmupCurve) {
                        case LINEAR -> p;
                        case COSINE -> 0.5 * (1.0 - Math.cos(Math.PI * p));
                        case ONE_MINUS_SQRT -> 1.0 - Math.sqrt(1.0 - p);
                    };
            return Math.max(0.0, factor * (1.0 - minLrRatio) + minLrRatio);
        }
        if (step < warmupSteps + numStableSteps) {
            return 1.0;
        }
        if (step < warmupSteps + numStableSteps + numDecaySteps) {
            double p = (double) (step - warmupSteps - numStableSteps) / Math.max(1, numDecaySteps);
            double factor =
                    switch (decayCurve) {
                        case LINEAR -> 1.0 - p;
                        case COSINE -> 0.5 * (1.0 + Math.cos(Math.PI * numCycles * 2.0 * p));
                        case ONE_MINUS_SQRT -> 1.0 - Math.sqrt(p);
                    };
            return Math.max(0.0, factor * (1.0 - minLrRatio) + minLrRatio);
        }
        return minLrRatio;
    }

    @Override
    public String toString() {
        return "LrSchedule{" + type.key() + ", lr=" + learningRate + ", num_training_steps=" + totalSteps
                + ", warmup_steps=" + warmupSteps + "}";
    }

    /** Builder for {@link LrSchedule}. Options that do not apply to the chosen type are ignored. */
    public static final class Builder {
        private final LrSchedulerType type;
        private final double learningRate;
        private Long totalSteps;
        private long warmupSteps;
        private double warmupRatio;
        private Double numCycles;
        private Double power;
        private Double lrEnd;
        private Double minLr;
        private Double minLrRate;
        private Long timescale;
        private Long numStableSteps;
        private Long numDecaySteps;
        private Double minLrRatio;
        private WsdCurve warmupCurve = WsdCurve.LINEAR;
        private WsdCurve decayCurve = WsdCurve.COSINE;

        private Builder(LrSchedulerType type, double learningRate) {
            this.type = Objects.requireNonNull(type, "type");
            this.learningRate = learningRate;
        }

        /**
         * @param steps the number of optimizer steps of the whole run
         * @return this builder
         */
        public Builder totalSteps(long steps) {
            this.totalSteps = steps;
            return this;
        }

        /**
         * @param steps {@code warmup_steps}; takes precedence over the ratio when &gt; 0
         * @return this builder
         */
        public Builder warmupSteps(long steps) {
            this.warmupSteps = steps;
            return this;
        }

        /**
         * @param ratio {@code warmup_ratio}: warmup = {@code ceil(total * ratio)} unless warmup steps are set
         * @return this builder
         */
        public Builder warmupRatio(double ratio) {
            this.warmupRatio = ratio;
            return this;
        }

        /**
         * @param cycles {@code num_cycles} (cosine 0.5, cosine_with_restarts 1, warmup_stable_decay 0.5 by default)
         * @return this builder
         */
        public Builder numCycles(double cycles) {
            this.numCycles = cycles;
            return this;
        }

        /**
         * @param value {@code power} of the polynomial decay (1.0 by default)
         * @return this builder
         */
        public Builder power(double value) {
            this.power = value;
            return this;
        }

        /**
         * @param value {@code lr_end} of the polynomial decay (1e-7 by default)
         * @return this builder
         */
        public Builder lrEnd(double value) {
            this.lrEnd = value;
            return this;
        }

        /**
         * @param value {@code min_lr} of cosine_with_min_lr (absolute)
         * @return this builder
         */
        public Builder minLr(double value) {
            this.minLr = value;
            return this;
        }

        /**
         * @param value {@code min_lr_rate} of cosine_with_min_lr (fraction of the learning rate)
         * @return this builder
         */
        public Builder minLrRate(double value) {
            this.minLrRate = value;
            return this;
        }

        /**
         * @param value {@code timescale} of inverse_sqrt (default: the warmup steps, or 10000 without warmup)
         * @return this builder
         */
        public Builder timescale(long value) {
            this.timescale = value;
            return this;
        }

        /**
         * @param steps {@code num_stable_steps} of warmup_stable_decay
         * @return this builder
         */
        public Builder numStableSteps(long steps) {
            this.numStableSteps = steps;
            return this;
        }

        /**
         * @param steps {@code num_decay_steps} of warmup_stable_decay
         * @return this builder
         */
        public Builder numDecaySteps(long steps) {
            this.numDecaySteps = steps;
            return this;
        }

        /**
         * Applies transformers' {@code lr_scheduler_kwargs}: {@code num_cycles}, {@code power}, {@code lr_end},
         * {@code min_lr}, {@code min_lr_rate}, {@code timescale}, {@code num_stable_steps}, {@code num_decay_steps},
         * {@code min_lr_ratio}, {@code warmup_type}, {@code decay_type}.
         *
         * @param kwargs option name to value (numbers, or a curve name for the two types)
         * @return this builder
         * @throws InvalidConfigException naming an option this library does not know, or a value of the wrong type
         */
        public Builder kwargs(java.util.Map<String, ?> kwargs) {
            for (java.util.Map.Entry<String, ?> e : kwargs.entrySet()) {
                String k = e.getKey();
                Object v = e.getValue();
                switch (k) {
                    case "num_cycles" -> numCycles(number(k, v));
                    case "power" -> power(number(k, v));
                    case "lr_end" -> lrEnd(number(k, v));
                    case "min_lr" -> minLr(number(k, v));
                    case "min_lr_rate" -> minLrRate(number(k, v));
                    case "timescale" -> timescale((long) number(k, v));
                    case "num_stable_steps" -> numStableSteps((long) number(k, v));
                    case "num_decay_steps" -> numDecaySteps((long) number(k, v));
                    case "min_lr_ratio" -> minLrRatio(number(k, v));
                    case "warmup_type" -> warmupCurve(
                            WsdCurve.fromKey("lr_scheduler_kwargs.warmup_type", String.valueOf(v)));
                    case "decay_type" -> decayCurve(
                            WsdCurve.fromKey("lr_scheduler_kwargs.decay_type", String.valueOf(v)));
                    default -> throw new InvalidConfigException("lr_scheduler_kwargs: unknown option '" + k
                            + "' for lr_scheduler_type " + type.key() + "; known: num_cycles, power, lr_end, min_lr, "
                            + "min_lr_rate, timescale, num_stable_steps, num_decay_steps, min_lr_ratio, warmup_type, "
                            + "decay_type");
                }
            }
            return this;
        }

        private static double number(String key, Object value) {
            if (value instanceof Number n) {
                return n.doubleValue();
            }
            try {
                return Double.parseDouble(String.valueOf(value).trim());
            } catch (NumberFormatException e) {
                throw new InvalidConfigException(
                        "lr_scheduler_kwargs: " + key + " must be a number, got '" + value + "'");
            }
        }

        /**
         * @param ratio {@code min_lr_ratio} of warmup_stable_decay (0 by default)
         * @return this builder
         */
        public Builder minLrRatio(double ratio) {
            this.minLrRatio = ratio;
            return this;
        }

        /**
         * @param curve {@code warmup_type} of warmup_stable_decay (linear by default)
         * @return this builder
         */
        public Builder warmupCurve(WsdCurve curve) {
            this.warmupCurve = Objects.requireNonNull(curve, "warmup_type");
            return this;
        }

        /**
         * @param curve {@code decay_type} of warmup_stable_decay (cosine by default)
         * @return this builder
         */
        public Builder decayCurve(WsdCurve curve) {
            this.decayCurve = Objects.requireNonNull(curve, "decay_type");
            return this;
        }

        /**
         * @return the validated schedule
         * @throws InvalidConfigException if a required value is missing or a value is out of range
         */
        public LrSchedule build() {
            return new LrSchedule(this);
        }
    }
}
