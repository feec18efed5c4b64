package ai.llamafactory.api.config;

import static ai.llamafactory.api.config.Key.closed;
import static ai.llamafactory.api.config.Key.halfOpen;
import static ai.llamafactory.api.config.Key.nonNegative;
import static ai.llamafactory.api.config.Key.nonNegativeInt;
import static ai.llamafactory.api.config.Key.positive;
import static ai.llamafactory.api.config.Key.positiveInt;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * How training runs: the transformers {@code TrainingArguments} that LLaMA-Factory uses (and its
 * {@code early_stopping_steps}). Immutable; build with {@link #builder()}. Defaults equal transformers'.
 *
 * <p>Step counts are whole numbers here; transformers' fractional {@code logging_steps}/{@code save_steps} (a ratio of
 * the total) are rejected, and a fractional {@code warmup_steps} below 1 in a file is read as {@code warmup_ratio}. Each setting is declared once, as a {@link Key}
 * constant below; accessors and builder methods read and write through it.
 */
public final class TrainingArguments {
    private static final Key.Group KEYS = new Key.Group();

    /** {@code output_dir}. */
    public static final Key<Path> OUTPUT_DIR = KEYS.add(Key.of(
                    "output_dir",
                    ValueType.PATH,
                    Path.of("trainer_output"),
                    "the folder checkpoints, logs and the final model are written to")
            .check("not empty", Key.require(v -> !v.toString().isBlank(), v -> "must not be empty")));
    /** {@code overwrite_output_dir}. */
    public static final Key<Boolean> OVERWRITE_OUTPUT_DIR = KEYS.add(Key.of(
            "overwrite_output_dir",
            ValueType.BOOLEAN,
            false,
            "whether an existing output folder is reused instead of resuming from its last checkpoint"));
    /** {@code do_train}. */
    public static final Key<Boolean> DO_TRAIN =
            KEYS.add(Key.of("do_train", ValueType.BOOLEAN, false, "whether the model is trained"));
    /** {@code do_eval}. */
    public static final Key<Boolean> DO_EVAL =
            KEYS.add(Key.of("do_eval", ValueType.BOOLEAN, false, "whether the model is evaluated"));
    /** {@code do_predict}. */
    public static final Key<Boolean> DO_PREDICT = KEYS.add(
            Key.of("do_predict", ValueType.BOOLEAN, false, "whether predictions are written for the evaluation set"));
    /** {@code num_train_epochs}. */
    public static final Key<Double> NUM_TRAIN_EPOCHS = KEYS.add(Key.of(
            "num_train_epochs",
            ValueType.DOUBLE,
            3.0,
            "the number of passes over the training set (fractions allowed)"));
    /** {@code max_steps}. */
    public static final Key<Integer> MAX_STEPS = KEYS.add(Key.of(
                    "max_steps",
                    ValueType.INTEGER,
                    -1,
                    "the number of optimizer steps; overrides {@code num_train_epochs} when positive")
            .check(
                    "-1 or > 0",
                    Key.require(
                            v -> v == -1 || v > 0,
                            v -> "must be -1 (train for num_train_epochs) or a positive number of steps, got " + v)));
    /** {@code per_device_train_batch_size}. */
    public static final Key<Integer> PER_DEVICE_TRAIN_BATCH_SIZE =
            KEYS.add(Key.of("per_device_train_batch_size", ValueType.INTEGER, 8, "the training micro-batch size")
                    .check("> 0", positiveInt()));
    /** {@code per_device_eval_batch_size}. */
    public static final Key<Integer> PER_DEVICE_EVAL_BATCH_SIZE =
            KEYS.add(Key.of("per_device_eval_batch_size", ValueType.INTEGER, 8, "the evaluation batch size")
                    .check("> 0", positiveInt()));
    /** {@code gradient_accumulation_steps}. */
    public static final Key<Integer> GRADIENT_ACCUMULATION_STEPS = KEYS.add(Key.of(
                    "gradient_accumulation_steps",
                    ValueType.INTEGER,
                    1,
                    "the number of micro-batches per optimizer step")
            .check("> 0", positiveInt()));
    /** {@code learning_rate}. */
    public static final Key<Double> LEARNING_RATE =
            KEYS.add(Key.of("learning_rate", ValueType.DOUBLE, 5.0e-5, "the peak learning rate")
                    // the one learning-rate rule: transformers documents none, the optimizers accept 0 (no update)
                    .check(">= 0", nonNegative()));
    /** {@code weight_decay}. */
    public static final Key<Double> WEIGHT_DECAY =
            KEYS.add(Key.of("weight_decay", ValueType.DOUBLE, 0.0, "the decoupled weight decay")
                    .check(">= 0", nonNegative()));
    /** {@code adam_beta1}. */
    public static final Key<Double> ADAM_BETA1 =
            KEYS.add(Key.of("adam_beta1", ValueType.DOUBLE, 0.9, "Adam's beta1").check("in [0, 1)", halfOpen(0, 1)));
    /** {@code adam_beta2}. */
    public static final Key<Double> ADAM_BETA2 = KEYS.add(
            Key.of("adam_beta2", ValueType.DOUBLE, 0.999, "Adam's beta2").check("in [0, 1)", halfOpen(0, 1)));
    /** {@code adam_epsilon}. */
    public static final Key<Double> ADAM_EPSILON = KEYS.add(
            Key.of("adam_epsilon", ValueType.DOUBLE, 1.0e-8, "Adam's epsilon").check("> 0", positive()));
    /** {@code max_grad_norm}. */
    public static final Key<Double> MAX_GRAD_NORM = KEYS.add(
            Key.of("max_grad_norm", ValueType.DOUBLE, 1.0, "the gradient-norm clipping threshold; 0 disables clipping")
                    .check(">= 0", nonNegative()));
    /** {@code lr_scheduler_type}. */
    public static final Key<LrSchedulerType> LR_SCHEDULER_TYPE = KEYS.add(Key.of(
            "lr_scheduler_type",
            ValueType.ofEnum(LrSchedulerType.class, LrSchedulerType::key, LrSchedulerType::fromKey),
            LrSchedulerType.LINEAR,
            "the learning-rate schedule"));
    /** {@code lr_scheduler_kwargs}. */
    public static final Key<Map<String, Object>> LR_SCHEDULER_KWARGS = KEYS.add(Key.of(
                    "lr_scheduler_kwargs",
                    ValueType.MAP,
                    Map.of(),
                    "extra parameters of the schedule, e.g. {@code num_cycles}, {@code min_lr_rate}")
            .nullable());
    /** {@code warmup_ratio}. */
    public static final Key<Double> WARMUP_RATIO = KEYS.add(
            Key.of("warmup_ratio", ValueType.DOUBLE, 0.0, "the fraction of the training steps used for linear warm-up")
                    .check("in [0, 1]", closed(0, 1)));
    /** {@code warmup_steps}. */
    public static final Key<Integer> WARMUP_STEPS = KEYS.add(Key.of(
                    "warmup_steps",
                    ValueType.INTEGER,
                    0,
                    "the number of warm-up steps; overrides {@code warmup_ratio} when positive")
            .check(">= 0", nonNegativeInt()));
    /** {@code optim}. */
    public static final Key<OptimizerType> OPTIM = KEYS.add(Key.of(
            "optim",
            ValueType.ofEnum(OptimizerType.class, OptimizerType::key, OptimizerType::fromKey),
            OptimizerType.ADAMW_TORCH,
            "the optimizer"));
    /** {@code logging_strategy}. */
    public static final Key<IntervalStrategy> LOGGING_STRATEGY = KEYS.add(Key.of(
            "logging_strategy",
            ValueType.ofEnum(IntervalStrategy.class, IntervalStrategy::key, IntervalStrategy::fromKey),
            IntervalStrategy.STEPS,
            "when training metrics are logged"));
    /** {@code logging_steps}. */
    public static final Key<Integer> LOGGING_STEPS =
            KEYS.add(Key.of("logging_steps", ValueType.INTEGER, 500, "the number of steps between logs")
                    .check("> 0", positiveInt()));
    /** {@code logging_first_step}. */
    public static final Key<Boolean> LOGGING_FIRST_STEP =
            KEYS.add(Key.of("logging_first_step", ValueType.BOOLEAN, false, "whether the first step is logged too"));
    /** {@code save_strategy}. */
    public static final Key<SaveStrategy> SAVE_STRATEGY = KEYS.add(Key.of(
            "save_strategy",
            ValueType.ofEnum(SaveStrategy.class, SaveStrategy::key, SaveStrategy::fromKey),
            SaveStrategy.STEPS,
            "when checkpoints are saved"));
    /** {@code save_steps}. */
    public static final Key<Integer> SAVE_STEPS =
            KEYS.add(Key.of("save_steps", ValueType.INTEGER, 500, "the number of steps between checkpoints")
                    .check("> 0", positiveInt()));
    /** {@code save_total_limit}. */
    public static final Key<Integer> SAVE_TOTAL_LIMIT = KEYS.add(Key.of(
                    "save_total_limit",
                    ValueType.INTEGER,
                    null,
                    "the number of checkpoints kept (the oldest are deleted)")
            .check("> 0", positiveInt()));
    /** {@code save_only_model}. */
    public static final Key<Boolean> SAVE_ONLY_MODEL = KEYS.add(Key.of(
                    "save_only_model",
                    ValueType.BOOLEAN,
                    false,
                    "whether checkpoints omit optimizer, scheduler and RNG state (they cannot be resumed)")
            .unsupported("checkpoints always hold the optimizer and scheduler state, which exact resumption needs"));
    /** {@code eval_strategy}. */
    public static final Key<IntervalStrategy> EVAL_STRATEGY = KEYS.add(Key.of(
            "eval_strategy",
            ValueType.ofEnum(IntervalStrategy.class, IntervalStrategy::key, IntervalStrategy::fromKey),
            IntervalStrategy.NO,
            "when the model is evaluated during training"));
    /** {@code eval_steps}. */
    public static final Key<Integer> EVAL_STEPS = KEYS.add(Key.of(
                    "eval_steps",
                    ValueType.INTEGER,
                    null,
                    "the number of steps between evaluations; none means {@code logging_steps}")
            .check("> 0", positiveInt()));
    /** {@code load_best_model_at_end}. */
    public static final Key<Boolean> LOAD_BEST_MODEL_AT_END = KEYS.add(
            Key.of(
                            "load_best_model_at_end",
                            ValueType.BOOLEAN,
                            false,
                            "whether the best checkpoint is loaded when training ends")
                    .unsupported(
                            "not implemented yet; the output is the model of the last step (early_stopping_steps stops on eval_loss)"));
    /** {@code metric_for_best_model}. */
    public static final Key<String> METRIC_FOR_BEST_MODEL = KEYS.add(Key.of(
                    "metric_for_best_model",
                    ValueType.STRING,
                    null,
                    "the evaluation metric that decides the best checkpoint; none means {@code loss}")
            .unsupported("choosing the metric is not implemented yet; the best checkpoint is judged by eval_loss"));
    /** {@code greater_is_better}. */
    public static final Key<Boolean> GREATER_IS_BETTER = KEYS.add(Key.of(
                    "greater_is_better",
                    ValueType.BOOLEAN,
                    null,
                    "whether a larger {@code metric_for_best_model} is better; none means false for losses")
            .unsupported("only used with metric_for_best_model, which is not supported yet"));
    /** {@code seed}. */
    public static final Key<Integer> SEED = KEYS.add(Key.of("seed", ValueType.INTEGER, 42, "the random seed"));
    /** {@code data_seed}. */
    public static final Key<Integer> DATA_SEED =
            KEYS.add(Key.of("data_seed", ValueType.INTEGER, null, "the seed of data sampling; none means {@code seed}")
                    .unsupported("the data order is set by seed"));
    /** {@code resume_from_checkpoint}. */
    public static final Key<Path> RESUME_FROM_CHECKPOINT =
            KEYS.add(Key.of("resume_from_checkpoint", ValueType.PATH, null, "the checkpoint folder to resume from"));
    /** {@code neftune_noise_alpha}. */
    public static final Key<Double> NEFTUNE_NOISE_ALPHA = KEYS.add(Key.of(
                    "neftune_noise_alpha",
                    ValueType.DOUBLE,
                    null,
                    "NEFTune: the scale of the uniform noise added to embeddings in training")
            .check("> 0", positive()));
    /** {@code early_stopping_steps}. */
    public static final Key<Integer> EARLY_STOPPING_STEPS = KEYS.add(Key.of(
                    "early_stopping_steps",
                    ValueType.INTEGER,
                    null,
                    "the number of evaluations without improvement of {@code metric_for_best_model} after which training stops")
            .check("> 0", positiveInt()));
    /** {@code bf16}. */
    public static final Key<Boolean> BF16 = KEYS.add(Key.of(
            "bf16",
            ValueType.BOOLEAN,
            false,
            "whether bf16 mixed precision is requested (computed as fp16 on CUDA and fp32 on CPU)"));
    /** {@code fp16}. */
    public static final Key<Boolean> FP16 =
            KEYS.add(Key.of("fp16", ValueType.BOOLEAN, false, "whether fp16 mixed precision is requested"));
    /** {@code predict_with_generate}. */
    public static final Key<Boolean> PREDICT_WITH_GENERATE = KEYS.add(Key.of(
            "predict_with_generate",
            ValueType.BOOLEAN,
            false,
            "whether evaluation generates text and scores it with BLEU/ROUGE (stage {@code sft})"));

