package ai.llamafactory.api.config;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * How text is generated (PPO rollouts, prediction, chat): LLaMA-Factory's {@code GeneratingArguments}. Immutable;
 * build with {@link #builder()}. Defaults equal LLaMA-Factory's.
 */
public final class GeneratingArguments {
    private final boolean doSample;
    private final double temperature;
    private final double topP;
    private final int topK;
    private final Double minP;
    private final int numBeams;
    private final int maxLength;
    private final int maxNewTokens;
    private final double repetitionPenalty;
    private final double lengthPenalty;
    private final boolean skipSpecialTokens;

    private GeneratingArguments(Builder b) {
        this.doSample = b.doSample;
        this.temperature = b.temperature;
        this.topP = b.topP;
        this.topK = b.topK;
        this.minP = b.minP;
        this.numBeams = b.numBeams;
        this.maxLength = b.maxLength;
        this.maxNewTokens = b.maxNewTokens;
        this.repetitionPenalty = b.repetitionPenalty;
        this.lengthPenalty = b.lengthPenalty;
        this.skipSpecialTokens = b.skipSpecialTokens;
        validate();
    }

    /** @return a builder with LLaMA-Factory's defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the arguments with every value at LLaMA-Factory's default */
    public static GeneratingArguments defaults() {
        return builder().build();
    }

    /** @return a builder initialised with this object's values */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.doSample = doSample;
        b.temperature = temperature;
        b.topP = topP;
        b.topK = topK;
        b.minP = minP;
        b.numBeams = numBeams;
        b.maxLength = maxLength;
        b.maxNewTokens = maxNewTokens;
        b.repetitionPenalty = repetitionPenalty;
        b.lengthPenalty = lengthPenalty;
        b.skipSpecialTokens = skipSpecialTokens;
        return b;
    }

    /** @return whether tokens are sampled (false: greedy or beam search) ({@code do_sample}, default true) */
    public boolean doSample() {
        return doSample;
    }

    /** @return the sampling temperature ({@code temperature}, default 0.95) */
    public double temperature() {
        return temperature;
    }

    /** @return nucleus sampling: the smallest set of tokens whose probability reaches p ({@code top_p}, default 0.7) */
    public double topP() {
        return topP;
    }

    /** @return the number of most likely tokens sampled from; 0 disables the filter ({@code top_k}, default 50) */
    public int topK() {
        return topK;
    }

    /**
     * @return min-p sampling: tokens less likely than min_p times the top token are dropped
     *     ({@code min_p}, this library's key, default none)
     */
    public OptionalDouble minP() {
        return minP == null ? OptionalDouble.empty() : OptionalDouble.of(minP);
    }

    /** @return the number of beams; 1 means no beam search ({@code num_beams}, default 1) */
    public int numBeams() {
        return numBeams;
    }

    /**
     * @return the maximum length of prompt plus generated tokens, used when {@code max_new_tokens} is 0 ({@code
     *     max_length}, default 1024)
     */
    public int maxLength() {
        return maxLength;
    }

    /**
     * @return the maximum number of generated tokens; 0 means {@code max_length} decides ({@code max_new_tokens},
     *     default 1024)
     */
    public int maxNewTokens() {
        return maxNewTokens;
    }

    /** @return the repetition penalty; 1 means none ({@code repetition_penalty}, default 1.0) */
    public double repetitionPenalty() {
        return repetitionPenalty;
    }

    /** @return the exponent on the length in beam scores ({@code length_penalty}, default 1.0) */
    public double lengthPenalty() {
        return lengthPenalty;
    }

    /** @return whether special tokens are removed from decoded text ({@code skip_special_tokens}, default true) */
    public boolean skipSpecialTokens() {
        return skipSpecialTokens;
    }

    private void validate() {
        // Keys LLaMA-Factory honours that are not implemented here: refused unless off (ConfigKeyWalkTest).
        Checks.notSupportedYet("num_beams", numBeams, 1, "beam search is not implemented; use do_sample, or "
                + "greedy decoding with do_sample: false");
        Checks.notSupportedYet("length_penalty", lengthPenalty, 1.0, "only used by beam search, which is not "
                + "implemented");
        if (doSample) {
            Checks.positive("temperature", temperature);
        } else {
            Checks.nonNegative("temperature", temperature);
        }
        Checks.require(topP > 0 && topP <= 1, "top_p", "must lie in (0, 1], got " + topP);
        Checks.nonNegative("top_k", topK);
        if (minP != null) {
            Checks.closed("min_p", minP, 0, 1);
        }
        Checks.positive("num_beams", numBeams);
        Checks.positive("max_length", maxLength);
        Checks.nonNegative("max_new_tokens", maxNewTokens);
        Checks.positive("repetition_penalty", repetitionPenalty);
        Checks.finite("length_penalty", lengthPenalty);
    }

    private static final ArgumentGroup<GeneratingArguments, Builder> SCHEMA = createSchema();

    /** @return the configuration-file keys of this class */
    static ArgumentGroup<GeneratingArguments, Builder> schema() {
        return SCHEMA;
    }

    private static ArgumentGroup<GeneratingArguments, Builder> createSchema() {
        return new ArgumentGroup<GeneratingArguments, Builder>("generate", Builder::new, Builder::build,
                GeneratingArguments::defaults, null)
                .required("do_sample", ValueType.BOOLEAN, (b, v) -> b.doSample(v), a -> a.doSample)
                .required("temperature", ValueType.DOUBLE, (b, v) -> b.temperature(v), a -> a.temperature)
                .required("top_p", ValueType.DOUBLE, (b, v) -> b.topP(v), a -> a.topP)
                .required("top_k", ValueType.INTEGER, (b, v) -> b.topK(v), a -> a.topK)
                .optional("min_p", ValueType.DOUBLE, (b, v) -> b.minP(v), a -> a.minP)
                .required("num_beams", ValueType.INTEGER, (b, v) -> b.numBeams(v), a -> a.numBeams)
                .required("max_length", ValueType.INTEGER, (b, v) -> b.maxLength(v), a -> a.maxLength)
                .required("max_new_tokens", ValueType.INTEGER, (b, v) -> b.maxNewTokens(v), a -> a.maxNewTokens)
                .required("repetition_penalty", ValueType.DOUBLE,
                        (b, v) -> b.repetitionPenalty(v), a -> a.repetitionPenalty)
                .required("length_penalty", ValueType.DOUBLE, (b, v) -> b.lengthPenalty(v), a -> a.lengthPenalty)
                .required("skip_special_tokens", ValueType.BOOLEAN,
                        (b, v) -> b.skipSpecialTokens(v), a -> a.skipSpecialTokens);
    }

    private List<Object> values() {
        return Arrays.asList(doSample, temperature, topP, topK, minP, numBeams, maxLength, maxNewTokens,
                repetitionPenalty, lengthPenalty, skipSpecialTokens);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GeneratingArguments && values().equals(((GeneratingArguments) o).values());
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
     * Builder for {@link GeneratingArguments}; starts from LLaMA-Factory's defaults and checks every value in {@link
     * #build()}.
     */
    public static final class Builder {
        private boolean doSample = true;
        private double temperature = 0.95;
        private double topP = 0.7;
        private int topK = 50;
        private Double minP;
        private int numBeams = 1;
        private int maxLength = 1024;
        private int maxNewTokens = 1024;
        private double repetitionPenalty = 1.0;
        private double lengthPenalty = 1.0;
        private boolean skipSpecialTokens = true;

        private Builder() {
        }

        /**
         * Sets {@code do_sample}: whether tokens are sampled (false: greedy or beam search).
         *
         * @param value the value
         * @return this builder
         */
        public Builder doSample(boolean value) {
            this.doSample = value;
            return this;
        }

        /**
         * Sets {@code temperature}: the sampling temperature.
         *
         * @param value the value
         * @return this builder
         */
        public Builder temperature(double value) {
            this.temperature = value;
            return this;
        }

        /**
         * Sets {@code top_p}: nucleus sampling: the smallest set of tokens whose probability reaches p.
         *
         * @param value the value
         * @return this builder
         */
        public Builder topP(double value) {
            this.topP = value;
            return this;
        }

        /**
         * Sets {@code top_k}: the number of most likely tokens sampled from; 0 disables the filter.
         *
         * @param value the value
         * @return this builder
         */
        public Builder topK(int value) {
            this.topK = value;
            return this;
        }

        /**
         * Sets {@code min_p}: min-p sampling: tokens less likely than min_p times the top token are dropped (this
         * library's key).
         *
         * @param value the value, or null for none
         * @return this builder
         */
        public Builder minP(Double value) {
            this.minP = value;
            return this;
        }

        /**
         * Sets {@code num_beams}: the number of beams; 1 means no beam search.
         *
         * @param value the value
         * @return this builder
         */
        public Builder numBeams(int value) {
            this.numBeams = value;
            return this;
        }

        /**
         * Sets {@code max_length}: the maximum length of prompt plus generated tokens, used when {@code max_new_tokens}
         * is 0.
         *
         * @param value the value
         * @return this builder
         */
        public Builder maxLength(int value) {
            this.maxLength = value;
            return this;
        }

        /**
         * Sets {@code max_new_tokens}: the maximum number of generated tokens; 0 means {@code max_length} decides.
         *
         * @param value the value
         * @return this builder
         */
        public Builder maxNewTokens(int value) {
            this.maxNewTokens = value;
            return this;
        }

        /**
         * Sets {@code repetition_penalty}: the repetition penalty; 1 means none.
         *
         * @param value the value
         * @return this builder
         */
        public Builder repetitionPenalty(double value) {
            this.repetitionPenalty = value;
            return this;
        }

        /**
         * Sets {@code length_penalty}: the exponent on the length in beam scores.
         *
         * @param value the value
         * @return this builder
         */
        public Builder lengthPenalty(double value) {
            this.lengthPenalty = value;
            return this;
        }

        /**
         * Sets {@code skip_special_tokens}: whether special tokens are removed from decoded text.
         *
         * @param value the value
         * @return this builder
         */
        public Builder skipSpecialTokens(boolean value) {
            this.skipSpecialTokens = value;
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
        public GeneratingArguments build() {
            return new GeneratingArguments(this);
        }
    }
}
