package ai.llamafactory.api.config;

import static ai.llamafactory.api.config.Key.nonNegative;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Where a model comes from, how it is loaded and placed on a device: LLaMA-Factory's {@code ModelArguments} with its
 * quantization arguments. Immutable; build with {@link #builder(String)}.
 *
 * <p>Besides LLaMA-Factory's keys it has this library's {@code offline}, {@code device} and {@code hub_endpoint}.
 * LLaMA-Factory keys that do not apply here ({@code trust_remote_code}, {@code flash_attn}, {@code use_fast_tokenizer}
 * ...) are accepted by the configuration reader and reported as ignored; see {@link FineTuneConfig}. Each setting is declared once, as a {@link Key}
 * constant below; accessors and builder methods read and write through it.
 */
public final class ModelArguments {
    private static final Key.Group KEYS = new Key.Group();

    /** {@code model_name_or_path}. */
    public static final Key<String> MODEL_NAME_OR_PATH = KEYS.add(Key.of(
                    "model_name_or_path",
                    ValueType.STRING,
                    null,
                    "a local Hugging Face model folder or a hub id such as {@code Qwen/Qwen3-0.6B}")
            .check(
                    "required, not blank",
                    Key.require(
                            v -> !v.isBlank(), v -> "must name a local model folder or a hub id, got '" + v + "'")));
    /** {@code adapter_name_or_path}. */
    public static final Key<List<String>> ADAPTER_NAME_OR_PATH = KEYS.add(Key.of(
                    "adapter_name_or_path",
                    ValueType.STRING_LIST,
                    List.of(),
                    "adapters loaded on top of the model: all but the last are merged into it, the last is trained further (or kept as is when {@code create_new_adapter})")
            .nullable());
    /** {@code model_revision}. */
    public static final Key<String> MODEL_REVISION =
            KEYS.add(Key.of("model_revision", ValueType.STRING, "main", "the hub revision (branch, tag or commit)")
                    .check("not blank", Key.require(v -> !v.isBlank(), v -> "must not be empty")));
    /** {@code cache_dir}. */
    public static final Key<Path> CACHE_DIR = KEYS.add(Key.of(
            "cache_dir",
            ValueType.PATH,
            null,
            "the download cache folder; none means {@code $HF_HOME/hub} or {@code ~/.cache/huggingface/hub}"));
    /** {@code hf_hub_token}. */
    public static final Key<String> HF_HUB_TOKEN = KEYS.add(Key.of(
            "hf_hub_token",
            ValueType.STRING,
            null,
            "the hub token; none means the {@code HF_TOKEN} environment variable, if set"));
    /** {@code hub_endpoint}. */
    public static final Key<String> HUB_ENDPOINT = KEYS.add(Key.of(
            "hub_endpoint",
            ValueType.STRING,
            null,
            "the hub endpoint (this library's key); none means {@code HF_ENDPOINT} or {@code https://huggingface.co}"));
    /** {@code offline}. */
    public static final Key<Boolean> OFFLINE = KEYS.add(Key.of(
            "offline",
            ValueType.BOOLEAN,
            false,
            "whether downloads are forbidden (this library's key; also forced by {@code HF_HUB_OFFLINE=1})"));
    /** {@code device}. */
    public static final Key<String> DEVICE = KEYS.add(Key.of(
                    "device",
                    ValueType.STRING,
                    "auto",
                    "the device: {@code auto}, {@code cpu}, {@code cuda} or {@code cuda:N} (this library's key)")
            .check(
                    "auto, cpu, cuda or cuda:N",
                    Key.require(
                            v -> v.matches("auto|cpu|gpu(:\\d+)?|cuda(:\\d+)?"),
                            v -> "expected auto, cpu, cuda or cuda:N, got '" + v + "'")));
    /** {@code infer_dtype}. */
    public static final Key<Precision> INFER_DTYPE = KEYS.add(Key.of(
            "infer_dtype",
            ValueType.ofEnum(Precision.class, Precision::key, Precision::fromKey),
            Precision.AUTO,
            "the requested precision when {@code bf16}/{@code fp16} do not decide it"));
    /** {@code resize_vocab}. */
    public static final Key<Boolean> RESIZE_VOCAB = KEYS.add(Key.of(
                    "resize_vocab",
                    ValueType.BOOLEAN,
                    false,
                    "whether the embedding and output layers are resized to the tokenizer's vocabulary")
            .unsupported("resizing the embeddings is not implemented"));
    /** {@code add_tokens}. */
    public static final Key<List<String>> ADD_TOKENS =
            KEYS.add(Key.of("add_tokens", ValueType.STRING_LIST, List.of(), "ordinary tokens added to the tokenizer")
                    .nullable()
                    .unsupported("adding tokens to the vocabulary is not implemented"));
    /** {@code add_special_tokens}. */
    public static final Key<List<String>> ADD_SPECIAL_TOKENS = KEYS.add(
            Key.of("add_special_tokens", ValueType.STRING_LIST, List.of(), "special tokens added to the tokenizer")
                    .nullable()
                    .unsupported("adding special tokens to the vocabulary is not implemented"));
    /** {@code rope_scaling}. */
    public static final Key<RopeScaling> ROPE_SCALING = KEYS.add(Key.of(
                    "rope_scaling",
                    ValueType.ofEnum(RopeScaling.class, RopeScaling::key, RopeScaling::fromKey),
                    null,
                    "the RoPE scaling used to extend the context; none keeps the model's")
            .unsupported("RoPE scaling is read from the model's config.json; set rope_scaling there"));
    /** {@code disable_gradient_checkpointing}. */
    public static final Key<Boolean> DISABLE_GRADIENT_CHECKPOINTING = KEYS.add(Key.of(
                    "disable_gradient_checkpointing",
                    ValueType.BOOLEAN,
                    false,
                    "whether activation (gradient) checkpointing is turned off")
            .unsupported("activation checkpointing is chosen by the engine"));
    /** {@code upcast_layernorm}. */
    public static final Key<Boolean> UPCAST_LAYERNORM = KEYS.add(
            Key.of("upcast_layernorm", ValueType.BOOLEAN, false, "whether normalisation weights are kept in fp32")
                    .unsupported(
                            "upcasting layer norms is not implemented; the compute precision follows device and infer_dtype"));
    /** {@code upcast_lmhead_output}. */
    public static final Key<Boolean> UPCAST_LMHEAD_OUTPUT = KEYS.add(Key.of(
                    "upcast_lmhead_output",
                    ValueType.BOOLEAN,
                    false,
                    "whether the output layer's logits are computed in fp32")
            .unsupported("upcasting the LM head output is not implemented; the loss is always computed in fp32"));
    /** {@code train_from_scratch}. */
    public static final Key<Boolean> TRAIN_FROM_SCRATCH = KEYS.add(Key.of(
                    "train_from_scratch",
                    ValueType.BOOLEAN,
                    false,
                    "whether the weights are randomly initialised instead of loaded")
            .unsupported("random initialisation is not implemented; training starts from the checkpoint's weights"));
    /** {@code moe_aux_loss_coef}. */
    public static final Key<Double> MOE_AUX_LOSS_COEF = KEYS.add(Key.of(
                    "moe_aux_loss_coef",
                    ValueType.DOUBLE,
                    null,
                    "the coefficient of the router auxiliary loss of mixture-of-experts models")
            .unsupported("no mixture-of-experts model family is implemented")
            .check(">= 0", nonNegative()));
    /** {@code use_kv_cache}. */
    public static final Key<Boolean> USE_KV_CACHE =
            KEYS.add(Key.of("use_kv_cache", ValueType.BOOLEAN, true, "whether generation uses a key/value cache")
                    .unsupported("generation always uses the KV cache"));
    /** {@code quantization_bit}. */
    public static final Key<Integer> QUANTIZATION_BIT = KEYS.add(
            Key.of(
                            "quantization_bit",
                            ValueType.INTEGER,
                            null,
                            "the number of bits for on-the-fly quantization of the base model (QLoRA)")
                    .unsupported(
                            "quantized loading (QLoRA) is not implemented yet; remove quantization_bit to train LoRA on the full-precision model"));
    /** {@code quantization_method}. */
    public static final Key<QuantizationMethod> QUANTIZATION_METHOD = KEYS.add(Key.of(
                    "quantization_method",
                    ValueType.ofEnum(QuantizationMethod.class, QuantizationMethod::key, QuantizationMethod::fromKey),
                    QuantizationMethod.BNB,
                    "the on-the-fly quantization method")
            .unsupported("only used with quantization_bit, which is not supported yet"));
    /** {@code quantization_type}. */
    public static final Key<QuantizationType> QUANTIZATION_TYPE = KEYS.add(Key.of(
                    "quantization_type",
                    ValueType.ofEnum(QuantizationType.class, QuantizationType::key, QuantizationType::fromKey),
                    QuantizationType.NF4,
                    "the 4-bit data type")
            .unsupported("only used with quantization_bit, which is not supported yet"));
    /** {@code double_quantization}. */
    public static final Key<Boolean> DOUBLE_QUANTIZATION = KEYS.add(Key.of(
                    "double_quantization",
                    ValueType.BOOLEAN,
                    true,
                    "whether the 4-bit quantization constants are quantized too")
            .unsupported("only used with quantization_bit, which is not supported yet"));

    private static final ArgumentGroup<ModelArguments, Builder> SCHEMA = Settings.schema(
            "model",
            KEYS,
            Builder::new,
            Builder::build,
            () -> builder("model").build(),
            "model_name_or_path",
            a -> a.values,
            b -> b.values);

    private final Settings values;

    private ModelArguments(Settings values) {
        this.values = values;
        // the one required key: absent is refused here, blank by its declaration
        Checks.require(
                values.get(MODEL_NAME_OR_PATH) != null,
                "model_name_or_path",
                "must name a local model folder or a hub id, got nothing");
    }

    /**
     * Starts a builder.
     *
     * @param modelNameOrPath a local Hugging Face model folder or a hub id such as {@code Qwen/Qwen3-0.6B}
     * @return a builder with LLaMA-Factory's defaults
     */
    public static Builder builder(String modelNameOrPath) {
        return new Builder().modelNameOrPath(modelNameOrPath);
    }

    /** @return the configuration-file keys of this class */
    static ArgumentGroup<ModelArguments, Builder> schema() {
        return SCHEMA;
    }

    /** @return a builder initialised with this object's values */
    public Builder toBuilder() {
        return new Builder(values.toBuilder());
    }

    /** @return {@link #MODEL_NAME_OR_PATH} */
    public String modelNameOrPath() {
        return values.get(MODEL_NAME_OR_PATH);
    }

    /** @return {@link #ADAPTER_NAME_OR_PATH} */
    public List<String> adapterNameOrPath() {
        return values.get(ADAPTER_NAME_OR_PATH);
    }

    /** @return {@link #MODEL_REVISION} */
    public String revision() {
        return values.get(MODEL_REVISION);
    }

    /** @return {@link #CACHE_DIR}, empty when unset */
    public Optional<Path> cacheDir() {
        return Optional.ofNullable(values.get(CACHE_DIR));
    }

    /** @return {@link #HF_HUB_TOKEN}, empty when unset */
    public Optional<String> hubToken() {
        return Optional.ofNullable(values.get(HF_HUB_TOKEN));
    }

    /** @return {@link #HUB_ENDPOINT}, empty when unset */
    public Optional<String> hubEndpoint() {
        return Optional.ofNullable(values.get(HUB_ENDPOINT));
    }

    /** @return {@link #OFFLINE} */
    public boolean offline() {
        return values.get(OFFLINE);
    }

    /** @return {@link #DEVICE} */
    public String device() {
        return values.get(DEVICE);
    }

    /** @return {@link #INFER_DTYPE} */
    public Precision precision() {
        return values.get(INFER_DTYPE);
    }

    /** @return {@link #RESIZE_VOCAB} */
    public boolean resizeVocab() {
        return values.get(RESIZE_VOCAB);
    }

    /** @return {@link #ADD_TOKENS} */
    public List<String> addTokens() {
        return values.get(ADD_TOKENS);
    }

    /** @return {@link #ADD_SPECIAL_TOKENS} */
    public List<String> addSpecialTokens() {
        return values.get(ADD_SPECIAL_TOKENS);
    }

    /** @return {@link #ROPE_SCALING}, empty when unset */
    public Optional<RopeScaling> ropeScaling() {
        return Optional.ofNullable(values.get(ROPE_SCALING));
    }

    /** @return {@link #DISABLE_GRADIENT_CHECKPOINTING} */
    public boolean disableGradientCheckpointing() {
        return values.get(DISABLE_GRADIENT_CHECKPOINTING);
    }

    /** @return {@link #UPCAST_LAYERNORM} */
    public boolean upcastLayernorm() {
        return values.get(UPCAST_LAYERNORM);
    }

    /** @return {@link #UPCAST_LMHEAD_OUTPUT} */
    public boolean upcastLmheadOutput() {
        return values.get(UPCAST_LMHEAD_OUTPUT);
    }

    /** @return {@link #TRAIN_FROM_SCRATCH} */
    public boolean trainFromScratch() {
        return values.get(TRAIN_FROM_SCRATCH);
    }

    /** @return {@link #MOE_AUX_LOSS_COEF}, empty when unset */
    public OptionalDouble moeAuxLossCoef() {
        return values.optionalDouble(MOE_AUX_LOSS_COEF);
    }

    /** @return {@link #USE_KV_CACHE} */
    public boolean useKvCache() {
        return values.get(USE_KV_CACHE);
    }

    /** @return {@link #QUANTIZATION_BIT}, empty when unset */
    public OptionalInt quantizationBit() {
        return values.optionalInt(QUANTIZATION_BIT);
    }

    /** @return {@link #QUANTIZATION_METHOD} */
    public QuantizationMethod quantizationMethod() {
        return values.get(QUANTIZATION_METHOD);
    }

    /** @return {@link #QUANTIZATION_TYPE} */
    public QuantizationType quantizationType() {
        return values.get(QUANTIZATION_TYPE);
    }

    /** @return {@link #DOUBLE_QUANTIZATION} */
    public boolean doubleQuantization() {
        return values.get(DOUBLE_QUANTIZATION);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelArguments && values.equals(((ModelArguments) o).values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    /** @return the class name and every key that differs from its default, in configuration-file spelling */
    @Override
    public String toString() {
        return SCHEMA.describe(this);
    }

    /**
     * Builder for {@link ModelArguments}; starts from LLaMA-Factory's defaults and checks every value in {@link
     * #build()}. Each method sets the key of the same name (see the constants of {@link ModelArguments}).
     */
    public static final class Builder {
        private final Settings.Builder values;

        private Builder() {
            this(new Settings.Builder(KEYS));
        }

        private Builder(Settings.Builder values) {
            this.values = values;
        }

        private Builder set(Key<?> key, Object value) {
            values.set(key, value);
            return this;
        }

        /**
         * @param value {@link ModelArguments#MODEL_NAME_OR_PATH}, or null for none
         * @return this builder
         */
        public Builder modelNameOrPath(String value) {
            return set(MODEL_NAME_OR_PATH, value);
        }

        /**
         * @param values {@link ModelArguments#ADAPTER_NAME_OR_PATH}, or null for none
         * @return this builder
         */
        public Builder adapterNameOrPath(List<String> values) {
            return set(ADAPTER_NAME_OR_PATH, values);
        }

        /**
         * @param values {@link ModelArguments#ADAPTER_NAME_OR_PATH}, or null for none
         * @return this builder
         */
        public Builder adapterNameOrPath(String... values) {
            return set(ADAPTER_NAME_OR_PATH, Arrays.asList(values));
        }

        /**
         * @param value {@link ModelArguments#MODEL_REVISION}
         * @return this builder
         */
        public Builder revision(String value) {
            return set(MODEL_REVISION, value);
        }

        /**
         * @param value {@link ModelArguments#CACHE_DIR}, or null for none
         * @return this builder
         */
        public Builder cacheDir(Path value) {
            return set(CACHE_DIR, value);
        }

        /**
         * @param value {@link ModelArguments#CACHE_DIR}, or null for none
         * @return this builder
         */
        public Builder cacheDir(String value) {
            return set(CACHE_DIR, Checks.path("cache_dir", value));
        }

        /**
         * @param value {@link ModelArguments#HF_HUB_TOKEN}, or null for none
         * @return this builder
         */
        public Builder hubToken(String value) {
            return set(HF_HUB_TOKEN, value);
        }

        /**
         * @param value {@link ModelArguments#HUB_ENDPOINT}, or null for none
         * @return this builder
         */
        public Builder hubEndpoint(String value) {
            return set(HUB_ENDPOINT, value);
        }

        /**
         * @param value {@link ModelArguments#OFFLINE}
         * @return this builder
         */
        public Builder offline(boolean value) {
            return set(OFFLINE, value);
        }

        /**
         * @param value {@link ModelArguments#DEVICE}
         * @return this builder
         */
        public Builder device(String value) {
            return set(DEVICE, value);
        }

        /**
         * @param value {@link ModelArguments#INFER_DTYPE}
         * @return this builder
         */
        public Builder precision(Precision value) {
            return set(INFER_DTYPE, value);
        }

        /**
         * @param value {@link ModelArguments#RESIZE_VOCAB}
         * @return this builder
         */
        public Builder resizeVocab(boolean value) {
            return set(RESIZE_VOCAB, value);
        }

        /**
         * @param values {@link ModelArguments#ADD_TOKENS}, or null for none
         * @return this builder
         */
        public Builder addTokens(List<String> values) {
            return set(ADD_TOKENS, values);
        }

        /**
         * @param values {@link ModelArguments#ADD_TOKENS}, or null for none
         * @return this builder
         */
        public Builder addTokens(String... values) {
            return set(ADD_TOKENS, Arrays.asList(values));
        }

        /**
         * @param values {@link ModelArguments#ADD_SPECIAL_TOKENS}, or null for none
         * @return this builder
         */
        public Builder addSpecialTokens(List<String> values) {
            return set(ADD_SPECIAL_TOKENS, values);
        }

        /**
         * @param values {@link ModelArguments#ADD_SPECIAL_TOKENS}, or null for none
         * @return this builder
         */
        public Builder addSpecialTokens(String... values) {
            return set(ADD_SPECIAL_TOKENS, Arrays.asList(values));
        }

        /**
         * @param value {@link ModelArguments#ROPE_SCALING}, or null for none
         * @return this builder
         */
        public Builder ropeScaling(RopeScaling value) {
            return set(ROPE_SCALING, value);
        }

        /**
         * @param value {@link ModelArguments#DISABLE_GRADIENT_CHECKPOINTING}
         * @return this builder
         */
        public Builder disableGradientCheckpointing(boolean value) {
            return set(DISABLE_GRADIENT_CHECKPOINTING, value);
        }

        /**
         * @param value {@link ModelArguments#UPCAST_LAYERNORM}
         * @return this builder
         */
        public Builder upcastLayernorm(boolean value) {
            return set(UPCAST_LAYERNORM, value);
        }

        /**
         * @param value {@link ModelArguments#UPCAST_LMHEAD_OUTPUT}
         * @return this builder
         */
        public Builder upcastLmheadOutput(boolean value) {
            return set(UPCAST_LMHEAD_OUTPUT, value);
        }

        /**
         * @param value {@link ModelArguments#TRAIN_FROM_SCRATCH}
         * @return this builder
         */
        public Builder trainFromScratch(boolean value) {
            return set(TRAIN_FROM_SCRATCH, value);
        }

        /**
         * @param value {@link ModelArguments#MOE_AUX_LOSS_COEF}, or null for none
         * @return this builder
         */
        public Builder moeAuxLossCoef(Double value) {
            return set(MOE_AUX_LOSS_COEF, value);
        }

        /**
         * @param value {@link ModelArguments#USE_KV_CACHE}
         * @return this builder
         */
        public Builder useKvCache(boolean value) {
            return set(USE_KV_CACHE, value);
        }

        /**
         * @param value {@link ModelArguments#QUANTIZATION_BIT}, or null for none
         * @return this builder
         */
        public Builder quantizationBit(Integer value) {
            return set(QUANTIZATION_BIT, value);
        }

        /**
         * @param value {@link ModelArguments#QUANTIZATION_METHOD}
         * @return this builder
         */
        public Builder quantizationMethod(QuantizationMethod value) {
            return set(QUANTIZATION_METHOD, value);
        }

        /**
         * @param value {@link ModelArguments#QUANTIZATION_TYPE}
         * @return this builder
         */
        public Builder quantizationType(QuantizationType value) {
            return set(QUANTIZATION_TYPE, value);
        }

        /**
         * @param value {@link ModelArguments#DOUBLE_QUANTIZATION}
         * @return this builder
         */
        public Builder doubleQuantization(boolean value) {
            return set(DOUBLE_QUANTIZATION, value);
        }

        /**
         * Builds the arguments.
         *
         * @return the immutable arguments
         * @throws ai.llamafactory.api.exception.InvalidConfigException naming the key and value that are out of range
         *     or do not fit together
         */
        public ModelArguments build() {
            return new ModelArguments(values.build());
        }
    }
}
