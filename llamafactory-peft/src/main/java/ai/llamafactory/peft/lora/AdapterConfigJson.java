package ai.llamafactory.peft.lora;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.data.json.PythonJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * PEFT's {@code adapter_config.json} for LoRA: reading one written by PEFT (any version from 0.10 on) into a
 * {@link LoraConfig}, and writing one with every field PEFT 0.21 writes, so PEFT, vLLM and LLaMA-Factory load the
 * adapters trained here. Written the way PEFT writes it: {@code json.dumps(indent=2, sort_keys=True)}, task type
 * {@code CAUSAL_LM} (what LLaMA-Factory passes), {@code inference_mode: true}.
 */
public final class AdapterConfigJson {
    /** File name of the adapter configuration. */
    public static final String FILE = "adapter_config.json";
    /** The PEFT version whose field set {@link #toJson} writes. */
    public static final String PEFT_FORMAT_VERSION = "0.21.0";

    private static final ObjectMapper JSON = new ObjectMapper();

    private AdapterConfigJson() {}

    /**
     * Reads an adapter configuration.
     *
     * @param file the {@code adapter_config.json}
     * @param modelType the base model's {@code model_type}, for PEFT's default targets when {@code target_modules}
     *     is null
     * @return the LoRA settings
     * @throws CheckpointException if the file is missing, not JSON, not a LoRA configuration, uses a feature this
     *     library does not implement, or has a value out of range (the message names the file, field and value)
     */
    public static LoraConfig read(Path file, String modelType) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CheckpointException("cannot read adapter configuration " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(file + ": expected a JSON object");
        }
        try {
            return parse(root, modelType, file.toString());
        } catch (InvalidConfigException e) {
            throw new CheckpointException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses an adapter configuration object.
     *
     * @param root the JSON object
     * @param modelType the base model's {@code model_type}
     * @param source the file name for error messages
     * @return the settings
     */
    static LoraConfig parse(JsonNode root, String modelType, String source) {
        String peftType = text(root, "peft_type", "LORA");
        if (!peftType.equals("LORA")) {
            throw new InvalidConfigException("peft_type '" + peftType + "' is not supported (only LORA)");
        }
        unsupported(root, "bias", v -> !v.isNull() && !v.asText().equals("none"), "bias other than 'none'");
        unsupported(root, "fan_in_fan_out", JsonNode::asBoolean, "fan_in_fan_out");
        unsupported(root, "lora_bias", JsonNode::asBoolean, "lora_bias");
        unsupported(root, "use_qalora", JsonNode::asBoolean, "QA-LoRA (use_qalora)");
        unsupported(root, "use_bdlora", v -> !v.isNull() && v.asBoolean(), "use_bdlora");
        unsupported(root, "layer_replication", v -> !v.isNull(), "layer_replication");
        unsupported(root, "trainable_token_indices", v -> !v.isNull(), "trainable_token_indices");
        unsupported(root, "alora_invocation_tokens", v -> !v.isNull(), "aLoRA (alora_invocation_tokens)");
        unsupported(root, "target_parameters", v -> !v.isNull() && !v.isEmpty(), "target_parameters");
        unsupported(root, "megatron_config", v -> !v.isNull(), "megatron_config");

        LoraConfig.Builder b = LoraConfig.builder();
        JsonNode r = root.get("r");
        if (r == null || !r.canConvertToInt()) {
            throw new InvalidConfigException("field 'r' must be an integer, got " + r);
        }
        b.rank(r.asInt());
        JsonNode alpha = root.get("lora_alpha");
        b.alpha(alpha == null || alpha.isNull() ? 8 : number(alpha, "lora_alpha"));
        JsonNode dropout = root.get("lora_dropout");
        b.dropout(dropout == null || dropout.isNull() ? 0 : number(dropout, "lora_dropout"));
        b.useRslora(bool(root, "use_rslora"));
        b.useDora(bool(root, "use_dora"));
        b.target(target(root.get("target_modules"), modelType));
        JsonNode exclude = root.get("exclude_modules");
        if (exclude != null && !exclude.isNull()) {
            if (!exclude.isArray()) {
                throw new InvalidConfigException("exclude_modules as a regular expression ('" + exclude.asText()
                        + "') is not supported; use a list of names");
            }
            b.excludeModules(strings(exclude, "exclude_modules"));
        }
        JsonNode layers = root.get("layers_to_transform");
        if (layers != null && !layers.isNull()) {
            List<Integer> idx = new ArrayList<>();
            if (layers.isArray()) {
                layers.forEach(n -> idx.add(n.asInt()));
            } else {
                idx.add(layers.asInt());
            }
            b.layersToTransform(idx);
        }
        JsonNode save = root.get("modules_to_save");
        if (save != null && !save.isNull()) {
            b.additionalTargets(strings(save, "modules_to_save"));
        }
        b.rankPattern(intMap(root.get("rank_pattern"), "rank_pattern"));
        b.alphaPattern(doubleMap(root.get("alpha_pattern"), "alpha_pattern"));
        JsonNode init = root.get("init_lora_weights");
        if (init != null && init.isTextual()) {
            String v = init.asText();
            if (v.equals("gaussian")) {
                b.init(LoraInit.GAUSSIAN);
            } else if (v.equals("pissa")) {
                b.pissa(-1);
            } else if (v.startsWith("pissa_niter_")) {
                try {
                    b.pissa(Integer.parseInt(v.substring("pissa_niter_".length())));
                } catch (NumberFormatException e) {
                    throw new InvalidConfigException("init_lora_weights: malformed '" + v + "'");
                }
            }
        }
        return b.build();
    }

    /** PEFT's default {@code target_modules} per model type, used when a configuration leaves it null. */
    private static LoraTarget target(JsonNode node, String modelType) {
        if (node == null || node.isNull()) {
            return switch (modelType == null ? "" : modelType) {
                case "phi3" -> LoraTarget.names("qkv_proj");
                case "llama", "mistral", "qwen2", "qwen3", "gemma", "gemma2" -> LoraTarget.names("q_proj", "v_proj");
                default -> throw new InvalidConfigException("target_modules is null and PEFT has no default targets "
                        + "for model type '" + modelType + "'");
            };
        }
        if (node.isTextual()) {
            String v = node.asText();
            return v.equals("all-linear") ? LoraTarget.all() : LoraTarget.regex(v);
        }
        return LoraTarget.names(strings(node, "target_modules"));
    }

    /**
     * The configuration PEFT writes for these settings.
     *
     * @param config the adapter's settings
     * @param targetModules the value of {@code target_modules}: the names the user gave, or the names {@code all}
     *     resolved to (written sorted); ignored for a regular-expression target
     * @param baseModelNameOrPath the base model's name or path, or null
     * @return the JSON object, keys in PEFT's (sorted) order
     */
    public static ObjectNode toJson(LoraConfig config, List<String> targetModules, String baseModelNameOrPath) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.putNull("alora_invocation_tokens");
        ObjectNode alphaPattern = o.putObject("alpha_pattern");
        config.alphaPattern().forEach((k, v) -> putNumber(alphaPattern, k, v));
        o.putNull("arrow_config");
        o.putNull("auto_mapping");
        if (baseModelNameOrPath == null) {
            o.putNull("base_model_name_or_path");
        } else {
            o.put("base_model_name_or_path", baseModelNameOrPath);
        }
        o.put("bias", "none");
        o.putNull("corda_config");
        o.put("ensure_weight_tying", false);
        o.putNull("eva_config");
        if (config.excludeModules().isEmpty()) {
            o.putNull("exclude_modules");
        } else {
            ArrayNode a = o.putArray("exclude_modules");
            config.excludeModules().forEach(a::add);
        }
        o.put("fan_in_fan_out", false);
        o.put("inference_mode", true);
        switch (config.init()) {
            case DEFAULT -> o.put("init_lora_weights", true);
            case GAUSSIAN -> o.put("init_lora_weights", "gaussian");
            case PISSA -> o.put(
                    "init_lora_weights",
                    config.pissaIterations() < 0 ? "pissa" : "pissa_niter_" + config.pissaIterations());
            default -> throw new IllegalStateException("unknown init " + config.init());
        }
        o.putNull("kasa_config");
        o.putNull("layer_replication");
        o.putNull("layers_pattern");
        if (config.layersToTransform().isEmpty()) {
            o.putNull("layers_to_transform");
        } else {
            ArrayNode a = o.putArray("layers_to_transform");
            config.layersToTransform().forEach(a::add);
        }
        o.putObject("loftq_config");
        putNumber(o, "lora_alpha", config.alpha());
        o.put("lora_bias", false);
        o.put("lora_dropout", config.dropout());
        o.putNull("lora_ga_config");
        o.putNull("megatron_config");
        o.put("megatron_core", "megatron.core");
        if (config.additionalTargets().isEmpty()) {
            o.putNull("modules_to_save");
        } else {
            ArrayNode a = o.putArray("modules_to_save");
            config.additionalTargets().forEach(a::add);
        }
        o.putNull("monteclora_config");
        o.put("peft_type", "LORA");
        o.put("peft_version", PEFT_FORMAT_VERSION);
        o.put("qalora_group_size", 16);
        o.put("r", config.rank());
        ObjectNode rankPattern = o.putObject("rank_pattern");
        config.rankPattern().forEach(rankPattern::put);
        o.putNull("revision");
        if (config.target().kind() == LoraTarget.Kind.REGEX) {
            o.put("target_modules", config.target().pattern().pattern());
        } else {
            ArrayNode a = o.putArray("target_modules");
            new TreeSet<>(targetModules).forEach(a::add);
        }
        o.putNull("target_parameters");
        o.put("task_type", "CAUSAL_LM");
        o.putNull("trainable_token_indices");
        o.putNull("use_bdlora");
        o.put("use_dora", config.useDora());
        o.put("use_qalora", false);
        o.put("use_rslora", config.useRslora());
        o.putNull("velora_config");
        return o;
    }

