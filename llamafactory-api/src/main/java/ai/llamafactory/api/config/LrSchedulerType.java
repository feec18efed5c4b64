package ai.llamafactory.api.config;

/**
 * Learning-rate schedule, the {@code lr_scheduler_type} key (transformers' names plus LLaMA-Factory's
 * {@code warmup_stable_decay}).
 */
public enum LrSchedulerType {
    /** Linear warm-up, then linear decay to 0 (transformers' default). */
    LINEAR,
    /** Linear warm-up, then half a cosine down to 0. */
    COSINE,
    /** Cosine with hard restarts ({@code num_cycles} in {@code lr_scheduler_kwargs}). */
    COSINE_WITH_RESTARTS,
    /** Polynomial decay ({@code power}, {@code lr_end} in {@code lr_scheduler_kwargs}). */
    POLYNOMIAL,
    /** Constant learning rate. */
    CONSTANT,
    /** Linear warm-up, then constant. */
    CONSTANT_WITH_WARMUP,
    /** Warm-up, then decay with the inverse square root of the step. */
    INVERSE_SQRT,
    /** Reduce when the evaluation metric stops improving. */
    REDUCE_LR_ON_PLATEAU,
    /** Cosine decay down to {@code min_lr} or {@code min_lr_rate} from {@code lr_scheduler_kwargs}. */
    COSINE_WITH_MIN_LR,
    /** Warm-up, stable phase, decay (LLaMA-Factory defaults {@code num_stable_steps} to a third of the rest). */
    WARMUP_STABLE_DECAY;

    /** @return the spelling used in configuration files, e.g. {@code linear} */
    public String key() {
        return EnumKeys.lower(this);
    }

    /**
     * Parses a configuration value such as {@code linear} (case-insensitive).
     *
     * @param key the value of {@code lr_scheduler_type}
     * @return the constant
     * @throws ai.llamafactory.api.exception.InvalidConfigException naming the value and the accepted ones
     */
    public static LrSchedulerType fromKey(String key) {
        return EnumKeys.parse(LrSchedulerType.class, LrSchedulerType::key, "lr_scheduler_type", key);
    }
}
