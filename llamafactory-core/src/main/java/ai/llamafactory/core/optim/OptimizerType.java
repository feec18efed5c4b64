package ai.llamafactory.core.optim;

import ai.llamafactory.api.exception.InvalidConfigException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The optimizers this package implements, with the Hugging Face {@code optim} names that select them. */
public enum OptimizerType {
    /** torch.optim.AdamW; {@code optim: adamw_torch} (also {@code adamw_torch_fused}, the same maths). */
    ADAMW("adamw_torch", "adamw_torch", "adamw_torch_fused"),
    /** torch.optim.SGD; {@code optim: sgd}. */
    SGD("sgd", "sgd"),
    /** transformers' Adafactor; {@code optim: adafactor}. */
    ADAFACTOR("adafactor", "adafactor");

    private final String key;
    private final List<String> aliases;

    OptimizerType(String key, String... aliases) {
        this.key = key;
        this.aliases = List.of(aliases);
    }

    /** @return the canonical {@code optim} value, e.g. {@code adamw_torch} */
    public String key() {
        return key;
    }

    /**
     * Resolves an {@code optim} value.
     *
     * @param optim the value from the YAML/JSON config, case-insensitive
     * @return the optimizer type
     * @throws InvalidConfigException if the value names an optimizer this library does not implement
     */
    public static OptimizerType fromKey(String optim) {
        String k = optim == null ? "" : optim.trim().toLowerCase(Locale.ROOT);
        for (OptimizerType t : values()) {
            if (t.aliases.contains(k)) {
                return t;
            }
        }
        throw new InvalidConfigException("optim: unsupported value '" + optim + "'; supported: "
                + Arrays.stream(values()).flatMap(t -> t.aliases.stream()).toList());
    }
}
