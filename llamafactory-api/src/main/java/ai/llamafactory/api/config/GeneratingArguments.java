package ai.llamafactory.api.config;

import static ai.llamafactory.api.config.Key.closed;
import static ai.llamafactory.api.config.Key.finite;
import static ai.llamafactory.api.config.Key.nonNegativeInt;
import static ai.llamafactory.api.config.Key.positive;
import static ai.llamafactory.api.config.Key.positiveInt;

import java.util.OptionalDouble;

/**
 * How text is generated (PPO rollouts, prediction, chat): LLaMA-Factory's {@code GeneratingArguments}. Immutable;
 * build with {@link #builder()}. Defaults equal LLaMA-Factory's. Each setting is declared once, as a {@link Key}
 * constant below; accessors and builder methods read and write through it.
 */
public final class GeneratingArguments {
    private static final Key.Group KEYS = new Key.Group();
    private static final String BEAMS =
            "beam search is not implemented; use do_sample, or greedy decoding with " + "do_sample: false";

    /** {@code do_sample}. */
    public static final Key<Boolean> DO_SAMPLE = KEYS.add(
            Key.of("do_sample", ValueType.BOOLEAN, true, "whether tokens are sampled (false: greedy or beam search)"));
    /** {@code temperature}; must be > 0 when sampling (checked with do_sample). */
    public static final Key<Double> TEMPERATURE = KEYS.add(Key.of(
            "temperature", ValueType.DOUBLE, 0.95, "the sampling temperature; > 0 when do_sample, >= 0 otherwise"));
    /** {@code top_p}. */
    public static final Key<Double> TOP_P = KEYS.add(Key.of(
                    "top_p",
                    ValueType.DOUBLE,
                    0.7,
                    "nucleus sampling: the smallest set of tokens whose probability reaches p")
            .check("in (0, 1]", Key.require(v -> v > 0 && v <= 1, v -> "must lie in (0, 1], got " + v)));
    /** {@code top_k}. */
    public static final Key<Integer> TOP_K = KEYS.add(Key.of(
                    "top_k",
                    ValueType.INTEGER,
                    50,
                    "the number of most likely tokens sampled from; 0 disables the filter")
            .check(">= 0", nonNegativeInt()));
    /** {@code min_p}. */
    public static final Key<Double> MIN_P = KEYS.add(Key.of(
                    "min_p",
                    ValueType.DOUBLE,
                    null,
                    "min-p sampling: tokens less likely than min_p times the top token are dropped (this library's key)")
            .check("in [0, 1]", closed(0, 1)));
    /** {@code num_beams}. */
    public static final Key<Integer> NUM_BEAMS =
            KEYS.add(Key.of("num_beams", ValueType.INTEGER, 1, "the number of beams; 1 means no beam search")
                    .unsupported(BEAMS)
                    .check("> 0", positiveInt()));
    /** {@code max_length}. */
    public static final Key<Integer> MAX_LENGTH = KEYS.add(Key.of(
                    "max_length",
                    ValueType.INTEGER,
                    1024,
                    "the maximum length of prompt plus generated tokens, used when max_new_tokens is 0")
            .check("> 0", positiveInt()));
    /** {@code max_new_tokens}. */
    public static final Key<Integer> MAX_NEW_TOKENS = KEYS.add(Key.of(
                    "max_new_tokens",
                    ValueType.INTEGER,
                    1024,
                    "the maximum number of generated tokens; 0 means max_length decides")
            .check(">= 0", nonNegativeInt()));
    /** {@code repetition_penalty}. */
    public static final Key<Double> REPETITION_PENALTY =
            KEYS.add(Key.of("repetition_penalty", ValueType.DOUBLE, 1.0, "the repetition penalty; 1 means none")
                    .check("> 0", positive()));
    /** {@code length_penalty}. */
    public static final Key<Double> LENGTH_PENALTY =
            KEYS.add(Key.of("length_penalty", ValueType.DOUBLE, 1.0, "the exponent on the length in beam scores")
                    .unsupported("only used by beam search, which is not " + "implemented")
                    .check("finite", finite()));
    /** {@code skip_special_tokens}. */
    public static final Key<Boolean> SKIP_SPECIAL_TOKENS = KEYS.add(Key.of(
            "skip_special_tokens", ValueType.BOOLEAN, true, "whether special tokens are removed from decoded text"));

    private static final ArgumentGroup<GeneratingArguments, Builder> SCHEMA = Settings.schema(
            "generate",
            KEYS,
            Builder::new,
            Builder::build,
            GeneratingArguments::defaults,
            null,
            a -> a.values,
            b -> b.values);

    private final Settings values;

    private GeneratingArguments(Settings values) {
        this.values = values;
        // the one rule across keys: sampling needs a positive temperature
        if (doSample()) {
            Checks.positive("temperature", temperature());
        } else {
            Checks.nonNegative("temperature", temperature());
        }
    }

