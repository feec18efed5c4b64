package ai.llamafactory.peft.freeze;

import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.nn.Param;
import ai.llamafactory.peft.TrainableParameters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Freeze tuning as LLaMA-Factory's {@code _setup_freeze_tuning} does it, and full tuning.
 *
 * <p>Freeze: the trainable decoder layers are the last n ({@code freeze_trainable_layers > 0}), the first n
 * ({@code < 0}), or with LLaMA-Pro every {@code num_layers / n}-th layer ending at the last one. Inside them, the
 * sub-modules named in {@code freeze_trainable_modules} (the first path component after the layer index, e.g.
 * {@code self_attn}, {@code mlp}, {@code input_layernorm}; {@code all} for everything) are trained; the modules of
 * {@code freeze_extra_modules} (names of modules outside the layers, e.g. {@code embed_tokens}, {@code norm},
 * {@code lm_head}) too. LLaMA-Factory selects parameters by substring: a parameter is trained when its name contains
 * {@code .<layer>.<module>} or an extra module's name; so {@code norm} as an extra module also trains every layer's
 * {@code input_layernorm} and {@code post_attention_layernorm}, exactly as there.
 */
public final class FreezeTuning {
    private static final Pattern LAYER_INDEX = Pattern.compile("\\.\\d+\\.");

    private FreezeTuning() {}

    /**
     * Freezes everything but the selected parameters.
     *
     * @param model the model (without adapters)
     * @param config the selection
     * @return the names of the trainable parameters, in model order
     * @throws InvalidConfigException if a module name is not found (the message lists the names there are), the
     *     layer count does not divide for LLaMA-Pro, or nothing would be trained
     */
    public static List<String> apply(CausalLm model, FreezeConfig config) {
        Map<String, Param> params = model.parameters();
        int numLayers = model.config().numLayers();
        List<Integer> layerIds = trainableLayerIds(numLayers, config);
        TreeSet<String> hiddenModules = new TreeSet<>();
        TreeSet<String> nonHiddenModules = new TreeSet<>();
        for (String name : params.keySet()) {
            if (name.contains(".0.")) {
                hiddenModules.add(firstComponentAfter(name, ".0."));
            } else if (name.contains(".1.")) {
                hiddenModules.add(firstComponentAfter(name, ".1."));
            }
            if (!LAYER_INDEX.matcher(name).find()) {
                String[] parts = name.split("\\.");
                if (parts.length >= 2) {
                    nonHiddenModules.add(parts[parts.length - 2]);
                }
            }
        }
        List<String> patterns = new ArrayList<>();
        for (String module : config.trainableModules()) {
            if (!module.equals("all") && !hiddenModules.contains(module)) {
                throw new InvalidConfigException("freeze_trainable_modules: module '" + module + "' is not found, "
                        + "please choose from " + hiddenModules + " or 'all'");
            }
            for (int idx : layerIds) {
                patterns.add("." + idx + "." + (module.equals("all") ? "" : module));
            }
        }
        for (String module : config.extraModules()) {
            if (!nonHiddenModules.contains(module)) {
                throw new InvalidConfigException("freeze_extra_modules: module '" + module + "' is not found, please "
                        + "choose from " + nonHiddenModules);
            }
            patterns.add(module);
        }
        List<String> trainable = new ArrayList<>();
        for (Map.Entry<String, Param> e : params.entrySet()) {
            boolean train = patterns.stream().anyMatch(e.getKey()::contains);
            e.getValue().setTrainable(train);
            if (train) {
                trainable.add(e.getKey());
            }
        }
        if (trainable.isEmpty()) {
            throw new InvalidConfigException("freeze tuning selects no parameter (freeze_trainable_layers="
                    + config.trainableLayers() + ", freeze_trainable_modules=" + config.trainableModules()
                    + ", freeze_extra_modules=" + config.extraModules() + ")");
        }
        return trainable;
    }

    /**
     * The decoder layers freeze tuning trains.
     *
     * @param numLayers the model's layer count
     * @param config the selection
     * @return layer indices, ascending
     */
    public static List<Integer> trainableLayerIds(int numLayers, FreezeConfig config) {
        int n = config.trainableLayers();
        List<Integer> ids = new ArrayList<>();
        if (config.llamaPro()) {
            if (numLayers % n != 0) {
                throw new InvalidConfigException("freeze_trainable_layers: the number of layers " + numLayers
                        + " must be divisible by " + n + " for use_llama_pro");
            }
            int stride = numLayers / n;
            for (int i = stride - 1; i < numLayers + stride - 1; i += stride) {
                ids.add(i);
            }
        } else if (n > 0) {
            for (int i = Math.max(0, numLayers - n); i < numLayers; i++) {
                ids.add(i);
            }
        } else {
            for (int i = 0; i < Math.min(-n, numLayers); i++) {
                ids.add(i);
            }
        }
        return ids;
    }

    private static String firstComponentAfter(String name, String marker) {
        String rest = name.substring(name.lastIndexOf(marker) + marker.length());
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    /**
     * Full tuning: every parameter trainable.
     *
     * @param model the model
     * @return the counts (trainable equals total)
     */
    public static TrainableParameters full(CausalLm model) {
        model.setAllTrainable(true);
        return TrainableParameters.of(model);
    }

    /**
     * The trainable tensors for the optimizer.
     *
     * @param model the model
     * @return name to array of every trainable parameter, in model order
     */
    public static Map<String, ai.djl.ndarray.NDArray> trainableArrays(CausalLm model) {
        Map<String, ai.djl.ndarray.NDArray> out = new LinkedHashMap<>();
        model.parameters().forEach((k, p) -> {
            if (p.isTrainable()) {
                out.put(k, p.array());
            }
        });
        return out;
    }
}
