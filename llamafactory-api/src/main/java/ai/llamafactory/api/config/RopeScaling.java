package ai.llamafactory.api.config;

/**
 * RoPE scaling for contexts longer than the model was trained on, the {@code rope_scaling} key.
 */
public enum RopeScaling {
    /** Position interpolation: positions divided by the factor. */
    LINEAR,
    /** Dynamic NTK scaling. */
    DYNAMIC,
    /** YaRN. */
    YARN,
    /** Llama 3.1's frequency-dependent scaling. */
    LLAMA3;

    /** @return the spelling used in configuration files, e.g. {@code linear} */
    public String key() {
        return EnumKeys.lower(this);
    }

    /**
     * Parses a configuration value such as {@code linear} (case-insensitive).
     *
     * @param key the value of {@code rope_scaling}
     * @return the constant
     * @throws ai.llamafactory.api.exception.InvalidConfigException naming the value and the accepted ones
     */
    public static RopeScaling fromKey(String key) {
        return EnumKeys.parse(RopeScaling.class, RopeScaling::key, "rope_scaling", key);
    }
}