    /** @return a builder with LLaMA-Factory's defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the arguments with every value at LLaMA-Factory's default */
    public static GeneratingArguments defaults() {
        return builder().build();
    }

    /** @return the configuration-file keys of this class */
    static ArgumentGroup<GeneratingArguments, Builder> schema() {
        return SCHEMA;
    }

    /** @return a builder initialised with this object's values */
    public Builder toBuilder() {
        return new Builder(values.toBuilder());
    }

    /** @return {@link #DO_SAMPLE} */
    public boolean doSample() {
        return values.get(DO_SAMPLE);
    }

    /** @return {@link #TEMPERATURE} */
    public double temperature() {
        return values.get(TEMPERATURE);
    }

    /** @return {@link #TOP_P} */
    public double topP() {
        return values.get(TOP_P);
    }

    /** @return {@link #TOP_K} */
    public int topK() {
        return values.get(TOP_K);
    }

    /** @return {@link #MIN_P}, empty when unset */
    public OptionalDouble minP() {
        return values.optionalDouble(MIN_P);
    }

    /** @return {@link #NUM_BEAMS} */
    public int numBeams() {
        return values.get(NUM_BEAMS);
    }

    /** @return {@link #MAX_LENGTH} */
    public int maxLength() {
        return values.get(MAX_LENGTH);
    }

    /** @return {@link #MAX_NEW_TOKENS} */
    public int maxNewTokens() {
        return values.get(MAX_NEW_TOKENS);
    }

    /** @return {@link #REPETITION_PENALTY} */
    public double repetitionPenalty() {
        return values.get(REPETITION_PENALTY);
    }

    /** @return {@link #LENGTH_PENALTY} */
    public double lengthPenalty() {
        return values.get(LENGTH_PENALTY);
    }

    /** @return {@link #SKIP_SPECIAL_TOKENS} */
    public boolean skipSpecialTokens() {
        return values.get(SKIP_SPECIAL_TOKENS);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GeneratingArguments && values.equals(((GeneratingArguments) o).values);
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
     * Builder for {@link GeneratingArguments}; starts from LLaMA-Factory's defaults and checks every value in {@link
     * #build()}. Each method sets the key of the same name (see the constants of {@link GeneratingArguments}).
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
         * @param value {@link GeneratingArguments#DO_SAMPLE}
         * @return this builder
         */
        public Builder doSample(boolean value) {
            return set(DO_SAMPLE, value);
        }

        /**
         * @param value {@link GeneratingArguments#TEMPERATURE}
         * @return this builder
         */
        public Builder temperature(double value) {
            return set(TEMPERATURE, value);
        }

        /**
         * @param value {@link GeneratingArguments#TOP_P}
         * @return this builder
         */
        public Builder topP(double value) {
            return set(TOP_P, value);
        }

        /**
         * @param value {@link GeneratingArguments#TOP_K}
         * @return this builder
         */
        public Builder topK(int value) {
            return set(TOP_K, value);
        }

        /**
         * @param value {@link GeneratingArguments#MIN_P}, or null for none
         * @return this builder
         */
        public Builder minP(Double value) {
            return set(MIN_P, value);
        }

        /**
         * @param value {@link GeneratingArguments#NUM_BEAMS}
         * @return this builder
         */
        public Builder numBeams(int value) {
            return set(NUM_BEAMS, value);
        }

        /**
         * @param value {@link GeneratingArguments#MAX_LENGTH}
         * @return this builder
         */
        public Builder maxLength(int value) {
            return set(MAX_LENGTH, value);
        }

        /**
         * @param value {@link GeneratingArguments#MAX_NEW_TOKENS}
         * @return this builder
         */
        public Builder maxNewTokens(int value) {
            return set(MAX_NEW_TOKENS, value);
        }

        /**
         * @param value {@link GeneratingArguments#REPETITION_PENALTY}
         * @return this builder
         */
        public Builder repetitionPenalty(double value) {
            return set(REPETITION_PENALTY, value);
        }

        /**
         * @param value {@link GeneratingArguments#LENGTH_PENALTY}
         * @return this builder
         */
        public Builder lengthPenalty(double value) {
            return set(LENGTH_PENALTY, value);
        }

        /**
         * @param value {@link GeneratingArguments#SKIP_SPECIAL_TOKENS}
         * @return this builder
         */
        public Builder skipSpecialTokens(boolean value) {
            return set(SKIP_SPECIAL_TOKENS, value);
        }

        /**
         * Builds the arguments.
         *
         * @return the immutable arguments
         * @throws ai.llamafactory.api.exception.InvalidConfigException naming the key and value that are out of range
         *     or do not fit together
         */
        public GeneratingArguments build() {
            return new GeneratingArguments(values.build());
        }
    }
}
