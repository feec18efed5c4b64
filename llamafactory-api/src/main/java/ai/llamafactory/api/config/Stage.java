package ai.llamafactory.api.config;

import ai.llamafactory.api.exception.InvalidConfigException;
import java.util.Arrays;
import java.util.Locale;

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

    /** @return the key used in YAML files, e.g. {@code sft} */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a YAML value such as {@code sft}.
     *
     * @param key the value of the {@code stage} key
     * @return the stage
     * @throws InvalidConfigException naming the value and the accepted ones
     */
    public static Stage fromKey(String key) {
        for (Stage s : values()) {
            if (s.key().equalsIgnoreCase(key == null ? "" : key.trim())) {
                return s;
            }
        }
        throw new InvalidConfigException(
                "stage: unknown value '" + key + "', expected one of "
                        + Arrays.toString(Arrays.stream(values()).map(Stage::key).toArray()));
    }
}
