package ai.llamafactory.core.config;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.api.exception.InvalidConfigException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A decoder's {@code config.json}, immutable. Reads both the current transformers layout ({@code rope_parameters},
 * {@code dtype}, {@code layer_types}) and the legacy one most published checkpoints use ({@code rope_theta},
 * {@code rope_scaling}, {@code torch_dtype}, {@code use_sliding_window}/{@code max_window_layers}). The original JSON is
 * kept so that an exported model writes back every key it was given.
 */
public final class ModelConfig {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String modelType;
    private final int vocabSize;
    private final int hiddenSize;
    private final int intermediateSize;
    private final int numLayers;
    private final int numHeads;
    private final int numKvHeads;
    private final int headDim;
    private final String hiddenAct;
    private final int maxPositionEmbeddings;
    private final double rmsNormEps;
    private final RopeParameters rope;
    private final boolean tieWordEmbeddings;
    private final boolean attentionBias;
    private final boolean mlpBias;
    private final List<Integer> slidingWindowPerLayer;
    private final String dtype;
    private final Integer bosTokenId;
    private final List<Integer> eosTokenIds;
    private final Integer padTokenId;
    private final double initializerRange;
    private final ObjectNode json;

    private ModelConfig(ObjectNode json, ConfigDefaults defaults, String source) {
        this.json = json.deepCopy();
        this.modelType = text(json, "model_type", null);
        this.vocabSize = positiveInt(json, "vocab_size", null, source);
        this.hiddenSize = positiveInt(json, "hidden_size", null, source);
        this.intermediateSize = positiveInt(json, "intermediate_size", null, source);
        this.numLayers = positiveInt(json, "num_hidden_layers", null, source);
        this.numHeads = positiveInt(json, "num_attention_heads", null, source);
        this.numKvHeads = positiveInt(json, "num_key_value_heads", numHeads, source);
        if (numHeads % numKvHeads != 0) {
            throw new CheckpointException(source + ": num_attention_heads (" + numHeads
                    + ") must be a multiple of num_key_value_heads (" + numKvHeads + ")");
        }
        Integer hd = json.hasNonNull("head_dim") ? json.get("head_dim").asInt() : null;
        if (hd == null && hiddenSize % numHeads != 0) {
            throw new CheckpointException(source + ": hidden_size (" + hiddenSize
                    + ") is not divisible by num_attention_heads (" + numHeads + ") and head_dim is not set");
        }
        this.headDim = hd != null ? hd : hiddenSize / numHeads;
        // Gemma names its activation hidden_activation and ignores hidden_act (legacy configs say "gelu" there).
        String act = text(json, defaults.activationKey(), defaults.hiddenAct());
        this.hiddenAct = act.toLowerCase(Locale.ROOT);
        this.maxPositionEmbeddings = positiveInt(json, "max_position_embeddings", 2048, source);
        this.rmsNormEps =
                json.hasNonNull("rms_norm_eps") ? json.get("rms_norm_eps").asDouble() : defaults.rmsNormEps();
        this.rope = parseRope(json, defaults, source);
        this.tieWordEmbeddings = json.hasNonNull("tie_word_embeddings")
                ? json.get("tie_word_embeddings").asBoolean()
                : defaults.tieWordEmbeddings();
        this.attentionBias =
                json.hasNonNull("attention_bias") ? json.get("attention_bias").asBoolean() : defaults.attentionBias();
        this.mlpBias = json.hasNonNull("mlp_bias") && json.get("mlp_bias").asBoolean();
        this.slidingWindowPerLayer = parseSlidingWindows(json, defaults, source);
        String dt = text(json, "dtype", null);
        this.dtype = dt != null ? dt : text(json, "torch_dtype", "float32");
        this.bosTokenId =
                json.hasNonNull("bos_token_id") ? json.get("bos_token_id").asInt() : null;
        this.eosTokenIds = intList(json.get("eos_token_id"), "eos_token_id", source);
        this.padTokenId =
                json.hasNonNull("pad_token_id") && json.get("pad_token_id").isInt()
                        ? json.get("pad_token_id").asInt()
                        : null;
        this.initializerRange = json.hasNonNull("initializer_range")
                ? json.get("initializer_range").asDouble()
                : 0.02;
    }