    private static final ArgumentGroup<TrainingArguments, Builder> SCHEMA = Settings.schema(
            "train",
            KEYS,
            Builder::new,
            Builder::build,
            TrainingArguments::defaults,
            null,
            a -> a.values,
            b -> b.values);

    private final Settings values;

    private TrainingArguments(Settings values) {
        this.values = values;
        // Rules across keys (transformers' TrainingArguments.__post_init__ and LLaMA-Factory's callbacks).
        Checks.require(
                maxSteps() > 0 || (Double.isFinite(numTrainEpochs()) && numTrainEpochs() > 0),
                "num_train_epochs",
                "must be > 0 when max_steps is not set, got " + numTrainEpochs());
        Checks.require(!(bf16() && fp16()), "fp16", "cannot be combined with bf16; request one mixed precision");
        Checks.require(
                saveStrategy() != SaveStrategy.BEST || values.get(METRIC_FOR_BEST_MODEL) != null,
                "save_strategy",
                "best needs metric_for_best_model");
        Checks.require(
                values.get(EARLY_STOPPING_STEPS) == null || evalStrategy() != IntervalStrategy.NO,
                "early_stopping_steps",
                "needs evaluations: set eval_strategy to steps or epoch");
    }

    /** @return a builder with LLaMA-Factory's defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the arguments with every value at LLaMA-Factory's default */
    public static TrainingArguments defaults() {
        return builder().build();
    }

