package ai.llamafactory.api.config;

/** How the model's weights are trained, LLaMA-Factory's {@code finetuning_type} key. */
public enum FinetuningType {
    /** Low-rank adapters (and the LoRA family: rsLoRA, DoRA, PiSSA, LoRA+). */
    LORA,
    /** Only selected decoder layers and modules are trained. */
    FREEZE,
    /** Every weight is trained. */
    FULL;

    /** @return the spelling used in configuration files, e.g. {@code lora} */
    public String key() {
        return EnumKeys.lower(this);
    }

    /**
     * Parses a configuration value such as {@code lora} (case-insensitive).
     *
     * @param key the value of {@code finetuning_type}
     * @return the constant
     * @throws ai.llamafactory.api.exception.InvalidConfigException naming the value and the accepted ones
     */
    public static FinetuningType fromKey(String key) {
        return EnumKeys.parse(FinetuningType.class, FinetuningType::key, "finetuning_type", key);
    }
}