    /**
     * Parses a config.json file.
     *
     * @param file path of config.json
     * @param defaults the architecture's values for keys the file leaves out
     * @return the configuration
     * @throws CheckpointException if the file is missing, not JSON, or lacks a required key
     */
    public static ModelConfig read(Path file, ConfigDefaults defaults) {
        return parse(readJson(file), defaults, file.toString());
    }

    /**
     * Reads only the {@code model_type} of a config.json.
     *
     * @param file path of config.json
     * @return the model type
     * @throws CheckpointException if the file is missing, not JSON, or has no model_type
     */
    public static String readModelType(Path file) {
        JsonNode node = readJson(file);
        if (!node.isObject() || !node.hasNonNull("model_type")) {
            throw new CheckpointException(file + ": missing key 'model_type'");
        }
        return node.get("model_type").asText();
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(Files.readAllBytes(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CheckpointException(file + ": config.json not found");
        } catch (IOException e) {
            throw new CheckpointException(file + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Parses a config from a JSON tree.
     *
     * @param node the JSON object
     * @param defaults the architecture's values for keys the JSON leaves out
     * @param source a name for error messages (usually the file path)
     * @return the configuration
     */
    public static ModelConfig parse(JsonNode node, ConfigDefaults defaults, String source) {
        if (node == null || !node.isObject()) {
            throw new CheckpointException(source + ": config.json must hold a JSON object");
        }
        return new ModelConfig((ObjectNode) node, defaults, source);
    }

    private static RopeParameters parseRope(ObjectNode json, ConfigDefaults defaults, String source) {
        JsonNode params = json.get("rope_parameters");
        JsonNode scaling = json.get("rope_scaling");
        JsonNode r =
                params != null && params.isObject() ? params : (scaling != null && scaling.isObject() ? scaling : null);
        double theta;
        if (r != null && r.hasNonNull("rope_theta")) {
            theta = r.get("rope_theta").asDouble();
        } else if (json.hasNonNull("rope_theta")) {
            theta = json.get("rope_theta").asDouble();
        } else {
            theta = defaults.ropeTheta();
        }
        double partial = json.hasNonNull("partial_rotary_factor")
                ? json.get("partial_rotary_factor").asDouble()
                : 1.0;
        if (r == null) {
            return withPartial(RopeParameters.defaults(theta), partial);
        }
        String typeName = r.hasNonNull("rope_type")
                ? r.get("rope_type").asText()
                : (r.hasNonNull("type") ? r.get("type").asText() : "default");
        RopeType type;
        switch (typeName.toLowerCase(Locale.ROOT)) {
            case "default" -> type = RopeType.DEFAULT;
            case "linear" -> type = RopeType.LINEAR;
            case "dynamic" -> type = RopeType.DYNAMIC;
            case "yarn" -> type = RopeType.YARN;
            case "llama3" -> type = RopeType.LLAMA3;
            case "longrope", "su" -> type = RopeType.LONGROPE;
            default -> throw new InvalidConfigException(source + ": rope_type '" + typeName
                    + "' is not supported; supported: default, linear, dynamic, yarn, llama3, longrope");
        }
        if (r.hasNonNull("partial_rotary_factor")) {
            partial = r.get("partial_rotary_factor").asDouble();
        }
        int originalMax = r.hasNonNull("original_max_position_embeddings")
                ? r.get("original_max_position_embeddings").asInt()
                : (json.hasNonNull("original_max_position_embeddings")
                        ? json.get("original_max_position_embeddings").asInt()
                        : 0);
        double factor = r.hasNonNull("factor") ? r.get("factor").asDouble() : 1.0;
        if (type != RopeType.DEFAULT && type != RopeType.LONGROPE && !(factor >= 1.0) && type != RopeType.LINEAR) {
            throw new InvalidConfigException(source + ": rope factor must be >= 1, got " + factor);
        }
        if (type == RopeType.LINEAR && !(factor > 0)) {
            throw new InvalidConfigException(source + ": rope factor must be > 0, got " + factor);
        }
        return new RopeParameters(
                type,
                theta,
                factor,
                partial,
                originalMax,
                r.hasNonNull("low_freq_factor") ? r.get("low_freq_factor").asDouble() : 1.0,
                r.hasNonNull("high_freq_factor") ? r.get("high_freq_factor").asDouble() : 4.0,
                r.hasNonNull("beta_fast") ? r.get("beta_fast").asDouble() : 32.0,
                r.hasNonNull("beta_slow") ? r.get("beta_slow").asDouble() : 1.0,
                r.hasNonNull("attention_factor") ? r.get("attention_factor").asDouble() : Double.NaN,
                r.hasNonNull("mscale") ? r.get("mscale").asDouble() : 0,
                r.hasNonNull("mscale_all_dim") ? r.get("mscale_all_dim").asDouble() : 0,
                !r.hasNonNull("truncate") || r.get("truncate").asBoolean(),
                doubleList(r.get("short_factor")),
                doubleList(r.get("long_factor")));
    }

    private static RopeParameters withPartial(RopeParameters d, double partial) {
        return new RopeParameters(
                d.type(),
                d.theta(),
                d.factor(),
                partial,
                d.originalMaxPositionEmbeddings(),
                d.lowFreqFactor(),
                d.highFreqFactor(),
                d.betaFast(),
                d.betaSlow(),
                d.attentionFactor(),
                d.mscale(),
                d.mscaleAllDim(),
                d.truncate(),
                d.shortFactor(),
                d.longFactor());
    }

    private List<Integer> parseSlidingWindows(ObjectNode json, ConfigDefaults defaults, String source) {
        Integer window =
                json.hasNonNull("sliding_window") && json.get("sliding_window").canConvertToInt()
                        ? json.get("sliding_window").asInt()
                        : null;
        List<Integer> out = new ArrayList<>(numLayers);
        JsonNode layerTypes = json.get("layer_types");
        if (window != null && layerTypes != null && layerTypes.isArray()) {
            if (layerTypes.size() != numLayers) {
                throw new CheckpointException(
                        source + ": layer_types has " + layerTypes.size() + " entries, expected " + numLayers);
            }
            for (JsonNode t : layerTypes) {
                out.add("sliding_attention".equals(t.asText()) ? window : null);
            }
            return Collections.unmodifiableList(out);
        }
        boolean enabled;
        int firstSliding = 0;
        if (json.has("use_sliding_window")) {
            enabled = json.get("use_sliding_window").asBoolean();
            if (json.hasNonNull("max_window_layers")) {
                firstSliding = json.get("max_window_layers").asInt();
            }
        } else {
            enabled = defaults.slidingWindowByDefault();
        }
        for (int i = 0; i < numLayers; i++) {
            out.add(enabled && window != null && i >= firstSliding ? window : null);
        }
        return Collections.unmodifiableList(out);
    }

    private static List<Integer> intList(JsonNode n, String key, String source) {
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (n.isInt() || n.isLong()) {
            return List.of(n.asInt());
        }
        if (n.isArray()) {
            List<Integer> out = new ArrayList<>();
            for (JsonNode e : n) {
                if (!e.canConvertToInt()) {
                    throw new CheckpointException(source + ": " + key + " must be an int or a list of ints, got " + n);
                }
                out.add(e.asInt());
            }
            return List.copyOf(out);
        }
        throw new CheckpointException(source + ": " + key + " must be an int or a list of ints, got " + n);
    }

    private static List<Double> doubleList(JsonNode n) {
        if (n == null || !n.isArray()) {
            return List.of();
        }
        List<Double> out = new ArrayList<>();
        n.forEach(e -> out.add(e.asDouble()));
        return out;
    }

    private static String text(JsonNode json, String key, String fallback) {
        JsonNode n = json.get(key);
        return n == null || n.isNull() ? fallback : n.asText();
    }

    private static int positiveInt(JsonNode json, String key, Integer fallback, String source) {
        JsonNode n = json.get(key);
        if (n == null || n.isNull()) {
            if (fallback == null) {
                throw new CheckpointException(source + ": missing required key '" + key + "'");
            }
            return fallback;
        }
        if (!n.canConvertToInt() || n.asInt() <= 0) {
            throw new CheckpointException(source + ": '" + key + "' must be a positive integer, got " + n);
        }
        return n.asInt();
    }

    /** @return config.json's model_type */
    public String modelType() {
        return modelType;
    }

    /** @return vocabulary size (rows of the embedding matrix) */
    public int vocabSize() {
        return vocabSize;
    }

    /** @return model width */
    public int hiddenSize() {
        return hiddenSize;
    }

    /** @return MLP inner width */
    public int intermediateSize() {
        return intermediateSize;
    }

    /** @return number of decoder layers */
    public int numLayers() {
        return numLayers;
    }

    /** @return number of query heads */
    public int numHeads() {
        return numHeads;
    }

    /** @return number of key/value heads (grouped-query attention when fewer than query heads) */
    public int numKvHeads() {
        return numKvHeads;
    }

    /** @return per-head width (may differ from hidden/heads) */
    public int headDim() {
        return headDim;
    }

    /** @return the MLP activation name, lower case (silu, gelu, gelu_pytorch_tanh, ...) */
    public String hiddenAct() {
        return hiddenAct;
    }

    /** @return the context length the model supports */
    public int maxPositionEmbeddings() {
        return maxPositionEmbeddings;
    }

    /** @return RMSNorm epsilon */
    public double rmsNormEps() {
        return rmsNormEps;
    }

    /** @return rotary embedding settings */
    public RopeParameters rope() {
        return rope;
    }

    /** @return true when lm_head shares the embedding matrix */
    public boolean tieWordEmbeddings() {
        return tieWordEmbeddings;
    }

    /** @return true when q/k/v/o projections have biases (config key attention_bias) */
    public boolean attentionBias() {
        return attentionBias;
    }

    /** @return true when the MLP projections have biases */
    public boolean mlpBias() {
        return mlpBias;
    }

    /**
     * @param layer a decoder layer index
     * @return the sliding attention window of that layer, or empty for full attention
     */
    public Optional<Integer> slidingWindow(int layer) {
        return Optional.ofNullable(slidingWindowPerLayer.get(layer));
    }

    /** @return the checkpoint's stored dtype name (float32, float16, bfloat16) */
    public String dtype() {
        return dtype;
    }

    /** @return the bos token id, if the config sets one */
    public Optional<Integer> bosTokenId() {
        return Optional.ofNullable(bosTokenId);
    }

    /** @return eos token ids (config.json allows an int or a list); empty when unset */
    public List<Integer> eosTokenIds() {
        return eosTokenIds;
    }

    /** @return the pad token id, if set */
    public Optional<Integer> padTokenId() {
        return Optional.ofNullable(padTokenId);
    }

    /** @return standard deviation for random initialisation */
    public double initializerRange() {
        return initializerRange;
    }

    /** @return a copy of the JSON this config was read from */
    public ObjectNode json() {
        return json.deepCopy();
    }

    /**
     * @param key a config.json key
     * @return the raw JSON value, or empty
     */
    public Optional<JsonNode> raw(String key) {
        return Optional.ofNullable(json.get(key)).filter(n -> !n.isNull());
    }

    @Override
    public String toString() {
        return modelType + "{layers=" + numLayers + ", hidden=" + hiddenSize + ", heads=" + numHeads + "/" + numKvHeads
                + ", head_dim=" + headDim + ", vocab=" + vocabSize + ", rope="
                + rope.type().key() + "}";
    }
}