    /** @return the configuration-file keys of this class */
    static ArgumentGroup<TrainingArguments, Builder> schema() {
        return SCHEMA;
    }

    /** @return a builder initialised with this object's values */
    public Builder toBuilder() {
        return new Builder(values.toBuilder());
    }

    /** @return {@link #OUTPUT_DIR} */
    public Path outputDir() {
        return values.get(OUTPUT_DIR);
    }

    /** @return {@link #OVERWRITE_OUTPUT_DIR} */
    public boolean overwriteOutputDir() {
        return values.get(OVERWRITE_OUTPUT_DIR);
    }

    /** @return {@link #DO_TRAIN} */
    public boolean doTrain() {
        return values.get(DO_TRAIN);
    }

    /** @return {@link #DO_EVAL} */
    public boolean doEval() {
        return values.get(DO_EVAL);
    }

    /** @return {@link #DO_PREDICT} */
    public boolean doPredict() {
        return values.get(DO_PREDICT);
    }

    /** @return {@link #NUM_TRAIN_EPOCHS} */
    public double numTrainEpochs() {
        return values.get(NUM_TRAIN_EPOCHS);
    }

    /** @return {@link #MAX_STEPS} */
    public int maxSteps() {
        return values.get(MAX_STEPS);
    }

    /** @return {@link #PER_DEVICE_TRAIN_BATCH_SIZE} */
    public int perDeviceTrainBatchSize() {
        return values.get(PER_DEVICE_TRAIN_BATCH_SIZE);
    }

