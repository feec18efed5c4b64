package ai.llamafactory.api.config;

/**
 * Optimizer, the {@code optim} key (transformers' names). GaLore, BAdam and LoRA+ are chosen with their own keys
 * and wrap the optimizer named here.
 */
public enum OptimizerType {
    /** AdamW with decoupled weight decay (transformers' default). */
    ADAMW_TORCH,
    /** AdamW, fused kernel in PyTorch; numerically the same as {@link #ADAMW_TORCH}. */
    ADAMW_TORCH_FUSED,
    /** AdamW with 8-bit optimizer states. */
    ADAMW_8BIT,
    /** AdamW with 8-bit optimizer states (bitsandbytes spelling). */
    ADAMW_BNB_8BIT,
    /** Paged AdamW with 8-bit states. */
    PAGED_ADAMW_8BIT,
    /** Adafactor: factored second moments, no first moment by default. */
    ADAFACTOR,
    /** Stochastic gradient descent. */
    SGD,
    /** Adagrad. */
    ADAGRAD,
    /** RMSprop. */
    RMSPROP;

    /** @return the spelling used in configuration files, e.g. {@code adamw_torch} */
    public String key() {
        return EnumKeys.lower(this);
    }

    /**
     * Parses a configuration value such as {@code adamw_torch} (case-insensitive).
     *
     * @param key the value of {@code optim}
     * @return the constant
     * @throws ai.llamafactory.api.exception.InvalidConfigException naming the value and the accepted ones
     */
    public static OptimizerType fromKey(String key) {
        return EnumKeys.parse(OptimizerType.class, OptimizerType::key, "optim", key);
    }
}
