package ai.llamafactory.core.train.output;

import ai.llamafactory.data.json.PythonFloats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What goes into the {@code README.md} model card of a run (see {@link ModelCardWriter}): the names LLaMA-Factory
 * passes to the Hugging Face Trainer's {@code create_model_card} ({@code finetuned_from} = the base model,
 * {@code tags} = {@code llama-factory} and the fine-tuning method, {@code dataset} = the dataset names,
 * {@code license}), the training hyper-parameters and the run's log history for the results table.
 */
public final class ModelCard {
    /** The fine-tuning methods, with their tag and the library that loads the result. */
    public enum Method {
        /** LoRA adapter: tag {@code lora}, loaded with PEFT. */
        LORA("lora", "peft"),
        /** OFT adapter: tag {@code oft}, loaded with PEFT. */
        OFT("oft", "peft"),
        /** Some layers trained, full weights saved: tag {@code freeze}. */
        FREEZE("freeze", "transformers"),
        /** All weights trained: tag {@code full}. */
        FULL("full", "transformers");

        private final String tag;
        private final String libraryName;

        Method(String tag, String libraryName) {
            this.tag = tag;
            this.libraryName = libraryName;
        }

        /**
         * The tag LLaMA-Factory adds ({@code finetuning_type}).
         *
         * @return e.g. {@code lora}
         */
        public String tag() {
            return tag;
        }

        /**
         * The {@code library_name} of the card's metadata.
         *
         * @return {@code peft} for adapters, {@code transformers} otherwise
         */
        public String libraryName() {
            return libraryName;
        }
    }

    private final String modelName;
    private final String baseModel;
    private final String license;
    private final Method method;
    private final List<String> tags;
    private final List<String> datasets;
    private final Map<String, Object> hyperparameters;
    private final List<LogEntry> logHistory;
    private final List<String> frameworkVersions;

    private ModelCard(Builder b) {
        this.modelName = Objects.requireNonNull(b.modelName, "modelName");
        this.baseModel = b.baseModel;
        this.license = b.license;
        this.method = Objects.requireNonNull(b.method, "method");
        List<String> allTags = new ArrayList<>();
        allTags.add("llama-factory");
        allTags.add(method.tag());
        for (String t : b.extraTags) {
            if (!allTags.contains(t)) {
                allTags.add(t);
            }
        }
        if (!allTags.contains("generated_from_trainer")) {
            allTags.add("generated_from_trainer");
        }
        this.tags = List.copyOf(allTags);
        this.datasets = List.copyOf(b.datasets);
        this.hyperparameters = Collections.unmodifiableMap(new LinkedHashMap<>(b.hyperparameters));
        this.logHistory = List.copyOf(b.logHistory);
        this.frameworkVersions = List.copyOf(b.frameworkVersions);
    }

    /**
     * Starts a card.
     *
     * @param modelName the card's title and {@code model-index} name; transformers uses the name of
     *     {@code output_dir}
     * @param method the fine-tuning method
     * @return a builder
     */
    public static Builder builder(String modelName, Method method) {
        return new Builder(modelName, method);
    }

    /**
     * Title and {@code model-index} name.
     *
     * @return the name
     */
    public String modelName() {
        return modelName;
    }

    /**
     * The model that was fine-tuned, as given ({@code model_name_or_path}).
     *
     * @return the hub id or path; empty for a model trained from scratch
     */
    public Optional<String> baseModel() {
        return Optional.ofNullable(baseModel);
    }

    /**
     * The licence of the result, when known.
     *
     * @return e.g. {@code apache-2.0}, or LLaMA-Factory's {@code other}
     */
    public Optional<String> license() {
        return Optional.ofNullable(license);
    }

    /**
     * The fine-tuning method.
     *
     * @return the method
     */
    public Method method() {
        return method;
    }

    /**
     * All tags: {@code llama-factory}, the method, extra tags, {@code generated_from_trainer}.
     *
     * @return the tags in order
     */
    public List<String> tags() {
        return tags;
    }

    /**
     * The training dataset names.
     *
     * @return names in order
     */
    public List<String> datasets() {
        return datasets;
    }

    /**
     * The hyper-parameters listed in the card, in order (see {@link Hyperparameters}).
     *
     * @return name to value
     */
    public Map<String, Object> hyperparameters() {
        return hyperparameters;
    }

    /**
     * The run's {@code log_history}, for the results table.
     *
     * @return the entries
     */
    public List<LogEntry> logHistory() {
        return logHistory;
    }

    /**
     * Lines of the "Framework versions" section, e.g. {@code DJL 0.35.1}.
     *
     * @return the lines
     */
    public List<String> frameworkVersions() {
        return frameworkVersions;
    }

