package ai.llamafactory.api.config;

/** Training stage, LLaMA-Factory's {@code stage} key. */
public enum Stage {
    /** Pre-training on plain text: loss on every token. */
    PT,
    /** Supervised fine-tuning: loss on response tokens only. */
    SFT,
    /** Reward modelling with a scalar value head on pairwise data. */
    RM,
    /** Proximal policy optimisation against a reward model. */
    PPO,
    /** Direct preference optimisation and its loss family (sigmoid, hinge, ipo, orpo, simpo, ...). */
    DPO,
    /** Kahneman-Tversky optimisation on unpaired desirable/undesirable feedback. */
    KTO;

    /** @return the spelling used in configuration files, e.g. {@code sft} */
    public String key() {
        return EnumKeys.lower(this);
    }

    /**
     * Parses a configuration value such as {@code sft} (case-insensitive).
     *
     * @param key the value of {@code stage}
     * @return the constant
     * @throws ai.llamafactory.api.exception.InvalidConfigException naming the value and the accepted ones
     */
    public static Stage fromKey(String key) {
        return EnumKeys.parse(Stage.class, Stage::key, "stage", key);
    }
}
