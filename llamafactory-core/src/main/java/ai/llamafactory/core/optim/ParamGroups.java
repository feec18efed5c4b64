package ai.llamafactory.core.optim;

import ai.djl.ndarray.NDArray;
import ai.llamafactory.api.exception.InvalidConfigException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds the parameter groups the Hugging Face Trainer and LLaMA-Factory build.
 *
 * <p><b>Weight decay.</b> transformers' {@code Trainer.get_decay_parameter_names} decays every trainable tensor
 * except biases and normalisation weights: a parameter is exempt when its lower-cased full name matches one of
 * {@code bias}, {@code layernorm}, {@code rmsnorm}, {@code (^|.)norm($|.)} or {@code _norm($|.)} (searched anywhere
 * in the name; parameters of {@code nn.LayerNorm} modules are exempt too, and their HF names always match those
 * patterns). For Llama-style names that exempts {@code *.bias}, {@code input_layernorm}, {@code
 * post_attention_layernorm}, {@code model.norm}, {@code q_norm} and {@code k_norm}.
 *
 * <p><b>LoRA+.</b> LLaMA-Factory's {@code _create_loraplus_optimizer} makes four groups: {@code lora_a} (everything
 * else, learning rate, weight decay), {@code lora_b} (names containing {@code lora_B} and all 1-D tensors that take
 * weight decay, learning rate x {@code loraplus_lr_ratio}), {@code lora_b_nodecay} (the same without weight decay)
 * and {@code embedding} (names containing {@code lora_embedding_B}, learning rate {@code loraplus_lr_embedding},
 * weight decay). The embedding group's rate is expressed as the multiplier {@code loraplus_lr_embedding /
 * learning_rate}, so that it follows the schedule as every torch param group does. LLaMA-Factory decides "takes
 * weight decay" for LoRA+ with an older rule (only {@code bias} in the name and {@code nn.LayerNorm} modules), so a
 * trainable RMSNorm weight would land in {@code lora_b} there but lands in {@code lora_b_nodecay} here; this only
 * matters when norm weights are trained next to the adapters.
 */
public final class ParamGroups {
    /** Label of the group that takes weight decay. */
    public static final String DECAY = "decay";
    /** Label of the group without weight decay. */
    public static final String NO_DECAY = "no_decay";
    /** Label of the LoRA+ group of lora_A and other parameters. */
    public static final String LORA_A = "lora_a";
    /** Label of the LoRA+ group of lora_B and 1-D parameters with weight decay. */
    public static final String LORA_B = "lora_b";
    /** Label of the LoRA+ group of lora_B and 1-D parameters without weight decay. */
    public static final String LORA_B_NO_DECAY = "lora_b_nodecay";
    /** Label of the LoRA+ group of lora_embedding_B. */
    public static final String EMBEDDING = "embedding";

    private static final List<Pattern> NO_DECAY_PATTERNS = List.of(
            Pattern.compile("bias"),
            Pattern.compile("layernorm"),
            Pattern.compile("rmsnorm"),
            Pattern.compile("(?:^|\\.)norm(?:$|\\.)"),
            Pattern.compile("_norm(?:$|\\.)"));

    private ParamGroups() {}

