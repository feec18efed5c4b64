package ai.llamafactory.api.config;

/**
 * How the PPO reward model is given, LLaMA-Factory's {@code reward_model_type} key.
 */
public enum RewardModelType {
    /** A LoRA adapter (with value head) loaded into the policy model as a second adapter (model-sharing RLHF). */
    LORA,
    /** A separate full reward model. */
    FULL,
    /** An HTTP endpoint that scores conversations. */
    API;

    /** @return the spelling used in configuration files, e.g. {@code lora} */
    public String key() {
        return EnumKeys.lower(this);
    }

    /**
     * Parses a configuration value such as {@code lora} (case-insensitive).
     *
     * @param key the value of {@code reward_model_type}
     * @return the constant
     * @throws ai.llamafactory.api.exception.InvalidConfigException naming the value and the accepted ones
     */
    public static RewardModelType fromKey(String key) {
        return EnumKeys.parse(RewardModelType.class, RewardModelType::key, "reward_model_type", key);
    }
}