    /** Builds a {@link ModelCard}. */
    public static final class Builder {
        private final String modelName;
        private final Method method;
        private String baseModel;
        private String license;
        private final List<String> extraTags = new ArrayList<>();
        private final List<String> datasets = new ArrayList<>();
        private final Map<String, Object> hyperparameters = new LinkedHashMap<>();
        private final List<LogEntry> logHistory = new ArrayList<>();
        private final List<String> frameworkVersions = new ArrayList<>();

        private Builder(String modelName, Method method) {
            if (modelName == null || modelName.isBlank()) {
                throw new IllegalArgumentException("model card name must not be blank");
            }
            this.modelName = modelName;
            this.method = Objects.requireNonNull(method, "method");
        }

        /**
         * Sets the base model.
         *
         * @param baseModel {@code model_name_or_path}, or {@code null} for a model trained from scratch
         * @return this builder
         */
        public Builder baseModel(String baseModel) {
            this.baseModel = baseModel == null || baseModel.isBlank() ? null : baseModel;
            return this;
        }

        /**
         * Sets the licence.
         *
         * @param license a Hub licence id, or {@code null} when unknown
         * @return this builder
         */
        public Builder license(String license) {
            this.license = license == null || license.isBlank() ? null : license;
            return this;
        }

        /**
         * Adds a tag after {@code llama-factory} and the method tag.
         *
         * @param tag e.g. {@code djl}
         * @return this builder
         */
        public Builder tag(String tag) {
            extraTags.add(Objects.requireNonNull(tag, "tag"));
            return this;
        }

        /**
         * Sets the dataset names.
         *
         * @param names e.g. {@code identity}, {@code alpaca_en_demo}
         * @return this builder
         */
        public Builder datasets(List<String> names) {
            datasets.clear();
            names.forEach(n -> datasets.add(Objects.requireNonNull(n, "dataset name")));
            return this;
        }

        /**
         * Sets the hyper-parameters.
         *
         * @param values name to value, in order (typically {@link Hyperparameters#toMap()})
         * @return this builder
         */
        public Builder hyperparameters(Map<String, ?> values) {
            hyperparameters.clear();
            hyperparameters.putAll(values);
            return this;
        }

        /**
         * Sets the log history the results are read from.
         *
         * @param entries the run's {@code log_history}
         * @return this builder
         */
        public Builder logHistory(List<LogEntry> entries) {
            logHistory.clear();
            logHistory.addAll(entries);
            return this;
        }

        /**
         * Adds a line to "Framework versions".
         *
         * @param line e.g. {@code DJL 0.35.1}
         * @return this builder
         */
        public Builder frameworkVersion(String line) {
            frameworkVersions.add(Objects.requireNonNull(line, "line"));
            return this;
        }

        /**
         * Builds the card.
         *
         * @return the card
         */
        public ModelCard build() {
            return new ModelCard(this);
        }
    }

    /**
     * The hyper-parameter list of transformers' model cards ({@code extract_hyperparameters_from_trainer}):
     * {@code learning_rate, train_batch_size, eval_batch_size, seed}, {@code gradient_accumulation_steps} when above
     * 1, {@code total_train_batch_size} when it differs from the batch size, {@code optimizer},
     * {@code lr_scheduler_type}, the warm-up when set, then {@code training_steps} (with {@code max_steps}) or
     * {@code num_epochs}, and mixed precision or label smoothing when used.
     */
    public static final class Hyperparameters {
        private double learningRate = 5e-5;
        private int trainBatchSize = 8;
        private int evalBatchSize = 8;
        private long seed = 42;
        private int gradientAccumulationSteps = 1;
        private String optimizer = "adamw_torch";
        private double adamBeta1 = 0.9;
        private double adamBeta2 = 0.999;
        private double adamEpsilon = 1e-8;
        private String optimizerArgs;
        private String lrSchedulerType = "linear";
        private double warmupRatio;
        private int warmupSteps;
        private int maxSteps = -1;
        private double numTrainEpochs = 3.0;
        private String mixedPrecision;
        private double labelSmoothingFactor;

        /** Starts with transformers' defaults. */
        public Hyperparameters() {}

        /**
         * {@code learning_rate}.
         *
         * @param v the value
         * @return this
         */
        public Hyperparameters learningRate(double v) {
            learningRate = v;
            return this;
        }

        /**
         * {@code per_device_train_batch_size}.
         *
         * @param v the value
         * @return this
         */
        public Hyperparameters trainBatchSize(int v) {
            trainBatchSize = v;
            return this;
        }

        /**
         * {@code per_device_eval_batch_size}.
         *
         * @param v the value
         * @return this
         */
        public Hyperparameters evalBatchSize(int v) {
            evalBatchSize = v;
            return this;
        }