    /**
     * Whether the Hugging Face Trainer applies weight decay to a parameter.
     *
     * @param parameterName the full Hugging Face (or PEFT) parameter name
     * @return false for biases and normalisation weights, true otherwise
     */
    public static boolean appliesWeightDecay(String parameterName) {
        String lower = parameterName.toLowerCase(Locale.ROOT);
        for (Pattern p : NO_DECAY_PATTERNS) {
            if (p.matcher(lower).find()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The Trainer's default grouping: one group with weight decay, one without. Empty groups are left out.
     *
     * @param trainable name to trainable array, in model order
     * @param weightDecay {@code weight_decay}
     * @return the {@value #DECAY} and {@value #NO_DECAY} groups (learning-rate multiplier 1)
     * @throws InvalidConfigException if the weight decay is negative or not finite
     */
    public static List<ParamGroup> withWeightDecay(Map<String, ? extends NDArray> trainable, double weightDecay) {
        Map<String, NDArray> decay = new LinkedHashMap<>();
        Map<String, NDArray> noDecay = new LinkedHashMap<>();
        trainable.forEach((name, array) -> (appliesWeightDecay(name) ? decay : noDecay).put(name, array));
        List<ParamGroup> groups = new ArrayList<>(2);
        addIfNotEmpty(groups, ParamGroup.builder(DECAY).params(decay).weightDecay(weightDecay));
        addIfNotEmpty(groups, ParamGroup.builder(NO_DECAY).params(noDecay).weightDecay(0.0));
        return groups;
    }

    /**
     * LLaMA-Factory's LoRA+ grouping. Empty groups are left out.
     *
     * @param trainable name to trainable array, in model order
     * @param learningRate {@code learning_rate}, checked by {@link
     *     ai.llamafactory.api.config.TrainingArguments#LEARNING_RATE}; at 0 every group, the embeddings included, stays
     *     at 0
     * @param weightDecay {@code weight_decay}
     * @param loraPlusLrRatio {@code loraplus_lr_ratio}, &gt; 0
     * @param loraPlusLrEmbedding {@code loraplus_lr_embedding} (LLaMA-Factory's default is 1e-6)
     * @return the {@value #LORA_A}, {@value #LORA_B}, {@value #LORA_B_NO_DECAY} and {@value #EMBEDDING} groups
     * @throws InvalidConfigException if a rate is not positive and finite or the weight decay is negative
     */
    public static List<ParamGroup> loraPlus(
            Map<String, ? extends NDArray> trainable,
            double learningRate,
            double weightDecay,
            double loraPlusLrRatio,
            double loraPlusLrEmbedding) {
        requirePositive("loraplus_lr_ratio", loraPlusLrRatio);
        requirePositive("loraplus_lr_embedding", loraPlusLrEmbedding);
        Map<String, NDArray> loraA = new LinkedHashMap<>();
        Map<String, NDArray> loraB = new LinkedHashMap<>();
        Map<String, NDArray> loraBNoDecay = new LinkedHashMap<>();
        Map<String, NDArray> embedding = new LinkedHashMap<>();
        trainable.forEach((name, array) -> {
            if (name.contains("lora_embedding_B")) {
                embedding.put(name, array);
            } else if (name.contains("lora_B") || array.getShape().dimension() == 1) {
                (appliesWeightDecay(name) ? loraB : loraBNoDecay).put(name, array);
            } else {
                loraA.put(name, array);
            }
        });
        List<ParamGroup> groups = new ArrayList<>(4);
        addIfNotEmpty(groups, ParamGroup.builder(LORA_A).params(loraA).weightDecay(weightDecay));
        addIfNotEmpty(
                groups,
                ParamGroup.builder(LORA_B)
                        .params(loraB)
                        .weightDecay(weightDecay)
                        .lrMultiplier(loraPlusLrRatio));
        addIfNotEmpty(
                groups,
                ParamGroup.builder(LORA_B_NO_DECAY)
                        .params(loraBNoDecay)
                        .weightDecay(0.0)
                        .lrMultiplier(loraPlusLrRatio));
        addIfNotEmpty(
                groups,
                ParamGroup.builder(EMBEDDING)
                        .params(embedding)
                        .weightDecay(weightDecay)
                        .lrMultiplier(learningRate > 0 ? loraPlusLrEmbedding / learningRate : 0.0));
        return groups;
    }

    private static void addIfNotEmpty(List<ParamGroup> groups, ParamGroup.Builder builder) {
        ParamGroup g = builder.build();
        if (!g.params().isEmpty()) {
            groups.add(g);
        }
    }

    private static void requirePositive(String field, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new InvalidConfigException(field + ": must be a finite number > 0, got " + value);
        }
    }
}