    /** @return {@link #PER_DEVICE_EVAL_BATCH_SIZE} */
    public int perDeviceEvalBatchSize() {
        return values.get(PER_DEVICE_EVAL_BATCH_SIZE);
    }

    /** @return {@link #GRADIENT_ACCUMULATION_STEPS} */
    public int gradientAccumulationSteps() {
        return values.get(GRADIENT_ACCUMULATION_STEPS);
    }

    /** @return {@link #LEARNING_RATE} */
    public double learningRate() {
        return values.get(LEARNING_RATE);
    }

    /** @return {@link #WEIGHT_DECAY} */
    public double weightDecay() {
        return values.get(WEIGHT_DECAY);
    }

    /** @return {@link #ADAM_BETA1} */
    public double adamBeta1() {
        return values.get(ADAM_BETA1);
    }

    /** @return {@link #ADAM_BETA2} */
    public double adamBeta2() {
        return values.get(ADAM_BETA2);
    }

    /** @return {@link #ADAM_EPSILON} */
    public double adamEpsilon() {
        return values.get(ADAM_EPSILON);
    }

    /** @return {@link #MAX_GRAD_NORM} */
    public double maxGradNorm() {
        return values.get(MAX_GRAD_NORM);
    }

    /** @return {@link #LR_SCHEDULER_TYPE} */
    public LrSchedulerType lrSchedulerType() {
        return values.get(LR_SCHEDULER_TYPE);
    }

