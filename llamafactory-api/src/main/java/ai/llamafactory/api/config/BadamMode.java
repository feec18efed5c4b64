package ai.llamafactory.api.config;

/**
 * BAdam's partitioning, the {@code badam_mode} key.
 */
public enum BadamMode {
    /** Block-coordinate descent over decoder layers. */
    LAYER,
    /** A random fraction ({@code badam_update_ratio}) of each weight is updated. */
    RATIO;

    /** @return the spelling used in configuration files, e.g. {@code layer} */
    public String key() {
        return EnumKeys.lower(this);
    }

    /**
     * Parses a configuration value such as {@code layer} (case-insensitive).
     *
     * @param key the value of {@code badam_mode}
     * @return the constant
     * @throws ai.llamafactory.api.exception.InvalidConfigException naming the value and the accepted ones
     */
    public static BadamMode fromKey(String key) {
        return EnumKeys.parse(BadamMode.class, BadamMode::key, "badam_mode", key);
    }
}
