package ai.llamafactory.api.config;

/**
 * Which elements ratio-wise BAdam updates, the {@code badam_mask_mode} key.
 */
public enum BadamMaskMode {
    /** Trainable elements are adjacent to each other. */
    ADJACENT,
    /** Trainable elements are chosen at random across the weight. */
    SCATTER;

    /** @return the spelling used in configuration files, e.g. {@code adjacent} */
    public String key() {
        return EnumKeys.lower(this);
    }

    /**
     * Parses a configuration value such as {@code adjacent} (case-insensitive).
     *
     * @param key the value of {@code badam_mask_mode}
     * @return the constant
     * @throws ai.llamafactory.api.exception.InvalidConfigException naming the value and the accepted ones
     */
    public static BadamMaskMode fromKey(String key) {
        return EnumKeys.parse(BadamMaskMode.class, BadamMaskMode::key, "badam_mask_mode", key);
    }
}
