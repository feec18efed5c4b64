package ai.llamafactory.api.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * Which datasets are read and how examples are encoded: LLaMA-Factory's {@code DataArguments}. Immutable; build with
 * {@link #builder()}. Defaults equal LLaMA-Factory's.
 *
 * <p>Note: with packing LLaMA-Factory encodes to {@code cutoff_len - 1} tokens; this class keeps the configured value
 * and the data worker applies the difference.
 */
public final class DataArguments {
    private final List<String> dataset;
    private final List<String> evalDataset;
    private final String datasetDir;
    private final String template;
    private final int cutoffLen;
    private final Integer maxSamples;
    private final double valSize;
    private final Boolean packing;
    private final boolean neatPacking;
    private final boolean trainOnPrompt;
    private final boolean maskHistory;
    private final MixStrategy mixStrategy;
    private final List<Double> interleaveProbs;
    private final boolean streaming;
    private final int bufferSize;
    private final Path tokenizedPath;
    private final boolean overwriteCache;
    private final String toolFormat;
    private final String defaultSystem;
    private final boolean enableThinking;
    private final boolean preserveThinking;
    private final boolean evalOnEachDataset;

    private DataArguments(Builder b) {
        this.dataset = b.dataset;
        this.evalDataset = b.evalDataset;
        this.datasetDir = b.datasetDir;
        this.template = b.template;
        this.cutoffLen = b.cutoffLen;
        this.maxSamples = b.maxSamples;
        this.valSize = b.valSize;
        this.packing = b.packing;
        this.neatPacking = b.neatPacking;
        this.trainOnPrompt = b.trainOnPrompt;
        this.maskHistory = b.maskHistory;
        this.mixStrategy = b.mixStrategy;
        this.interleaveProbs = b.interleaveProbs;
        this.streaming = b.streaming;
        this.bufferSize = b.bufferSize;
        this.tokenizedPath = b.tokenizedPath;
        this.overwriteCache = b.overwriteCache;
        this.toolFormat = b.toolFormat;
        this.defaultSystem = b.defaultSystem;
        this.enableThinking = b.enableThinking;
        this.preserveThinking = b.preserveThinking;
        this.evalOnEachDataset = b.evalOnEachDataset;
        validate();
    }

    /** @return a builder with LLaMA-Factory's defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the arguments with every value at LLaMA-Factory's default */
    public static DataArguments defaults() {
        return builder().build();
    }

    /** @return a builder initialised with this object's values */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.dataset = dataset;
        b.evalDataset = evalDataset;
        b.datasetDir = datasetDir;
        b.template = template;
        b.cutoffLen = cutoffLen;
        b.maxSamples = maxSamples;
        b.valSize = valSize;
        b.packing = packing;
        b.neatPacking = neatPacking;
        b.trainOnPrompt = trainOnPrompt;
        b.maskHistory = maskHistory;
        b.mixStrategy = mixStrategy;
        b.interleaveProbs = interleaveProbs;
        b.streaming = streaming;
        b.bufferSize = bufferSize;
        b.tokenizedPath = tokenizedPath;
        b.overwriteCache = overwriteCache;
        b.toolFormat = toolFormat;
        b.defaultSystem = defaultSystem;
        b.enableThinking = enableThinking;
        b.preserveThinking = preserveThinking;
        b.evalOnEachDataset = evalOnEachDataset;
        return b;
    }

    /** @return the training datasets: names in {@code dataset_info.json} ({@code dataset}, default []) */
    public List<String> dataset() {
        return dataset;
    }

    /** @return the evaluation datasets: names in {@code dataset_info.json} ({@code eval_dataset}, default []) */
    public List<String> evalDataset() {
        return evalDataset;
    }

    /**
     * @return the folder holding {@code dataset_info.json}, or {@code ONLINE}, or {@code REMOTE:<hub repo>} ({@code
     *     dataset_dir}, default {@code data})
     */
    public String datasetDir() {
        return datasetDir;
    }

    /**
     * @return the chat template name; none means the tokenizer's Jinja chat template (or {@code empty}) ({@code
     *     template}, default none)
     */
    public Optional<String> template() {
        return Optional.ofNullable(template);
    }

    /** @return the maximum number of tokens of an encoded example ({@code cutoff_len}, default 2048) */
    public int cutoffLen() {
        return cutoffLen;
    }

    /** @return the number of examples kept from each dataset (for debugging) ({@code max_samples}, default none) */
    public OptionalInt maxSamples() {
        return maxSamples == null ? OptionalInt.empty() : OptionalInt.of(maxSamples);
    }

    /**
     * @return the validation split: a fraction in [0, 1) or, when at least 1, a number of examples ({@code val_size},
     *     default 0)
     */
    public double valSize() {
        return valSize;
    }

    /**
     * @return whether examples are packed into sequences of {@code cutoff_len}; none means on for stage {@code pt} only
     *     ({@code packing}, default none)
     */
    public Optional<Boolean> packing() {
        return Optional.ofNullable(packing);
    }

    /**
     * @return whether packed examples cannot attend to each other (block-diagonal attention; implies packing) ({@code
     *     neat_packing}, default false)
     */
    public boolean neatPacking() {
        return neatPacking;
    }

    /** @return whether the loss also covers prompt tokens ({@code train_on_prompt}, default false) */
    public boolean trainOnPrompt() {
        return trainOnPrompt;
    }

    /** @return whether only the last turn of a conversation is trained on ({@code mask_history}, default false) */
    public boolean maskHistory() {
        return maskHistory;
    }

    /** @return how several datasets are mixed ({@code mix_strategy}, default {@code concat}) */
    public MixStrategy mixStrategy() {
        return mixStrategy;
    }

    /** @return the sampling probability of each dataset when interleaving ({@code interleave_probs}, default []) */
    public List<Double> interleaveProbs() {
        return interleaveProbs;
    }

    /** @return whether datasets are read as streams instead of loaded ({@code streaming}, default false) */
    public boolean streaming() {
        return streaming;
    }

    /** @return the size of the shuffle buffer in streaming mode ({@code buffer_size}, default 16384) */
    public int bufferSize() {
        return bufferSize;
    }

    /**
     * @return where tokenized datasets are saved to, or loaded from when present ({@code tokenized_path}, default none)
     */
    public Optional<Path> tokenizedPath() {
        return Optional.ofNullable(tokenizedPath);
    }

    /** @return whether cached tokenized datasets are rebuilt ({@code overwrite_cache}, default false) */
    public boolean overwriteCache() {
        return overwriteCache;
    }

    /** @return the tool-call format; none means the template's ({@code tool_format}, default none) */
    public Optional<String> toolFormat() {
        return Optional.ofNullable(toolFormat);
    }

    /**
     * @return the system prompt used when an example has none; none means the template's ({@code default_system},
     *     default none)
     */
    public Optional<String> defaultSystem() {
        return Optional.ofNullable(defaultSystem);
    }

    /**
     * @return whether reasoning templates keep the model's thinking (empty thoughts go to the response) ({@code
     *     enable_thinking}, default true)
     */
    public boolean enableThinking() {
        return enableThinking;
    }

    /**
     * @return whether reasoning templates keep the thoughts of earlier turns ({@code preserve_thinking}, default false)
     */
    public boolean preserveThinking() {
        return preserveThinking;
    }

    /** @return whether each evaluation dataset is evaluated separately ({@code eval_on_each_dataset}, default false) */
    public boolean evalOnEachDataset() {
        return evalOnEachDataset;
    }


    /**
     * Resolves {@code packing} as LLaMA-Factory does.
     *
     * @param stage the training stage
     * @return {@code packing} when set, else true for stage {@code pt} only; always true with {@code neat_packing}
     */
    public boolean packingEnabled(Stage stage) {
        if (neatPacking) {
            return true;
        }
        return packing != null ? packing : stage == Stage.PT;
    }

    private void validate() {
        // Keys LLaMA-Factory honours that are not implemented here: refused unless off (ConfigKeyWalkTest).
        Checks.notSupportedYet("buffer_size", bufferSize, 16384, "only used with streaming, which the data worker "
                + "does not support");
        Checks.require(!datasetDir.isBlank(), "dataset_dir", "must not be empty");
        Checks.positive("cutoff_len", cutoffLen);
        Checks.positive("max_samples", maxSamples);
        Checks.require(Double.isFinite(valSize) && valSize >= 0 && (valSize < 1 || valSize == Math.rint(valSize)),
                "val_size", "must be a fraction in [0, 1) or a whole number of examples, got " + valSize);
        Checks.positive("buffer_size", bufferSize);
        if (valSize > 1e-6) {
            Checks.require(!dataset.isEmpty(), "val_size",
                    "cannot split a validation set without a dataset, got " + valSize);
            Checks.require(evalDataset.isEmpty(), "val_size",
                    "cannot be combined with eval_dataset " + evalDataset + ", got " + valSize);
        }
        if (!interleaveProbs.isEmpty()) {
            Checks.require(mixStrategy != MixStrategy.CONCAT, "interleave_probs",
                    "only valid with an interleaving mix_strategy, but mix_strategy is concat");
            double sum = 0;
            for (double p : interleaveProbs) {
                Checks.closed("interleave_probs", p, 0, 1);
                sum += p;
            }
            Checks.require(Math.abs(sum - 1) <= 1e-6, "interleave_probs", "must sum to 1, got " + interleaveProbs);
            Checks.require(dataset.isEmpty() || dataset.size() == interleaveProbs.size(), "interleave_probs",
                    "has " + interleaveProbs.size() + " entries but dataset names " + dataset.size() + " " + dataset);
            Checks.require(evalDataset.isEmpty() || evalDataset.size() == interleaveProbs.size(), "interleave_probs",
                    "has " + interleaveProbs.size() + " entries but eval_dataset names " + evalDataset.size() + " "
                            + evalDataset);
        }
        if (streaming) {
            Checks.require(valSize < 1e-6 || valSize >= 1, "val_size",
                    "must be a whole number of examples in streaming mode, got " + valSize);
            Checks.require(maxSamples == null, "max_samples", "cannot be used with streaming, got " + maxSamples);
        }
        Checks.require(!(trainOnPrompt && maskHistory), "train_on_prompt",
                "cannot be combined with mask_history (which trains on the last turn only)");
    }

    private static final ArgumentGroup<DataArguments, Builder> SCHEMA = createSchema();

    /** @return the configuration-file keys of this class */
    static ArgumentGroup<DataArguments, Builder> schema() {
        return SCHEMA;
    }

    private static ArgumentGroup<DataArguments, Builder> createSchema() {
        return new ArgumentGroup<DataArguments, Builder>("dataset", Builder::new, Builder::build,
                DataArguments::defaults, null)
                .optional("dataset", ValueType.STRING_LIST, (b, v) -> b.dataset(v), a -> a.dataset)
                .optional("eval_dataset", ValueType.STRING_LIST, (b, v) -> b.evalDataset(v), a -> a.evalDataset)
                .required("dataset_dir", ValueType.STRING, (b, v) -> b.datasetDir(v), a -> a.datasetDir)
                .optional("template", ValueType.STRING, (b, v) -> b.template(v), a -> a.template)
                .required("cutoff_len", ValueType.INTEGER, (b, v) -> b.cutoffLen(v), a -> a.cutoffLen)
                .optional("max_samples", ValueType.INTEGER, (b, v) -> b.maxSamples(v), a -> a.maxSamples)
                .required("val_size", ValueType.DOUBLE, (b, v) -> b.valSize(v), a -> a.valSize)
                .optional("packing", ValueType.BOOLEAN, (b, v) -> b.packing(v), a -> a.packing)
                .required("neat_packing", ValueType.BOOLEAN, (b, v) -> b.neatPacking(v), a -> a.neatPacking)
                .required("train_on_prompt", ValueType.BOOLEAN, (b, v) -> b.trainOnPrompt(v), a -> a.trainOnPrompt)
                .required("mask_history", ValueType.BOOLEAN, (b, v) -> b.maskHistory(v), a -> a.maskHistory)
                .required("mix_strategy", ValueType.ofEnum(MixStrategy.class, MixStrategy::key, MixStrategy::fromKey),
                        (b, v) -> b.mixStrategy(v), a -> a.mixStrategy)
                .optional("interleave_probs", ValueType.DOUBLE_LIST,
                        (b, v) -> b.interleaveProbs(v), a -> a.interleaveProbs)
                .required("streaming", ValueType.BOOLEAN, (b, v) -> b.streaming(v), a -> a.streaming)
                .required("buffer_size", ValueType.INTEGER, (b, v) -> b.bufferSize(v), a -> a.bufferSize)
                .optional("tokenized_path", ValueType.PATH, (b, v) -> b.tokenizedPath(v), a -> a.tokenizedPath)
                .required("overwrite_cache", ValueType.BOOLEAN, (b, v) -> b.overwriteCache(v), a -> a.overwriteCache)
                .optional("tool_format", ValueType.STRING, (b, v) -> b.toolFormat(v), a -> a.toolFormat)
                .optional("default_system", ValueType.STRING, (b, v) -> b.defaultSystem(v), a -> a.defaultSystem)
                .required("enable_thinking", ValueType.BOOLEAN, (b, v) -> b.enableThinking(v), a -> a.enableThinking)
                .required("preserve_thinking", ValueType.BOOLEAN,
                        (b, v) -> b.preserveThinking(v), a -> a.preserveThinking)
                .required("eval_on_each_dataset", ValueType.BOOLEAN,
                        (b, v) -> b.evalOnEachDataset(v), a -> a.evalOnEachDataset);
    }

    private List<Object> values() {
        return Arrays.asList(dataset, evalDataset, datasetDir, template, cutoffLen, maxSamples, valSize, packing,
                neatPacking, trainOnPrompt, maskHistory, mixStrategy, interleaveProbs, streaming, bufferSize,
                tokenizedPath, overwriteCache, toolFormat, defaultSystem, enableThinking, preserveThinking,
                evalOnEachDataset);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataArguments && values().equals(((DataArguments) o).values());
    }

    @Override
    public int hashCode() {
        return Objects.hash(values().toArray());
    }

    /** @return the class name and every key that differs from its default, in configuration-file spelling */
    @Override
    public String toString() {
        return SCHEMA.describe(this);
    }

    /**
     * Builder for {@link DataArguments}; starts from LLaMA-Factory's defaults and checks every value in {@link
     * #build()}.
     */
    public static final class Builder {
        private List<String> dataset = List.of();
        private List<String> evalDataset = List.of();
        private String datasetDir = "data";
        private String template;
        private int cutoffLen = 2048;
        private Integer maxSamples;
        private double valSize = 0.0;
        private Boolean packing;
        private boolean neatPacking = false;
        private boolean trainOnPrompt = false;
        private boolean maskHistory = false;
        private MixStrategy mixStrategy = MixStrategy.CONCAT;
        private List<Double> interleaveProbs = List.of();
        private boolean streaming = false;
        private int bufferSize = 16384;
        private Path tokenizedPath;
        private boolean overwriteCache = false;
        private String toolFormat;
        private String defaultSystem;
        private boolean enableThinking = true;
        private boolean preserveThinking = false;
        private boolean evalOnEachDataset = false;

        private Builder() {
        }

        /**
         * Sets {@code dataset}: the training datasets: names in {@code dataset_info.json}.
         *
         * @param values the names; null or empty for none
         * @return this builder
         */
        public Builder dataset(List<String> values) {
            this.dataset = Checks.names("dataset", values);
            return this;
        }

        /**
         * Sets {@code dataset}: the training datasets: names in {@code dataset_info.json}.
         *
         * @param values the names
         * @return this builder
         */
        public Builder dataset(String... values) {
            this.dataset = Checks.names("dataset", Arrays.asList(values));
            return this;
        }

        /**
         * Sets {@code eval_dataset}: the evaluation datasets: names in {@code dataset_info.json}.
         *
         * @param values the names; null or empty for none
         * @return this builder
         */
        public Builder evalDataset(List<String> values) {
            this.evalDataset = Checks.names("eval_dataset", values);
            return this;
        }

        /**
         * Sets {@code eval_dataset}: the evaluation datasets: names in {@code dataset_info.json}.
         *
         * @param values the names
         * @return this builder
         */
        public Builder evalDataset(String... values) {
            this.evalDataset = Checks.names("eval_dataset", Arrays.asList(values));
            return this;
        }

        /**
         * Sets {@code dataset_dir}: the folder holding {@code dataset_info.json}, or {@code ONLINE}, or {@code
         * REMOTE:<hub repo>}.
         *
         * @param value the value
         * @return this builder
         */
        public Builder datasetDir(String value) {
            this.datasetDir = Checks.notNull(value, "dataset_dir");
            return this;
        }

        /**
         * Sets {@code template}: the chat template name; none means the tokenizer's Jinja chat template (or {@code
         * empty}).
         *
         * @param value the value, or null for none
         * @return this builder
         */
        public Builder template(String value) {
            this.template = value;
            return this;
        }

        /**
         * Sets {@code cutoff_len}: the maximum number of tokens of an encoded example.
         *
         * @param value the value
         * @return this builder
         */
        public Builder cutoffLen(int value) {
            this.cutoffLen = value;
            return this;
        }

        /**
         * Sets {@code max_samples}: the number of examples kept from each dataset (for debugging).
         *
         * @param value the value, or null for none
         * @return this builder
         */
        public Builder maxSamples(Integer value) {
            this.maxSamples = value;
            return this;
        }

        /**
         * Sets {@code val_size}: the validation split: a fraction in [0, 1) or, when at least 1, a number of examples.
         *
         * @param value the value
         * @return this builder
         */
        public Builder valSize(double value) {
            this.valSize = value;
            return this;
        }

        /**
         * Sets {@code packing}: whether examples are packed into sequences of {@code cutoff_len}; none means on for
         * stage {@code pt} only.
         *
         * @param value the value, or null for none
         * @return this builder
         */
        public Builder packing(Boolean value) {
            this.packing = value;
            return this;
        }

        /**
         * Sets {@code neat_packing}: whether packed examples cannot attend to each other (block-diagonal attention;
         * implies packing).
         *
         * @param value the value
         * @return this builder
         */
        public Builder neatPacking(boolean value) {
            this.neatPacking = value;
            return this;
        }

        /**
         * Sets {@code train_on_prompt}: whether the loss also covers prompt tokens.
         *
         * @param value the value
         * @return this builder
         */
        public Builder trainOnPrompt(boolean value) {
            this.trainOnPrompt = value;
            return this;
        }

        /**
         * Sets {@code mask_history}: whether only the last turn of a conversation is trained on.
         *
         * @param value the value
         * @return this builder
         */
        public Builder maskHistory(boolean value) {
            this.maskHistory = value;
            return this;
        }

        /**
         * Sets {@code mix_strategy}: how several datasets are mixed.
         *
         * @param value the value
         * @return this builder
         */
        public Builder mixStrategy(MixStrategy value) {
            this.mixStrategy = Checks.notNull(value, "mix_strategy");
            return this;
        }

        /**
         * Sets {@code interleave_probs}: the sampling probability of each dataset when interleaving.
         *
         * @param values the numbers; null or empty for none
         * @return this builder
         */
        public Builder interleaveProbs(List<Double> values) {
            this.interleaveProbs = Checks.numbers("interleave_probs", values);
            return this;
        }

        /**
         * Sets {@code interleave_probs}: the sampling probability of each dataset when interleaving.
         *
         * @param values the numbers
         * @return this builder
         */
        public Builder interleaveProbs(double... values) {
            this.interleaveProbs = Checks.numbers("interleave_probs",
                    Arrays.stream(values).boxed().collect(Collectors.toList()));
            return this;
        }

        /**
         * Sets {@code streaming}: whether datasets are read as streams instead of loaded.
         *
         * @param value the value
         * @return this builder
         */
        public Builder streaming(boolean value) {
            this.streaming = value;
            return this;
        }

        /**
         * Sets {@code buffer_size}: the size of the shuffle buffer in streaming mode.
         *
         * @param value the value
         * @return this builder
         */
        public Builder bufferSize(int value) {
            this.bufferSize = value;
            return this;
        }

        /**
         * Sets {@code tokenized_path}: where tokenized datasets are saved to, or loaded from when present.
         *
         * @param value the value, or null for none
         * @return this builder
         */
        public Builder tokenizedPath(Path value) {
            this.tokenizedPath = value;
            return this;
        }

        /**
         * Sets {@code tokenized_path}: where tokenized datasets are saved to, or loaded from when present.
         *
         * @param value the path, or null for none
         * @return this builder
         */
        public Builder tokenizedPath(String value) {
            this.tokenizedPath = Checks.path("tokenized_path", value);
            return this;
        }

        /**
         * Sets {@code overwrite_cache}: whether cached tokenized datasets are rebuilt.
         *
         * @param value the value
         * @return this builder
         */
        public Builder overwriteCache(boolean value) {
            this.overwriteCache = value;
            return this;
        }

        /**
         * Sets {@code tool_format}: the tool-call format; none means the template's.
         *
         * @param value the value, or null for none
         * @return this builder
         */
        public Builder toolFormat(String value) {
            this.toolFormat = value;
            return this;
        }

        /**
         * Sets {@code default_system}: the system prompt used when an example has none; none means the template's.
         *
         * @param value the value, or null for none
         * @return this builder
         */
        public Builder defaultSystem(String value) {
            this.defaultSystem = value;
            return this;
        }

        /**
         * Sets {@code enable_thinking}: whether reasoning templates keep the model's thinking (empty thoughts go to the
         * response).
         *
         * @param value the value
         * @return this builder
         */
        public Builder enableThinking(boolean value) {
            this.enableThinking = value;
            return this;
        }

        /**
         * Sets {@code preserve_thinking}: whether reasoning templates keep the thoughts of earlier turns.
         *
         * @param value the value
         * @return this builder
         */
        public Builder preserveThinking(boolean value) {
            this.preserveThinking = value;
            return this;
        }

        /**
         * Sets {@code eval_on_each_dataset}: whether each evaluation dataset is evaluated separately.
         *
         * @param value the value
         * @return this builder
         */
        public Builder evalOnEachDataset(boolean value) {
            this.evalOnEachDataset = value;
            return this;
        }

        /**
         * Builds the arguments.
         *
         * @return the immutable arguments
         * @throws ai.llamafactory.api.exception.InvalidConfigException naming the key and value that are out of range
         *     or
         *     do not fit together
         */
        public DataArguments build() {
            return new DataArguments(this);
        }
    }
}