        /**
         * {@code seed}.
         *
         * @param v the value
         * @return this
         */
        public Hyperparameters seed(long v) {
            seed = v;
            return this;
        }

        /**
         * {@code gradient_accumulation_steps}.
         *
         * @param v the value
         * @return this
         */
        public Hyperparameters gradientAccumulationSteps(int v) {
            gradientAccumulationSteps = v;
            return this;
        }

        /**
         * The optimizer and its Adam parameters (ignored in the text for optimizers without "adam" in the name).
         *
         * @param name {@code optim}, e.g. {@code adamw_torch}, {@code sgd}, {@code adafactor}
         * @param beta1 {@code adam_beta1}
         * @param beta2 {@code adam_beta2}
         * @param epsilon {@code adam_epsilon}
         * @param args {@code optim_args}, or {@code null}
         * @return this
         */
        public Hyperparameters optimizer(String name, double beta1, double beta2, double epsilon, String args) {
            optimizer = Objects.requireNonNull(name, "name");
            adamBeta1 = beta1;
            adamBeta2 = beta2;
            adamEpsilon = epsilon;
            optimizerArgs = args;
            return this;
        }

        /**
         * {@code lr_scheduler_type}.
         *
         * @param v e.g. {@code cosine}
         * @return this
         */
        public Hyperparameters lrSchedulerType(String v) {
            lrSchedulerType = Objects.requireNonNull(v, "lrSchedulerType");
            return this;
        }

        /**
         * {@code warmup_ratio} and {@code warmup_steps}.
         *
         * @param ratio the ratio (0 when unset)
         * @param steps the steps (0 when unset)
         * @return this
         */
        public Hyperparameters warmup(double ratio, int steps) {
            warmupRatio = ratio;
            warmupSteps = steps;
            return this;
        }

        /**
         * {@code max_steps} and {@code num_train_epochs}.
         *
         * @param maxSteps the step budget, or -1 to train by epochs
         * @param numTrainEpochs the epochs
         * @return this
         */
        public Hyperparameters duration(int maxSteps, double numTrainEpochs) {
            this.maxSteps = maxSteps;
            this.numTrainEpochs = numTrainEpochs;
            return this;
        }

        /**
         * Mixed-precision training, shown as {@code mixed_precision_training}.
         *
         * @param v e.g. {@code Native AMP}, or {@code null}
         * @return this
         */
        public Hyperparameters mixedPrecision(String v) {
            mixedPrecision = v;
            return this;
        }

        /**
         * {@code label_smoothing_factor}.
         *
         * @param v the value
         * @return this
         */
        public Hyperparameters labelSmoothingFactor(double v) {
            labelSmoothingFactor = v;
            return this;
        }

        /**
         * The list as transformers builds it.
         *
         * @return name to value, in order
         */
        public Map<String, Object> toMap() {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("learning_rate", learningRate);
            h.put("train_batch_size", trainBatchSize);
            h.put("eval_batch_size", evalBatchSize);
            h.put("seed", seed);
            if (gradientAccumulationSteps > 1) {
                h.put("gradient_accumulation_steps", gradientAccumulationSteps);
            }
            int totalTrain = trainBatchSize * gradientAccumulationSteps;
            if (totalTrain != trainBatchSize) {
                h.put("total_train_batch_size", totalTrain);
            }
            String args = optimizerArgs == null || optimizerArgs.isEmpty()
                    ? "No additional optimizer arguments"
                    : optimizerArgs;
            if (optimizer.toLowerCase(java.util.Locale.ROOT).contains("adam")) {
                h.put(
                        "optimizer",
                        "Use " + optimizer + " with betas=(" + PythonFloats.toJson(adamBeta1) + ","
                                + PythonFloats.toJson(adamBeta2) + ") and epsilon=" + PythonFloats.toJson(adamEpsilon)
                                + " and optimizer_args=" + args);
            } else {
                h.put("optimizer", "Use " + optimizer + " and the args are:\n" + args);
            }
            h.put("lr_scheduler_type", lrSchedulerType);
            if (warmupRatio != 0.0) {
                h.put("lr_scheduler_warmup_ratio", warmupRatio);
            }
            if (warmupSteps != 0) {
                h.put("lr_scheduler_warmup_steps", warmupSteps);
            }
            if (maxSteps != -1) {
                h.put("training_steps", maxSteps);
            } else {
                h.put("num_epochs", numTrainEpochs);
            }
            if (mixedPrecision != null) {
                h.put("mixed_precision_training", mixedPrecision);
            }
            if (labelSmoothingFactor != 0.0) {
                h.put("label_smoothing_factor", labelSmoothingFactor);
            }
            return h;
        }
    }
}
