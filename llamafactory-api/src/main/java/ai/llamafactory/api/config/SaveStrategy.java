package ai.llamafactory.api.config;

/**
 * When checkpoints are saved, the {@code save_strategy} key.
 */
public enum SaveStrategy {
    /** Never (the final model is still written). */
    NO,
    /** Every {@code save_steps} optimizer steps. */
    STEPS,
    /** At the end of every epoch. */
    EPOCH,
    /** Whenever {@code metric_for_best_model} improves. */
    BEST;

    /** @return the spelling used in configuration files, e.g. {@code no} */
    public String key() {
        return EnumKeys.lower(this);
    }

    /**
     * Parses a configuration value such as {@code no} (case-insensitive).
     *
     * @param key the value of {@code save_strategy}
     * @return the constant
     * @throws ai.llamafactory.api.exception.InvalidConfigException naming the value and the accepted ones
     */
    public static SaveStrategy fromKey(String key) {
        return EnumKeys.parse(SaveStrategy.class, SaveStrategy::key, "save_strategy", key);
    }
}
