package ai.llamafactory.api.config;

/**
 * When something happens during training: the {@code eval_strategy} and {@code logging_strategy} keys.
 */
public enum IntervalStrategy {
    /** Never. */
    NO,
    /** Every {@code *_steps} optimizer steps. */
    STEPS,
    /** At the end of every epoch. */
    EPOCH;

    /** @return the spelling used in configuration files, e.g. {@code no} */
    public String key() {
        return EnumKeys.lower(this);
    }

    /**
     * Parses a configuration value such as {@code no} (case-insensitive).
     *
     * @param key the value of {@code eval_strategy}
     * @return the constant
     * @throws ai.llamafactory.api.exception.InvalidConfigException naming the value and the accepted ones
     */
    public static IntervalStrategy fromKey(String key) {
        return EnumKeys.parse(IntervalStrategy.class, IntervalStrategy::key, "eval_strategy", key);
    }
}
