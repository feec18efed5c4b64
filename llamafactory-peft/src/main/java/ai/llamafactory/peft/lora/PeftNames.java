package ai.llamafactory.peft.lora;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Conversions between the three spellings of an adapter tensor's name.
 *
 * <ul>
 *   <li>Our module path: {@code model.layers.0.self_attn.q_proj.lora_A.default.weight},
 *       {@code model.layers.0.self_attn.q_proj.lora_magnitude_vector.default.weight},
 *       {@code lm_head.modules_to_save.default.weight}.</li>
 *   <li>PEFT's in-memory name: the same with the prefix {@code base_model.model.}.</li>
 *   <li>The name in {@code adapter_model.safetensors}: the prefix, no adapter name, DoRA magnitudes without
 *       {@code .weight}, trained copies under the module's own name:
 *       {@code base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight},
 *       {@code base_model.model.model.layers.0.self_attn.q_proj.lora_magnitude_vector},
 *       {@code base_model.model.lm_head.weight}.</li>
 * </ul>
 *
 * And the Hugging Face name of a base tensor inside a wrapper drops {@code base_layer} / {@code original_module}.
 */
public final class PeftNames {
    /** PEFT's prefix of every name of a causal LM wrapped in {@code PeftModelForCausalLM}. */
    public static final String PREFIX = "base_model.model.";

    private static final Pattern ADAPTER_TENSOR =
            Pattern.compile("(.*)\\.(lora_A|lora_B|lora_magnitude_vector)\\.([^.]+)\\.weight");
    private static final Pattern COPY_TENSOR = Pattern.compile("(.*)\\.modules_to_save\\.([^.]+)\\.(.+)");

    private PeftNames() {}

    /**
     * @param path our parameter path
     * @return PEFT's in-memory name
     */
    public static String inMemory(String path) {
        return PREFIX + path;
    }

    /**
     * The name an adapter tensor is stored under in {@code adapter_model.safetensors}.
     *
     * @param path our parameter path of a lora_A, lora_B, magnitude or modules_to_save tensor
     * @return the stored name
     * @throws IllegalArgumentException for a path that is not an adapter tensor
     */
    public static String saved(String path) {
        Matcher m = ADAPTER_TENSOR.matcher(path);
        if (m.matches()) {
            String kind = m.group(2);
            return PREFIX + m.group(1) + "." + kind + (kind.equals("lora_magnitude_vector") ? "" : ".weight");
        }
        Matcher c = COPY_TENSOR.matcher(path);
        if (c.matches()) {
            return PREFIX + c.group(1) + "." + c.group(3);
        }
        throw new IllegalArgumentException("'" + path + "' is not an adapter tensor path");
    }

    /**
     * The name of a LoRA tensor of one module in an adapter file.
     *
     * @param modulePath the adapted module's path, e.g. {@code model.layers.0.self_attn.q_proj}
     * @param kind {@code lora_A}, {@code lora_B} or {@code lora_magnitude_vector}
     * @return the stored name
     */
    public static String savedLora(String modulePath, String kind) {
        return PREFIX + modulePath + "." + kind + (kind.equals("lora_magnitude_vector") ? "" : ".weight");
    }

    /**
     * The name of a trained copy's tensor in an adapter file.
     *
     * @param modulePath the wrapped module's path, e.g. {@code lm_head}
     * @param local the tensor's local name, e.g. {@code weight}
     * @return the stored name
     */
    public static String savedCopy(String modulePath, String local) {
        return PREFIX + modulePath + "." + local;
    }

    /**
     * The Hugging Face name of a base-model tensor, whether or not a wrapper holds it.
     *
     * @param path our parameter path, e.g. {@code model.layers.0.self_attn.q_proj.base_layer.weight}
     * @return e.g. {@code model.layers.0.self_attn.q_proj.weight}
     */
    public static String huggingFace(String path) {
        return path.replace(".base_layer.", ".").replace(".original_module.", ".");
    }
}
