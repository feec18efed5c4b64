package ai.llamafactory.api.config;

/**
 * On-the-fly quantization of the base model, the {@code quantization_method} key. Checkpoints that are already
 * quantized (GPTQ, AWQ, ...) are recognised from their {@code config.json} instead.
 */
public enum QuantizationMethod {
    /** bitsandbytes-style 4-bit (NF4/FP4) or 8-bit weights. */
    BNB,
    /** Half-quadratic quantization, 1 to 8 bits. */
    HQQ,
    /** 8-bit per-channel weights. */
    EETQ;

    /** @return the spelling used in configuration files, e.g. {@code bnb} */
    public String key() {
        return EnumKeys.lower(this);
    }

    /**
     * Parses a configuration value such as {@code bnb} (case-insensitive).
     *
     * @param key the value of {@code quantization_method}
     * @return the constant
     * @throws ai.llamafactory.api.exception.InvalidConfigException naming the value and the accepted ones
     */
    public static QuantizationMethod fromKey(String key) {
        return EnumKeys.parse(QuantizationMethod.class, QuantizationMethod::key, "quantization_method", key);
    }
}