    /** @return {@link #LR_SCHEDULER_KWARGS} */
    public Map<String, Object> lrSchedulerKwargs() {
        return values.get(LR_SCHEDULER_KWARGS);
    }

    /** @return {@link #WARMUP_RATIO} */
    public double warmupRatio() {
        return values.get(WARMUP_RATIO);
    }

    /** @return {@link #WARMUP_STEPS} */
    public int warmupSteps() {
        return values.get(WARMUP_STEPS);
    }

    /** @return {@link #OPTIM} */
    public OptimizerType optimizer() {
        return values.get(OPTIM);
    }

    /** @return {@link #LOGGING_STRATEGY} */
    public IntervalStrategy loggingStrategy() {
        return values.get(LOGGING_STRATEGY);
    }

    /** @return {@link #LOGGING_STEPS} */
    public int loggingSteps() {
        return values.get(LOGGING_STEPS);
    }

    /** @return {@link #LOGGING_FIRST_STEP} */
    public boolean loggingFirstStep() {
        return values.get(LOGGING_FIRST_STEP);
    }

    /** @return {@link #SAVE_STRATEGY} */
    public SaveStrategy saveStrategy() {
        return values.get(SAVE_STRATEGY);
    }

    /** @return {@link #SAVE_STEPS} */
    public int saveSteps() {
        return values.get(SAVE_STEPS);
    }

    /** @return {@link #SAVE_TOTAL_LIMIT}, empty when unset */
    public OptionalInt saveTotalLimit() {
        return values.optionalInt(SAVE_TOTAL_LIMIT);
    }

    /** @return {@link #SAVE_ONLY_MODEL} */
    public boolean saveOnlyModel() {
        return values.get(SAVE_ONLY_MODEL);
    }

    /** @return {@link #EVAL_STRATEGY} */
    public IntervalStrategy evalStrategy() {
        return values.get(EVAL_STRATEGY);
    }

    /** @return {@link #EVAL_STEPS}, empty when unset */
    public OptionalInt evalSteps() {
        return values.optionalInt(EVAL_STEPS);
    }

    /** @return {@link #LOAD_BEST_MODEL_AT_END} */
    public boolean loadBestModelAtEnd() {
        return values.get(LOAD_BEST_MODEL_AT_END);
    }

    /** @return {@link #METRIC_FOR_BEST_MODEL}, empty when unset */
    public Optional<String> metricForBestModel() {
        return Optional.ofNullable(values.get(METRIC_FOR_BEST_MODEL));
    }

