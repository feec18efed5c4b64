package ai.llamafactory.core.generate;

import ai.llamafactory.api.exception.InvalidConfigException;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How tokens are chosen and when a sequence stops. Immutable; build with {@link #builder()}. The defaults are
 * LLaMA-Factory's {@code GeneratingArguments}: sampling with temperature 0.95, top-p 0.7, top-k 50, no repetition
 * penalty, at most 1024 new tokens.
 *
 * <p>Filters follow transformers' semantics and order: repetition penalty, then temperature, top-k, top-p, min-p.
 * Greedy decoding ({@code do_sample} false, or temperature 0 as LLaMA-Factory treats it) ignores temperature and the
 * filters but still applies the repetition penalty.
 */
public final class GenerationConfig {
    private final boolean doSample;
    private final double temperature;
    private final double topP;
    private final int topK;
    private final double minP;
    private final double repetitionPenalty;
    private final int maxNewTokens;
    private final List<Integer> eosTokenIds;
    private final List<String> stopStrings;
    private final Long seed;

    private GenerationConfig(Builder b) {
        this.doSample = b.doSample;
        this.temperature = b.temperature;
        this.topP = b.topP;
        this.topK = b.topK;
        this.minP = b.minP;
        this.repetitionPenalty = b.repetitionPenalty;
        this.maxNewTokens = b.maxNewTokens;
        this.eosTokenIds = List.copyOf(b.eosTokenIds);
        this.stopStrings = List.copyOf(b.stopStrings);
        this.seed = b.seed;
        validate();
    }

    /** @return a builder holding LLaMA-Factory's defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the configuration with every value at its default */
    public static GenerationConfig defaults() {
        return builder().build();
    }

    /** @return a builder starting from this configuration */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.doSample = doSample;
        b.temperature = temperature;
        b.topP = topP;
        b.topK = topK;
        b.minP = minP;
        b.repetitionPenalty = repetitionPenalty;
        b.maxNewTokens = maxNewTokens;
        b.eosTokenIds = eosTokenIds;
        b.stopStrings = stopStrings;
        b.seed = seed;
        return b;
    }

    /** @return whether tokens are sampled ({@code do_sample}, default true) */
    public boolean doSample() {
        return doSample;
    }

    /** @return the softmax temperature ({@code temperature}, default 0.95); 0 means greedy */
    public double temperature() {
        return temperature;
    }

    /** @return nucleus filter: keep the most likely tokens until their mass reaches p ({@code top_p}, default 0.7) */
    public double topP() {
        return topP;
    }

    /** @return keep the k most likely tokens; 0 disables ({@code top_k}, default 50) */
    public int topK() {
        return topK;
    }

    /** @return drop tokens less likely than min_p times the most likely one; 0 disables ({@code min_p}, default 0) */
    public double minP() {
        return minP;
    }

    /** @return penalty on tokens already in prompt or output; 1 disables ({@code repetition_penalty}, default 1) */
    public double repetitionPenalty() {
        return repetitionPenalty;
    }

    /** @return the most tokens generated per prompt ({@code max_new_tokens}, default 1024) */
    public int maxNewTokens() {
        return maxNewTokens;
    }

    /** @return the ids that end a sequence; empty means the model configuration's {@code eos_token_id} */
    public List<Integer> eosTokenIds() {
        return eosTokenIds;
    }

    /** @return texts that end a sequence when the decoded output contains them (they are cut from the text) */
    public List<String> stopStrings() {
        return stopStrings;
    }

    /** @return the sampling seed; absent means a fresh random seed per generation */
    public OptionalLong seed() {
        return seed == null ? OptionalLong.empty() : OptionalLong.of(seed);
    }

    /** @return true when the next token is the arg-max (no sampling): {@code do_sample} false or temperature 0 */
    public boolean isGreedy() {
        return !doSample || temperature == 0;
    }

    private void validate() {
        check(Double.isFinite(temperature) && temperature >= 0, "temperature", "must be >= 0", temperature);
        check(topP > 0 && topP <= 1, "top_p", "must lie in (0, 1]", topP);
        check(topK >= 0, "top_k", "must be >= 0", topK);
        check(minP >= 0 && minP <= 1, "min_p", "must lie in [0, 1]", minP);
        check(
                Double.isFinite(repetitionPenalty) && repetitionPenalty > 0,
                "repetition_penalty",
                "must be > 0",
                repetitionPenalty);
        check(maxNewTokens > 0, "max_new_tokens", "must be > 0", maxNewTokens);
        for (Integer id : eosTokenIds) {
            check(id != null && id >= 0, "eos_token_id", "ids must be >= 0", eosTokenIds);
        }
        for (String s : stopStrings) {
            check(s != null && !s.isEmpty(), "stop", "stop strings must not be empty", stopStrings);
        }
    }

    private static void check(boolean ok, String key, String rule, Object value) {
        if (!ok) {
            throw new InvalidConfigException("generation config: " + key + " " + rule + ", got " + value);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GenerationConfig c
                && doSample == c.doSample
                && temperature == c.temperature
                && topP == c.topP
                && topK == c.topK
                && minP == c.minP
                && repetitionPenalty == c.repetitionPenalty
                && maxNewTokens == c.maxNewTokens
                && eosTokenIds.equals(c.eosTokenIds)
                && stopStrings.equals(c.stopStrings)
                && Objects.equals(seed, c.seed);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                doSample,
                temperature,
                topP,
                topK,
                minP,
                repetitionPenalty,
                maxNewTokens,
                eosTokenIds,
                stopStrings,
                seed);
    }

    @Override
    public String toString() {
        return "GenerationConfig{do_sample=" + doSample + ", temperature=" + temperature + ", top_p=" + topP
                + ", top_k=" + topK + ", min_p=" + minP + ", repetition_penalty=" + repetitionPenalty
                + ", max_new_tokens=" + maxNewTokens + ", eos_token_id=" + eosTokenIds + ", stop=" + stopStrings
                + ", seed=" + seed + "}";
    }

    /** Builder of {@link GenerationConfig}; starts at LLaMA-Factory's defaults. Validation happens in build(). */
    public static final class Builder {
        private boolean doSample = true;
        private double temperature = 0.95;
        private double topP = 0.7;
        private int topK = 50;
        private double minP = 0;
        private double repetitionPenalty = 1.0;
        private int maxNewTokens = 1024;
        private List<Integer> eosTokenIds = List.of();
        private List<String> stopStrings = List.of();
        private Long seed;

        private Builder() {}

        /**
         * @param value whether to sample (false: greedy)
         * @return this builder
         */
        public Builder doSample(boolean value) {
            this.doSample = value;
            return this;
        }

        /**
         * @param value softmax temperature, >= 0 (0: greedy)
         * @return this builder
         */
        public Builder temperature(double value) {
            this.temperature = value;
            return this;
        }

        /**
         * @param value nucleus mass in (0, 1]; 1 disables
         * @return this builder
         */
        public Builder topP(double value) {
            this.topP = value;
            return this;
        }

        /**
         * @param value number of most likely tokens kept, 0 disables
         * @return this builder
         */
        public Builder topK(int value) {
            this.topK = value;
            return this;
        }

        /**
         * @param value min-p in [0, 1], 0 disables
         * @return this builder
         */
        public Builder minP(double value) {
            this.minP = value;
            return this;
        }

        /**
         * @param value penalty > 0; 1 disables, values above 1 discourage repetition
         * @return this builder
         */
        public Builder repetitionPenalty(double value) {
            this.repetitionPenalty = value;
            return this;
        }

        /**
         * @param value the most tokens generated per prompt, > 0
         * @return this builder
         */
        public Builder maxNewTokens(int value) {
            this.maxNewTokens = value;
            return this;
        }

        /**
         * @param ids token ids that end a sequence (empty: the model's {@code eos_token_id})
         * @return this builder
         */
        public Builder eosTokenIds(List<Integer> ids) {
            this.eosTokenIds = List.copyOf(Objects.requireNonNull(ids, "eosTokenIds"));
            return this;
        }

        /**
         * @param ids token ids that end a sequence
         * @return this builder
         */
        public Builder eosTokenIds(int... ids) {
            return eosTokenIds(java.util.Arrays.stream(ids).boxed().toList());
        }

        /**
         * @param stops texts that end a sequence; a {@link Detokenizer} is then required
         * @return this builder
         */
        public Builder stopStrings(List<String> stops) {
            this.stopStrings = List.copyOf(Objects.requireNonNull(stops, "stopStrings"));
            return this;
        }

        /**
         * @param stops texts that end a sequence
         * @return this builder
         */
        public Builder stopStrings(String... stops) {
            return stopStrings(List.of(stops));
        }

        /**
         * @param value sampling seed: the same seed, prompts and config give the same tokens
         * @return this builder
         */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * Removes the seed: every generation draws a fresh one.
         *
         * @return this builder
         */
        public Builder unseeded() {
            this.seed = null;
            return this;
        }

        /**
         * @return the configuration
         * @throws InvalidConfigException when a value is out of range (the message names the key and value)
         */
        public GenerationConfig build() {
            return new GenerationConfig(this);
        }
    }
}
