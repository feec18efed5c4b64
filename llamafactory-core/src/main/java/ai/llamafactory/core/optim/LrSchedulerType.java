package ai.llamafactory.core.optim;

import ai.llamafactory.api.exception.InvalidConfigException;
import java.util.Arrays;
import java.util.Locale;

/** The learning-rate schedules of transformers' {@code get_scheduler} that {@link LrSchedule} implements. */
public enum LrSchedulerType {
    /** Linear warmup, then linear decay to 0 at the last step. */
    LINEAR("linear"),
    /** Linear warmup, then cosine decay ({@code num_cycles} half-waves, 0.5 by default). */
    COSINE("cosine"),
    /** Linear warmup, then {@code num_cycles} (default 1) cosine decays with hard restarts. */
    COSINE_WITH_RESTARTS("cosine_with_restarts"),
    /** Linear warmup, then polynomial decay ({@code power}, default 1) to {@code lr_end} (default 1e-7). */
    POLYNOMIAL("polynomial"),
    /** The learning rate, unchanged. */
    CONSTANT("constant"),
    /** Linear warmup, then the learning rate unchanged. */
    CONSTANT_WITH_WARMUP("constant_with_warmup"),
    /** Linear warmup, then decay as {@code 1/sqrt((step + timescale - warmup) / timescale)}. */
    INVERSE_SQRT("inverse_sqrt"),
    /** Linear warmup, then cosine decay to {@code min_lr} or {@code min_lr_rate} x lr. */
    COSINE_WITH_MIN_LR("cosine_with_min_lr"),
    /** Warmup, stable phase, decay (LLaMA-Factory fills {@code num_stable_steps}/{@code num_decay_steps}). */
    WARMUP_STABLE_DECAY("warmup_stable_decay");

    private final String key;

    LrSchedulerType(String key) {
        this.key = key;
    }

    /** @return the {@code lr_scheduler_type} value */
    public String key() {
        return key;
    }

    /**
     * Resolves an {@code lr_scheduler_type} value.
     *
     * @param value the value from the config, case-insensitive
     * @return the type
     * @throws InvalidConfigException if the value is not one of the supported schedules
     */
    public static LrSchedulerType fromKey(String value) {
        String k = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (LrSchedulerType t : values()) {
            if (t.key.equals(k)) {
                return t;
            }
        }
        throw new InvalidConfigException("lr_scheduler_type: unsupported value '" + value + "'; supported: "
                + Arrays.stream(values()).map(LrSchedulerType::key).toList());
    }
}