    /** @return {@link #GREATER_IS_BETTER}, empty when unset */
    public Optional<Boolean> greaterIsBetter() {
        return Optional.ofNullable(values.get(GREATER_IS_BETTER));
    }

    /** @return {@link #SEED} */
    public int seed() {
        return values.get(SEED);
    }

    /** @return {@link #DATA_SEED}, empty when unset */
    public OptionalInt dataSeed() {
        return values.optionalInt(DATA_SEED);
    }

    /** @return {@link #RESUME_FROM_CHECKPOINT}, empty when unset */
    public Optional<Path> resumeFromCheckpoint() {
        return Optional.ofNullable(values.get(RESUME_FROM_CHECKPOINT));
    }

    /** @return {@link #NEFTUNE_NOISE_ALPHA}, empty when unset */
    public OptionalDouble neftuneNoiseAlpha() {
        return values.optionalDouble(NEFTUNE_NOISE_ALPHA);
    }

    /** @return {@link #EARLY_STOPPING_STEPS}, empty when unset */
    public OptionalInt earlyStoppingSteps() {
        return values.optionalInt(EARLY_STOPPING_STEPS);
    }

    /** @return {@link #BF16} */
    public boolean bf16() {
        return values.get(BF16);
    }

    /** @return {@link #FP16} */
    public boolean fp16() {
        return values.get(FP16);
    }

    /** @return {@link #PREDICT_WITH_GENERATE} */
    public boolean predictWithGenerate() {
        return values.get(PREDICT_WITH_GENERATE);
    }

