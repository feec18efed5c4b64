package ai.llamafactory.api.config;

import ai.llamafactory.api.exception.InvalidConfigException;
import java.util.Arrays;
import java.util.Locale;

/** How the model's weights are trained, LLaMA-Factory's {@code finetuning_type} key. */
public enum FinetuningType {
    /** Low-rank adapters (and the LoRA family: rsLoRA, DoRA, PiSSA, LoRA+). */
    LORA,
    /** Only selected decoder layers and modules are trained. */
    FREEZE,
    /** Every weight is trained. */
    FULL;

    /** @return the key used in YAML files, e.g. {@code lora} */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a YAML value such as {@code lora}.
     *
     * @param key the value of {@code finetuning_type}
     * @return the type
     * @throws InvalidConfigException naming the value and the accepted ones
     */
    public static FinetuningType fromKey(String key) {
        for (FinetuningType t : values()) {
            if (t.key().equalsIgnoreCase(key == null ? "" : key.trim())) {
                return t;
            }
        }
        throw new InvalidConfigException(
                "finetuning_type: unknown value '" + key + "', expected one of "
                        + Arrays.toString(Arrays.stream(values()).map(FinetuningType::key).toArray()));
    }
}
