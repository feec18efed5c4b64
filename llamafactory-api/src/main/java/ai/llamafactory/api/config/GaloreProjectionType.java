package ai.llamafactory.api.config;

/**
 * Which side GaLore projects gradients from, the {@code galore_proj_type} key.
 */
public enum GaloreProjectionType {
    /** Project from the smaller side. */
    STD,
    /** Project from the larger side. */
    REVERSE_STD,
    /** Always project from the right. */
    RIGHT,
    /** Always project from the left. */
    LEFT,
    /** Project from both sides. */
    FULL;

    /** @return the spelling used in configuration files, e.g. {@code std} */
    public String key() {
        return EnumKeys.lower(this);
    }

    /**
     * Parses a configuration value such as {@code std} (case-insensitive).
     *
     * @param key the value of {@code galore_proj_type}
     * @return the constant
     * @throws ai.llamafactory.api.exception.InvalidConfigException naming the value and the accepted ones
     */
    public static GaloreProjectionType fromKey(String key) {
        return EnumKeys.parse(GaloreProjectionType.class, GaloreProjectionType::key, "galore_proj_type", key);
    }
}
