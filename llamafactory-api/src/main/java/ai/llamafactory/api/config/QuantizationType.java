package ai.llamafactory.api.config;

/**
 * Data type of 4-bit weights, the {@code quantization_type} key.
 */
public enum QuantizationType {
    /** 4-bit NormalFloat. */
    NF4,
    /** 4-bit floating point. */
    FP4;

    /** @return the spelling used in configuration files, e.g. {@code nf4} */
    public String key() {
        return EnumKeys.lower(this);
    }

    /**
     * Parses a configuration value such as {@code nf4} (case-insensitive).
     *
     * @param key the value of {@code quantization_type}
     * @return the constant
     * @throws ai.llamafactory.api.exception.InvalidConfigException naming the value and the accepted ones
     */
    public static QuantizationType fromKey(String key) {
        return EnumKeys.parse(QuantizationType.class, QuantizationType::key, "quantization_type", key);
    }
}
