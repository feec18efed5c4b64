package ai.llamafactory.api.config;

import static ai.llamafactory.api.config.Key.positiveInt;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Which datasets are read and how examples are encoded: LLaMA-Factory's {@code DataArguments}. Immutable; build with
 * {@link #builder()}. Defaults equal LLaMA-Factory's.
 *
 * <p>Note: with packing LLaMA-Factory encodes to {@code cutoff_len - 1} tokens; this class keeps the configured value
 * and the data worker applies the difference. Each setting is declared once, as a {@link Key}
 * constant below; accessors and builder methods read and write through it.
 */
public final class DataArguments {
    private static final Key.Group KEYS = new Key.Group();

    /** {@code dataset}. */
    public static final Key<List<String>> DATASET = KEYS.add(Key.of(
                    "dataset",
                    ValueType.STRING_LIST,
                    List.of(),
                    "the training datasets: names in {@code dataset_info.json}")
            .nullable());
    /** {@code eval_dataset}. */
    public static final Key<List<String>> EVAL_DATASET = KEYS.add(Key.of(
                    "eval_dataset",
                    ValueType.STRING_LIST,
                    List.of(),
                    "the evaluation datasets: names in {@code dataset_info.json}")
            .nullable());
    /** {@code dataset_dir}. */
    public static final Key<String> DATASET_DIR = KEYS.add(Key.of(
                    "dataset_dir",
                    ValueType.STRING,
                    "data",
                    "the folder holding {@code dataset_info.json}, or {@code ONLINE}, or {@code REMOTE:<hub repo>}")
            .check("not blank", Key.require(v -> !v.isBlank(), v -> "must not be empty")));
    /** {@code template}. */
    public static final Key<String> TEMPLATE = KEYS.add(Key.of(
            "template",
            ValueType.STRING,
            null,
            "the chat template name; none means the tokenizer's Jinja chat template (or {@code empty})"));
    /** {@code cutoff_len}. */
    public static final Key<Integer> CUTOFF_LEN =
            KEYS.add(Key.of("cutoff_len", ValueType.INTEGER, 2048, "the maximum number of tokens of an encoded example")
                    .check(">= 2 (room for one prompt and one response token)", (k, v) -> {
                        Checks.positive(k, v.intValue());
                        Checks.require(v >= 2, k, "must be at least 2, got " + v);
                    }));
    /** {@code max_samples}. */
    public static final Key<Integer> MAX_SAMPLES = KEYS.add(Key.of(
                    "max_samples",
                    ValueType.INTEGER,
                    null,
                    "the number of examples kept from each dataset (for debugging)")
            .check("> 0", positiveInt()));
    /** {@code val_size}. */
    public static final Key<Double> VAL_SIZE = KEYS.add(Key.of(
                    "val_size",
                    ValueType.DOUBLE,
                    0.0,
                    "the validation split: a fraction in [0, 1) or, when at least 1, a number of examples")
            .check(
                    "a fraction in [0, 1) or a whole number",
                    Key.require(
                            v -> Double.isFinite(v) && v >= 0 && (v < 1 || v == Math.rint(v)),
                            v -> "must be a fraction in [0, 1) or a whole number of examples, got " + v)));
    /** {@code packing}. */
    public static final Key<Boolean> PACKING = KEYS.add(
            Key.of(
                    "packing",
                    ValueType.BOOLEAN,
                    null,
                    "whether examples are packed into sequences of {@code cutoff_len}; none means on for stage {@code pt} only"));
    /** {@code neat_packing}. */
    public static final Key<Boolean> NEAT_PACKING = KEYS.add(Key.of(
            "neat_packing",
            ValueType.BOOLEAN,
            false,
            "whether packed examples cannot attend to each other (block-diagonal attention; implies packing)"));
    /** {@code train_on_prompt}. */
    public static final Key<Boolean> TRAIN_ON_PROMPT =
            KEYS.add(Key.of("train_on_prompt", ValueType.BOOLEAN, false, "whether the loss also covers prompt tokens"));
    /** {@code mask_history}. */
    public static final Key<Boolean> MASK_HISTORY = KEYS.add(Key.of(
            "mask_history", ValueType.BOOLEAN, false, "whether only the last turn of a conversation is trained on"));
    /** {@code mix_strategy}. */
    public static final Key<MixStrategy> MIX_STRATEGY = KEYS.add(Key.of(
            "mix_strategy",
            ValueType.ofEnum(MixStrategy.class, MixStrategy::key, MixStrategy::fromKey),
            MixStrategy.CONCAT,
            "how several datasets are mixed"));
    /** {@code interleave_probs}. */
    public static final Key<List<Double>> INTERLEAVE_PROBS = KEYS.add(Key.of(
                    "interleave_probs",
                    ValueType.DOUBLE_LIST,
                    List.of(),
                    "the sampling probability of each dataset when interleaving")
            .nullable()
            .check("each in [0, 1], summing to 1", (k, probs) -> {
                probs.forEach(p -> Checks.closed(k, p, 0, 1));
                double sum = probs.stream().mapToDouble(Double::doubleValue).sum();
                Checks.require(probs.isEmpty() || Math.abs(sum - 1) <= 1e-6, k, "must sum to 1, got " + probs);
            }));
    /** {@code streaming}. */
    public static final Key<Boolean> STREAMING = KEYS.add(
            Key.of("streaming", ValueType.BOOLEAN, false, "whether datasets are read as streams instead of loaded"));
    /** {@code buffer_size}. */
    public static final Key<Integer> BUFFER_SIZE =
            KEYS.add(Key.of("buffer_size", ValueType.INTEGER, 16384, "the size of the shuffle buffer in streaming mode")
                    .unsupported("only used with streaming, which the data worker does not support")
                    .check("> 0", positiveInt()));
    /** {@code tokenized_path}. */
    public static final Key<Path> TOKENIZED_PATH = KEYS.add(Key.of(
            "tokenized_path",
            ValueType.PATH,
            null,
            "where tokenized datasets are saved to, or loaded from when present"));
    /** {@code overwrite_cache}. */
    public static final Key<Boolean> OVERWRITE_CACHE = KEYS.add(
            Key.of("overwrite_cache", ValueType.BOOLEAN, false, "whether cached tokenized datasets are rebuilt"));
    /** {@code tool_format}. */
    public static final Key<String> TOOL_FORMAT =
            KEYS.add(Key.of("tool_format", ValueType.STRING, null, "the tool-call format; none means the template's"));
    /** {@code default_system}. */
    public static final Key<String> DEFAULT_SYSTEM = KEYS.add(Key.of(
            "default_system",
            ValueType.STRING,
            null,
            "the system prompt used when an example has none; none means the template's"));
    /** {@code enable_thinking}. */
    public static final Key<Boolean> ENABLE_THINKING = KEYS.add(Key.of(
            "enable_thinking",
            ValueType.BOOLEAN,
            true,
            "whether reasoning templates keep the model's thinking (empty thoughts go to the response)"));
    /** {@code preserve_thinking}. */
    public static final Key<Boolean> PRESERVE_THINKING = KEYS.add(Key.of(
            "preserve_thinking",
            ValueType.BOOLEAN,
            false,
            "whether reasoning templates keep the thoughts of earlier turns"));
    /** {@code eval_on_each_dataset}. */
    public static final Key<Boolean> EVAL_ON_EACH_DATASET = KEYS.add(Key.of(
            "eval_on_each_dataset",
            ValueType.BOOLEAN,
            false,
            "whether each evaluation dataset is evaluated separately"));

    private static final ArgumentGroup<DataArguments, Builder> SCHEMA = Settings.schema(
            "dataset", KEYS, Builder::new, Builder::build, DataArguments::defaults, null, a -> a.values, b -> b.values);

    private final Settings values;

    private DataArguments(Settings values) {
        this.values = values;
        // Rules across keys (LLaMA-Factory's data_args.py).
        double valSize = valSize();
        if (valSize > 1e-6) {
            Checks.require(
                    !dataset().isEmpty(),
                    "val_size",
                    "cannot split a validation set without a dataset, got " + valSize);
            Checks.require(
                    evalDataset().isEmpty(),
                    "val_size",
                    "cannot be combined with eval_dataset " + evalDataset() + ", got " + valSize);
        }
        List<Double> probs = interleaveProbs();
        if (!probs.isEmpty()) {
            Checks.require(
                    mixStrategy() != MixStrategy.CONCAT,
                    "interleave_probs",
                    "only valid with an interleaving mix_strategy, but mix_strategy is concat");
            Checks.require(
                    dataset().isEmpty() || dataset().size() == probs.size(),
                    "interleave_probs",
                    "has " + probs.size() + " entries but dataset names "
                            + dataset().size() + " " + dataset());
            Checks.require(
                    evalDataset().isEmpty() || evalDataset().size() == probs.size(),
                    "interleave_probs",
                    "has " + probs.size() + " entries but eval_dataset names "
                            + evalDataset().size() + " " + evalDataset());
        }
        if (streaming()) {
            Checks.require(
                    valSize < 1e-6 || valSize >= 1,
                    "val_size",
                    "must be a whole number of examples in streaming mode, got " + valSize);
            Checks.require(
                    values.get(MAX_SAMPLES) == null,
                    "max_samples",
                    "cannot be used with streaming, got " + values.get(MAX_SAMPLES));
        }
        Checks.require(
                !(neatPacking() && Boolean.FALSE.equals(values.get(PACKING))),
                "neat_packing",
                "true requires packing (got packing: false)");
        Checks.require(
                !(trainOnPrompt() && maskHistory()),
                "train_on_prompt",
                "cannot be combined with mask_history (which trains on the last turn only)");
    }

    /** @return a builder with LLaMA-Factory's defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the arguments with every value at LLaMA-Factory's default */
    public static DataArguments defaults() {
        return builder().build();
    }

    /** @return the configuration-file keys of this class */
    static ArgumentGroup<DataArguments, Builder> schema() {
        return SCHEMA;
    }

    /** @return a builder initialised with this object's values */
    public Builder toBuilder() {
        return new Builder(values.toBuilder());
    }

    /** @return {@link #DATASET} */
    public List<String> dataset() {
        return values.get(DATASET);
    }

    /** @return {@link #EVAL_DATASET} */
    public List<String> evalDataset() {
        return values.get(EVAL_DATASET);
    }

    /** @return {@link #DATASET_DIR} */
    public String datasetDir() {
        return values.get(DATASET_DIR);
    }

    /** @return {@link #TEMPLATE}, empty when unset */
    public Optional<String> template() {
        return Optional.ofNullable(values.get(TEMPLATE));
    }

    /** @return {@link #CUTOFF_LEN} */
    public int cutoffLen() {
        return values.get(CUTOFF_LEN);
    }

    /** @return {@link #MAX_SAMPLES}, empty when unset */
    public OptionalInt maxSamples() {
        return values.optionalInt(MAX_SAMPLES);
    }

    /** @return {@link #VAL_SIZE} */
    public double valSize() {
        return values.get(VAL_SIZE);
    }

    /** @return {@link #PACKING}, empty when unset */
    public Optional<Boolean> packing() {
        return Optional.ofNullable(values.get(PACKING));
    }

    /** @return {@link #NEAT_PACKING} */
    public boolean neatPacking() {
        return values.get(NEAT_PACKING);
    }

    /** @return {@link #TRAIN_ON_PROMPT} */
    public boolean trainOnPrompt() {
        return values.get(TRAIN_ON_PROMPT);
    }

    /** @return {@link #MASK_HISTORY} */
    public boolean maskHistory() {
        return values.get(MASK_HISTORY);
    }

    /** @return {@link #MIX_STRATEGY} */
    public MixStrategy mixStrategy() {
        return values.get(MIX_STRATEGY);
    }

    /** @return {@link #INTERLEAVE_PROBS} */
    public List<Double> interleaveProbs() {
        return values.get(INTERLEAVE_PROBS);
    }

    /** @return {@link #STREAMING} */
    public boolean streaming() {
        return values.get(STREAMING);
    }

    /** @return {@link #BUFFER_SIZE} */
    public int bufferSize() {
        return values.get(BUFFER_SIZE);
    }

    /** @return {@link #TOKENIZED_PATH}, empty when unset */
    public Optional<Path> tokenizedPath() {
        return Optional.ofNullable(values.get(TOKENIZED_PATH));
    }

    /** @return {@link #OVERWRITE_CACHE} */
    public boolean overwriteCache() {
        return values.get(OVERWRITE_CACHE);
    }

    /** @return {@link #TOOL_FORMAT}, empty when unset */
    public Optional<String> toolFormat() {
        return Optional.ofNullable(values.get(TOOL_FORMAT));
    }

    /** @return {@link #DEFAULT_SYSTEM}, empty when unset */
    public Optional<String> defaultSystem() {
        return Optional.ofNullable(values.get(DEFAULT_SYSTEM));
    }

    /** @return {@link #ENABLE_THINKING} */
    public boolean enableThinking() {
        return values.get(ENABLE_THINKING);
    }

    /** @return {@link #PRESERVE_THINKING} */
    public boolean preserveThinking() {
        return values.get(PRESERVE_THINKING);
    }

    /** @return {@link #EVAL_ON_EACH_DATASET} */
    public boolean evalOnEachDataset() {
        return values.get(EVAL_ON_EACH_DATASET);
    }

    /**
     * Resolves {@code packing} as LLaMA-Factory does.
     *
     * @param stage the training stage
     * @return {@code packing} when set, else true for stage {@code pt} only; always true with {@code neat_packing}
     */
    public boolean packingEnabled(Stage stage) {
        if (neatPacking()) {
            return true;
        }
        Boolean packing = values.get(PACKING);
        return packing != null ? packing : stage == Stage.PT;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataArguments && values.equals(((DataArguments) o).values);
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
     * Builder for {@link DataArguments}; starts from LLaMA-Factory's defaults and checks every value in {@link
     * #build()}. Each method sets the key of the same name (see the constants of {@link DataArguments}).
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
         * @param values {@link DataArguments#DATASET}, or null for none
         * @return this builder
         */
        public Builder dataset(List<String> values) {
            return set(DATASET, values);
        }

        /**
         * @param values {@link DataArguments#DATASET}, or null for none
         * @return this builder
         */
        public Builder dataset(String... values) {
            return set(DATASET, Arrays.asList(values));
        }

        /**
         * @param values {@link DataArguments#EVAL_DATASET}, or null for none
         * @return this builder
         */
        public Builder evalDataset(List<String> values) {
            return set(EVAL_DATASET, values);
        }

        /**
         * @param values {@link DataArguments#EVAL_DATASET}, or null for none
         * @return this builder
         */
        public Builder evalDataset(String... values) {
            return set(EVAL_DATASET, Arrays.asList(values));
        }

        /**
         * @param value {@link DataArguments#DATASET_DIR}
         * @return this builder
         */
        public Builder datasetDir(String value) {
            return set(DATASET_DIR, value);
        }

        /**
         * @param value {@link DataArguments#TEMPLATE}, or null for none
         * @return this builder
         */
        public Builder template(String value) {
            return set(TEMPLATE, value);
        }

        /**
         * @param value {@link DataArguments#CUTOFF_LEN}
         * @return this builder
         */
        public Builder cutoffLen(int value) {
            return set(CUTOFF_LEN, value);
        }

        /**
         * @param value {@link DataArguments#MAX_SAMPLES}, or null for none
         * @return this builder
         */
        public Builder maxSamples(Integer value) {
            return set(MAX_SAMPLES, value);
        }

        /**
         * @param value {@link DataArguments#VAL_SIZE}
         * @return this builder
         */
        public Builder valSize(double value) {
            return set(VAL_SIZE, value);
        }

        /**
         * @param value {@link DataArguments#PACKING}, or null for none
         * @return this builder
         */
        public Builder packing(Boolean value) {
            return set(PACKING, value);
        }

        /**
         * @param value {@link DataArguments#NEAT_PACKING}
         * @return this builder
         */
        public Builder neatPacking(boolean value) {
            return set(NEAT_PACKING, value);
        }

        /**
         * @param value {@link DataArguments#TRAIN_ON_PROMPT}
         * @return this builder
         */
        public Builder trainOnPrompt(boolean value) {
            return set(TRAIN_ON_PROMPT, value);
        }

        /**
         * @param value {@link DataArguments#MASK_HISTORY}
         * @return this builder
         */
        public Builder maskHistory(boolean value) {
            return set(MASK_HISTORY, value);
        }

        /**
         * @param value {@link DataArguments#MIX_STRATEGY}
         * @return this builder
         */
        public Builder mixStrategy(MixStrategy value) {
            return set(MIX_STRATEGY, value);
        }

        /**
         * @param values {@link DataArguments#INTERLEAVE_PROBS}, or null for none
         * @return this builder
         */
        public Builder interleaveProbs(List<Double> values) {
            return set(INTERLEAVE_PROBS, values);
        }

        /**
         * @param values {@link DataArguments#INTERLEAVE_PROBS}
         * @return this builder
         */
        public Builder interleaveProbs(double... values) {
            return set(INTERLEAVE_PROBS, Arrays.stream(values).boxed().toList());
        }

        /**
         * @param value {@link DataArguments#STREAMING}
         * @return this builder
         */
        public Builder streaming(boolean value) {
            return set(STREAMING, value);
        }

        /**
         * @param value {@link DataArguments#BUFFER_SIZE}
         * @return this builder
         */
        public Builder bufferSize(int value) {
            return set(BUFFER_SIZE, value);
        }

        /**
         * @param value {@link DataArguments#TOKENIZED_PATH}, or null for none
         * @return this builder
         */
        public Builder tokenizedPath(Path value) {
            return set(TOKENIZED_PATH, value);
        }

        /**
         * @param value {@link DataArguments#TOKENIZED_PATH}, or null for none
         * @return this builder
         */
        public Builder tokenizedPath(String value) {
            return set(TOKENIZED_PATH, Checks.path("tokenized_path", value));
        }

        /**
         * @param value {@link DataArguments#OVERWRITE_CACHE}
         * @return this builder
         */
        public Builder overwriteCache(boolean value) {
            return set(OVERWRITE_CACHE, value);
        }

        /**
         * @param value {@link DataArguments#TOOL_FORMAT}, or null for none
         * @return this builder
         */
        public Builder toolFormat(String value) {
            return set(TOOL_FORMAT, value);
        }

        /**
         * @param value {@link DataArguments#DEFAULT_SYSTEM}, or null for none
         * @return this builder
         */
        public Builder defaultSystem(String value) {
            return set(DEFAULT_SYSTEM, value);
        }

        /**
         * @param value {@link DataArguments#ENABLE_THINKING}
         * @return this builder
         */
        public Builder enableThinking(boolean value) {
            return set(ENABLE_THINKING, value);
        }

        /**
         * @param value {@link DataArguments#PRESERVE_THINKING}
         * @return this builder
         */
        public Builder preserveThinking(boolean value) {
            return set(PRESERVE_THINKING, value);
        }

        /**
         * @param value {@link DataArguments#EVAL_ON_EACH_DATASET}
         * @return this builder
         */
        public Builder evalOnEachDataset(boolean value) {
            return set(EVAL_ON_EACH_DATASET, value);
        }

        /**
         * Builds the arguments.
         *
         * @return the immutable arguments
         * @throws ai.llamafactory.api.exception.InvalidConfigException naming the key and value that are out of range
         *     or do not fit together
         */
        public DataArguments build() {
            return new DataArguments(values.build());
        }
    }
}
