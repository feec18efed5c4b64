package ai.llamafactory.api.config;

/**
 * Order in which layer-wise BAdam visits blocks, the {@code badam_switch_mode} key.
 */
public enum BadamSwitchMode {
    /** First layer to last. */
    ASCENDING,
    /** Last layer to first. */
    DESCENDING,
    /** Random order. */
    RANDOM,
    /** Always the start block. */
    FIXED;

    /** @return the spelling used in configuration files, e.g. {@code ascending} */
    public String key() {
        return EnumKeys.lower(this);
    }

    /**
     * Parses a configuration value such as {@code ascending} (case-insensitive).
     *
     * @param key the value of {@code badam_switch_mode}
     * @return the constant
     * @throws ai.llamafactory.api.exception.InvalidConfigException naming the value and the accepted ones
     */
    public static BadamSwitchMode fromKey(String key) {
        return EnumKeys.parse(BadamSwitchMode.class, BadamSwitchMode::key, "badam_switch_mode", key);
    }
}
