package ai.llamafactory.core.generate;

import ai.llamafactory.api.config.GeneratingArguments;
import ai.llamafactory.api.exception.InvalidConfigException;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How tokens are chosen and when a sequence stops: a view of LLaMA-Factory's {@link GeneratingArguments} plus the
 * values the arguments do not have (the stop token ids a template and model give, stop strings and the seed of one
 * request). Immutable; build with {@link #from(GeneratingArguments)} or {@link #builder()}. Defaults and range checks
 * are the arguments' (one declaration per setting); the checks here are only for the values the arguments lack.
 *
 * <p>Filters follow transformers' semantics and order: repetition penalty, then temperature, top-k, top-p, min-p.
 * Greedy decoding ({@code do_sample} false, or temperature 0 as LLaMA-Factory treats it) ignores temperature and the
 * filters but still applies the repetition penalty.
 */
public final class GenerationConfig {
    private final GeneratingArguments arguments;
    private final List<Integer> eosTokenIds;
    private final List<String> stopStrings;
    private final Long seed;

    private GenerationConfig(
            GeneratingArguments arguments, List<Integer> eosTokenIds, List<String> stopStrings, Long seed) {
        this.arguments = Objects.requireNonNull(arguments, "arguments");
        this.eosTokenIds = List.copyOf(eosTokenIds);
        this.stopStrings = List.copyOf(stopStrings);
        this.seed = seed;
        validate();
    }

    /**
     * The view of the arguments alone: no stop ids beyond the model's, no stop strings, unseeded.
     *
     * @param arguments the generating arguments; {@code max_new_tokens} must be resolved (> 0)
     * @return the configuration
     * @throws InvalidConfigException when {@code max_new_tokens} is 0 (unresolved: see
     *     {@link ai.llamafactory.core.chat.GenerationSettings})
     */
    public static GenerationConfig from(GeneratingArguments arguments) {
        return new GenerationConfig(arguments, List.of(), List.of(), null);
    }

    /** @return a builder starting from {@link GeneratingArguments#defaults()} */
    public static Builder builder() {
        return new Builder(GeneratingArguments.builder(), List.of(), List.of(), null);
    }

    /**
     * @param arguments the generating arguments the builder starts from
     * @return a builder starting from the arguments, with no stop ids or strings and no seed
     */
    public static Builder builder(GeneratingArguments arguments) {
        return new Builder(arguments.toBuilder(), List.of(), List.of(), null);
    }

    /** @return the configuration with every value at the arguments' default */
    public static GenerationConfig defaults() {
        return from(GeneratingArguments.defaults());
    }

    /** @return a builder starting from this configuration */
    public Builder toBuilder() {
        return new Builder(arguments.toBuilder(), eosTokenIds, stopStrings, seed);
    }

    /** @return the arguments this configuration views */
    public GeneratingArguments arguments() {
        return arguments;
    }

    /** @return whether tokens are sampled ({@link GeneratingArguments#DO_SAMPLE}) */
    public boolean doSample() {
        return arguments.doSample();
    }

    /** @return the softmax temperature ({@link GeneratingArguments#TEMPERATURE}); 0 means greedy */
    public double temperature() {
        return arguments.temperature();
    }

    /** @return nucleus filter ({@link GeneratingArguments#TOP_P}) */
    public double topP() {
        return arguments.topP();
    }

    /** @return keep the k most likely tokens; 0 disables ({@link GeneratingArguments#TOP_K}) */
    public int topK() {
        return arguments.topK();
    }

    /** @return min-p ({@link GeneratingArguments#MIN_P}); 0 (unset) disables */
    public double minP() {
        return arguments.minP().orElse(0);
    }

    /** @return repetition penalty; 1 disables ({@link GeneratingArguments#REPETITION_PENALTY}) */
    public double repetitionPenalty() {
        return arguments.repetitionPenalty();
    }

    /** @return the most tokens generated per prompt ({@link GeneratingArguments#MAX_NEW_TOKENS}, resolved: > 0) */
    public int maxNewTokens() {
        return arguments.maxNewTokens();
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
        return !doSample() || temperature() == 0;
    }

    /** Checks only what the arguments do not: the resolved token budget, stop ids and stop strings. */
    private void validate() {
        // the arguments allow max_new_tokens 0 ("max_length decides"); a configuration holds the resolved budget
        check(maxNewTokens() > 0, "max_new_tokens", "must be > 0", maxNewTokens());
        for (Integer id : eosTokenIds) {
            check(id != null && id >= 0, "eos_token_id", "ids must be >= 0", eosTokenIds);
        }
        for (String s : stopStrings) {
            check(s != null && !s.isEmpty(), "stop", "stop strings must not be empty", stopStrings);
        }
    }

    private static void check(boolean ok, String key, String rule, Object value) {
        if (!ok) {
            throw new InvalidConfigException(PREFIX + key + " " + rule + ", got " + value);
        }
    }

    private static final String PREFIX = "generation config: ";

    @Override
    public boolean equals(Object o) {
        return o instanceof GenerationConfig c
                && doSample() == c.doSample()
                && temperature() == c.temperature()
                && topP() == c.topP()
                && topK() == c.topK()
                && minP() == c.minP()
                && repetitionPenalty() == c.repetitionPenalty()
                && maxNewTokens() == c.maxNewTokens()
                && eosTokenIds.equals(c.eosTokenIds)
                && stopStrings.equals(c.stopStrings)
                && Objects.equals(seed, c.seed);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                doSample(),
                temperature(),
                topP(),
                topK(),
                minP(),
                repetitionPenalty(),
                maxNewTokens(),
                eosTokenIds,
                stopStrings,
                seed);
    }

    @Override
    public String toString() {
        return "GenerationConfig{do_sample=" + doSample() + ", temperature=" + temperature() + ", top_p=" + topP()
                + ", top_k=" + topK() + ", min_p=" + minP() + ", repetition_penalty=" + repetitionPenalty()
                + ", max_new_tokens=" + maxNewTokens() + ", eos_token_id=" + eosTokenIds + ", stop=" + stopStrings
                + ", seed=" + seed + "}";
    }

    /**
     * Builder of {@link GenerationConfig}: the sampling settings are written into a {@link GeneratingArguments}
     * builder (its defaults and checks apply), the rest are the configuration's own. Validation happens in build().
     */
    public static final class Builder {
        private final GeneratingArguments.Builder arguments;
        private List<Integer> eosTokenIds;
        private List<String> stopStrings;
        private Long seed;

        private Builder(
                GeneratingArguments.Builder arguments, List<Integer> eosTokenIds, List<String> stopStrings, Long seed) {
            this.arguments = arguments;
            this.eosTokenIds = eosTokenIds;
            this.stopStrings = stopStrings;
            this.seed = seed;
        }

        /**
         * @param value whether to sample (false: greedy)
         * @return this builder
         */
        public Builder doSample(boolean value) {
            arguments.doSample(value);
            return this;
        }

        /**
         * LLaMA-Factory's rule that temperature 0 means greedy decoding: a temperature that is not positive also
         * sets {@code do_sample} false, so the arguments' check is the one for greedy decoding (>= 0).
         *
         * @param value softmax temperature, >= 0 (0: greedy)
         * @return this builder
         */
        public Builder temperature(double value) {
            if (value <= 0) {
                arguments.doSample(false);
            }
            arguments.temperature(value);
            return this;
        }

        /**
         * @param value nucleus mass in (0, 1]; 1 disables
         * @return this builder
         */
        public Builder topP(double value) {
            arguments.topP(value);
            return this;
        }

        /**
         * @param value number of most likely tokens kept, 0 disables
         * @return this builder
         */
        public Builder topK(int value) {
            arguments.topK(value);
            return this;
        }

        /**
         * @param value min-p in [0, 1], 0 disables
         * @return this builder
         */
        public Builder minP(double value) {
            arguments.minP(value);
            return this;
        }

        /**
         * @param value penalty > 0; 1 disables, values above 1 discourage repetition
         * @return this builder
         */
        public Builder repetitionPenalty(double value) {
            arguments.repetitionPenalty(value);
            return this;
        }

        /**
         * @param value the most tokens generated per prompt, > 0
         * @return this builder
         */
        public Builder maxNewTokens(int value) {
            arguments.maxNewTokens(value);
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
            GeneratingArguments built;
            try {
                built = arguments.build();
            } catch (InvalidConfigException e) {
                // the arguments' check is the rule; the message keeps this class's "generation config: key ..." form
                String m = e.getMessage();
                throw new InvalidConfigException(PREFIX + (m == null ? "" : m.replaceFirst("^([a-z_]+): ", "$1 ")), e);
            }
            return new GenerationConfig(built, eosTokenIds, stopStrings, seed);
        }
    }
}