    /**
     * Writes a configuration as PEFT does.
     *
     * @param file the target file
     * @param config the JSON object from {@link #toJson}
     * @throws CheckpointException if writing fails
     */
    public static void write(Path file, ObjectNode config) {
        try {
            Files.writeString(
                    file, PythonJson.builder().indent(2).sortKeys(true).build().dumps(config), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CheckpointException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void putNumber(ObjectNode o, String key, double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            o.put(key, (long) v);
        } else {
            o.put(key, v);
        }
    }

    private interface NodeTest {
        boolean test(JsonNode n);
    }

    private static void unsupported(JsonNode root, String field, NodeTest bad, String what) {
        JsonNode v = root.get(field);
        if (v != null && bad.test(v)) {
            throw new InvalidConfigException(what + " is not supported (" + field + " = " + v + ")");
        }
    }

    private static String text(JsonNode root, String field, String fallback) {
        JsonNode v = root.get(field);
        return v == null || v.isNull() ? fallback : v.asText();
    }

    private static boolean bool(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new InvalidConfigException("field '" + field + "' must be true or false, got " + v);
        }
        return v.booleanValue();
    }

    private static double number(JsonNode v, String field) {
        if (!v.isNumber()) {
            throw new InvalidConfigException("field '" + field + "' must be a number, got " + v);
        }
        return v.doubleValue();
    }

    private static List<String> strings(JsonNode node, String field) {
        if (!node.isArray()) {
            throw new InvalidConfigException("field '" + field + "' must be a list of names, got " + node);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : node) {
            if (!n.isTextual()) {
                throw new InvalidConfigException("field '" + field + "' must hold strings, got " + n);
            }
            out.add(n.asText());
        }
        return out;
    }

    private static Map<String, Integer> intMap(JsonNode node, String field) {
        Map<String, Integer> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToInt()) {
                throw new InvalidConfigException(
                        "field '" + field + "': value of '" + e.getKey() + "' must be an integer, got " + e.getValue());
            }
            out.put(e.getKey(), e.getValue().asInt());
        }
        return out;
    }

    private static Map<String, Double> doubleMap(JsonNode node, String field) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), number(e.getValue(), field + "." + e.getKey()));
        }
        return out;
    }
}
