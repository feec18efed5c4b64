package ai.llamafactory.api.config;

/**
 * How several datasets are mixed, the {@code mix_strategy} key.
 */
public enum MixStrategy {
    /** Concatenate the datasets. */
    CONCAT,
    /** Interleave, stopping when the first dataset is exhausted (undersampling). */
    INTERLEAVE_UNDER,
    /** Interleave until every dataset is exhausted, repeating the shorter ones (oversampling). */
    INTERLEAVE_OVER,
    /** Interleave until every dataset is exhausted, without repeating examples. */
    INTERLEAVE_ONCE;

    /** @return the spelling used in configuration files, e.g. {@code concat} */
    public String key() {
        return EnumKeys.lower(this);
    }

    /**
     * Parses a configuration value such as {@code concat} (case-insensitive).
     *
     * @param key the value of {@code mix_strategy}
     * @return the constant
     * @throws ai.llamafactory.api.exception.InvalidConfigException naming the value and the accepted ones
     */
    public static MixStrategy fromKey(String key) {
        return EnumKeys.parse(MixStrategy.class, MixStrategy::key, "mix_strategy", key);
    }
}