    /** @return the number of training examples per optimizer step on one device: batch size times accumulation */
    public int effectiveBatchSize() {
        return perDeviceTrainBatchSize() * gradientAccumulationSteps();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingArguments && values.equals(((TrainingArguments) o).values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    /** @return the class name and every key that differs from its default, in configuration-file spelling */
    @Override
    public String toString() {
        return SCHEMA.describe(this);
    }

    /**
     * Builder for {@link TrainingArguments}; starts from LLaMA-Factory's defaults and checks every value in {@link
     * #build()}. Each method sets the key of the same name (see the constants of {@link TrainingArguments}).
     */
    public static final class Builder {
        private final Settings.Builder values;

        private Builder() {
            this(new Settings.Builder(KEYS));
        }

        private Builder(Settings.Builder values) {
            this.values = values;
        }

        private Builder set(Key<?> key, Object value) {
            values.set(key, value);
            return this;
        }

        /**
         * @param value {@link TrainingArguments#OUTPUT_DIR}
         * @return this builder
         */
        public Builder outputDir(Path value) {
            return set(OUTPUT_DIR, value);
        }

        /**
         * @param value {@link TrainingArguments#OUTPUT_DIR}
         * @return this builder
         */
        public Builder outputDir(String value) {
            return set(OUTPUT_DIR, Checks.path("output_dir", value));
        }

        /**
         * @param value {@link TrainingArguments#OVERWRITE_OUTPUT_DIR}
         * @return this builder
         */
        public Builder overwriteOutputDir(boolean value) {
            return set(OVERWRITE_OUTPUT_DIR, value);
        }

        /**
         * @param value {@link TrainingArguments#DO_TRAIN}
         * @return this builder
         */
        public Builder doTrain(boolean value) {
            return set(DO_TRAIN, value);
        }

        /**
         * @param value {@link TrainingArguments#DO_EVAL}
         * @return this builder
         */
        public Builder doEval(boolean value) {
            return set(DO_EVAL, value);
        }

        /**
         * @param value {@link TrainingArguments#DO_PREDICT}
         * @return this builder
         */
        public Builder doPredict(boolean value) {
            return set(DO_PREDICT, value);
        }

        /**
         * @param value {@link TrainingArguments#NUM_TRAIN_EPOCHS}
         * @return this builder
         */
        public Builder numTrainEpochs(double value) {
            return set(NUM_TRAIN_EPOCHS, value);
        }

        /**
         * @param value {@link TrainingArguments#MAX_STEPS}
         * @return this builder
         */
        public Builder maxSteps(int value) {
            return set(MAX_STEPS, value);
        }

        /**
         * @param value {@link TrainingArguments#PER_DEVICE_TRAIN_BATCH_SIZE}
         * @return this builder
         */
        public Builder perDeviceTrainBatchSize(int value) {
            return set(PER_DEVICE_TRAIN_BATCH_SIZE, value);
        }

        /**
         * @param value {@link TrainingArguments#PER_DEVICE_EVAL_BATCH_SIZE}
         * @return this builder
         */
        public Builder perDeviceEvalBatchSize(int value) {
            return set(PER_DEVICE_EVAL_BATCH_SIZE, value);
        }

        /**
         * @param value {@link TrainingArguments#GRADIENT_ACCUMULATION_STEPS}
         * @return this builder
         */
        public Builder gradientAccumulationSteps(int value) {
            return set(GRADIENT_ACCUMULATION_STEPS, value);
        }

        /**
         * @param value {@link TrainingArguments#LEARNING_RATE}
         * @return this builder
         */
        public Builder learningRate(double value) {
            return set(LEARNING_RATE, value);
        }

        /**
         * @param value {@link TrainingArguments#WEIGHT_DECAY}
         * @return this builder
         */
        public Builder weightDecay(double value) {
            return set(WEIGHT_DECAY, value);
        }

        /**
         * @param value {@link TrainingArguments#ADAM_BETA1}
         * @return this builder
         */
        public Builder adamBeta1(double value) {
            return set(ADAM_BETA1, value);
        }

        /**
         * @param value {@link TrainingArguments#ADAM_BETA2}
         * @return this builder
         */
        public Builder adamBeta2(double value) {
            return set(ADAM_BETA2, value);
        }

        /**
         * @param value {@link TrainingArguments#ADAM_EPSILON}
         * @return this builder
         */
        public Builder adamEpsilon(double value) {
            return set(ADAM_EPSILON, value);
        }

        /**
         * @param value {@link TrainingArguments#MAX_GRAD_NORM}
         * @return this builder
         */
        public Builder maxGradNorm(double value) {
            return set(MAX_GRAD_NORM, value);
        }

        /**
         * @param value {@link TrainingArguments#LR_SCHEDULER_TYPE}
         * @return this builder
         */
        public Builder lrSchedulerType(LrSchedulerType value) {
            return set(LR_SCHEDULER_TYPE, value);
        }

        /**
         * @param values {@link TrainingArguments#LR_SCHEDULER_KWARGS}, or null for none
         * @return this builder
         */
        public Builder lrSchedulerKwargs(Map<String, ?> values) {
            return set(LR_SCHEDULER_KWARGS, values);
        }

        /**
         * @param value {@link TrainingArguments#WARMUP_RATIO}
         * @return this builder
         */
        public Builder warmupRatio(double value) {
            return set(WARMUP_RATIO, value);
        }

        /**
         * @param value {@link TrainingArguments#WARMUP_STEPS}
         * @return this builder
         */
        public Builder warmupSteps(int value) {
            return set(WARMUP_STEPS, value);
        }

        /**
         * @param value {@link TrainingArguments#OPTIM}
         * @return this builder
         */
        public Builder optimizer(OptimizerType value) {
            return set(OPTIM, value);
        }

        /**
         * @param value {@link TrainingArguments#LOGGING_STRATEGY}
         * @return this builder
         */
        public Builder loggingStrategy(IntervalStrategy value) {
            return set(LOGGING_STRATEGY, value);
        }

        /**
         * @param value {@link TrainingArguments#LOGGING_STEPS}
         * @return this builder
         */
        public Builder loggingSteps(int value) {
            return set(LOGGING_STEPS, value);
        }

        /**
         * @param value {@link TrainingArguments#LOGGING_FIRST_STEP}
         * @return this builder
         */
        public Builder loggingFirstStep(boolean value) {
            return set(LOGGING_FIRST_STEP, value);
        }

        /**
         * @param value {@link TrainingArguments#SAVE_STRATEGY}
         * @return this builder
         */
        public Builder saveStrategy(SaveStrategy value) {
            return set(SAVE_STRATEGY, value);
        }

        /**
         * @param value {@link TrainingArguments#SAVE_STEPS}
         * @return this builder
         */
        public Builder saveSteps(int value) {
            return set(SAVE_STEPS, value);
        }

        /**
         * @param value {@link TrainingArguments#SAVE_TOTAL_LIMIT}, or null for none
         * @return this builder
         */
        public Builder saveTotalLimit(Integer value) {
            return set(SAVE_TOTAL_LIMIT, value);
        }

        /**
         * @param value {@link TrainingArguments#SAVE_ONLY_MODEL}
         * @return this builder
         */
        public Builder saveOnlyModel(boolean value) {
            return set(SAVE_ONLY_MODEL, value);
        }

        /**
         * @param value {@link TrainingArguments#EVAL_STRATEGY}
         * @return this builder
         */
        public Builder evalStrategy(IntervalStrategy value) {
            return set(EVAL_STRATEGY, value);
        }

        /**
         * @param value {@link TrainingArguments#EVAL_STEPS}, or null for none
         * @return this builder
         */
        public Builder evalSteps(Integer value) {
            return set(EVAL_STEPS, value);
        }

        /**
         * @param value {@link TrainingArguments#LOAD_BEST_MODEL_AT_END}
         * @return this builder
         */
        public Builder loadBestModelAtEnd(boolean value) {
            return set(LOAD_BEST_MODEL_AT_END, value);
        }

        /**
         * @param value {@link TrainingArguments#METRIC_FOR_BEST_MODEL}, or null for none
         * @return this builder
         */
        public Builder metricForBestModel(String value) {
            return set(METRIC_FOR_BEST_MODEL, value);
        }

        /**
         * @param value {@link TrainingArguments#GREATER_IS_BETTER}, or null for none
         * @return this builder
         */
        public Builder greaterIsBetter(Boolean value) {
            return set(GREATER_IS_BETTER, value);
        }

        /**
         * @param value {@link TrainingArguments#SEED}
         * @return this builder
         */
        public Builder seed(int value) {
            return set(SEED, value);
        }

        /**
         * @param value {@link TrainingArguments#DATA_SEED}, or null for none
         * @return this builder
         */
        public Builder dataSeed(Integer value) {
            return set(DATA_SEED, value);
        }

        /**
         * @param value {@link TrainingArguments#RESUME_FROM_CHECKPOINT}, or null for none
         * @return this builder
         */
        public Builder resumeFromCheckpoint(Path value) {
            return set(RESUME_FROM_CHECKPOINT, value);
        }

        /**
         * @param value {@link TrainingArguments#RESUME_FROM_CHECKPOINT}, or null for none
         * @return this builder
         */
        public Builder resumeFromCheckpoint(String value) {
            return set(RESUME_FROM_CHECKPOINT, Checks.path("resume_from_checkpoint", value));
        }

        /**
         * @param value {@link TrainingArguments#NEFTUNE_NOISE_ALPHA}, or null for none
         * @return this builder
         */
        public Builder neftuneNoiseAlpha(Double value) {
            return set(NEFTUNE_NOISE_ALPHA, value);
        }

        /**
         * @param value {@link TrainingArguments#EARLY_STOPPING_STEPS}, or null for none
         * @return this builder
         */
        public Builder earlyStoppingSteps(Integer value) {
            return set(EARLY_STOPPING_STEPS, value);
        }

        /**
         * @param value {@link TrainingArguments#BF16}
         * @return this builder
         */
        public Builder bf16(boolean value) {
            return set(BF16, value);
        }

        /**
         * @param value {@link TrainingArguments#FP16}
         * @return this builder
         */
        public Builder fp16(boolean value) {
            return set(FP16, value);
        }

        /**
         * @param value {@link TrainingArguments#PREDICT_WITH_GENERATE}
         * @return this builder
         */
        public Builder predictWithGenerate(boolean value) {
            return set(PREDICT_WITH_GENERATE, value);
        }

        /**
         * Builds the arguments.
         *
         * @return the immutable arguments
         * @throws ai.llamafactory.api.exception.InvalidConfigException naming the key and value that are out of range
         *     or do not fit together
         */
        public TrainingArguments build() {
            return new TrainingArguments(values.build());
        }
    }
}
