package ai.llamafactory.api.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Where a model comes from, how it is loaded and placed on a device: LLaMA-Factory's {@code ModelArguments} with its
 * quantization arguments. Immutable; build with {@link #builder(String)}.
 *
 * <p>Besides LLaMA-Factory's keys it has this library's {@code offline}, {@code device} and {@code hub_endpoint}.
 * LLaMA-Factory keys that do not apply here ({@code trust_remote_code}, {@code flash_attn}, {@code use_fast_tokenizer}
 * ...) are accepted by the configuration reader and reported as ignored; see {@link FineTuneConfig}.
 */
public final class ModelArguments {
    private final String modelNameOrPath;
    private final List<String> adapterNameOrPath;
    private final String revision;
    private final Path cacheDir;
    private final String hubToken;
    private final String hubEndpoint;
    private final boolean offline;
    private final String device;
    private final Precision precision;
    private final boolean resizeVocab;
    private final List<String> addTokens;
    private final List<String> addSpecialTokens;
    private final RopeScaling ropeScaling;
    private final boolean disableGradientCheckpointing;
    private final boolean upcastLayernorm;
    private final boolean upcastLmheadOutput;
    private final boolean trainFromScratch;
    private final Double moeAuxLossCoef;
    private final boolean useKvCache;
    private final Integer quantizationBit;
    private final QuantizationMethod quantizationMethod;
    private final QuantizationType quantizationType;
    private final boolean doubleQuantization;

    private ModelArguments(Builder b) {
        this.modelNameOrPath = b.modelNameOrPath;
        this.adapterNameOrPath = b.adapterNameOrPath;
        this.revision = b.revision;
        this.cacheDir = b.cacheDir;
        this.hubToken = b.hubToken;
        this.hubEndpoint = b.hubEndpoint;
        this.offline = b.offline;
        this.device = b.device;
        this.precision = b.precision;
        this.resizeVocab = b.resizeVocab;
        this.addTokens = b.addTokens;
        this.addSpecialTokens = b.addSpecialTokens;
        this.ropeScaling = b.ropeScaling;
        this.disableGradientCheckpointing = b.disableGradientCheckpointing;
        this.upcastLayernorm = b.upcastLayernorm;
        this.upcastLmheadOutput = b.upcastLmheadOutput;
        this.trainFromScratch = b.trainFromScratch;
        this.moeAuxLossCoef = b.moeAuxLossCoef;
        this.useKvCache = b.useKvCache;
        this.quantizationBit = b.quantizationBit;
        this.quantizationMethod = b.quantizationMethod;
        this.quantizationType = b.quantizationType;
        this.doubleQuantization = b.doubleQuantization;
        validate();
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

    /** @return a builder initialised with this object's values */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.modelNameOrPath = modelNameOrPath;
        b.adapterNameOrPath = adapterNameOrPath;
        b.revision = revision;
        b.cacheDir = cacheDir;
        b.hubToken = hubToken;
        b.hubEndpoint = hubEndpoint;
        b.offline = offline;
        b.device = device;
        b.precision = precision;
        b.resizeVocab = resizeVocab;
        b.addTokens = addTokens;
        b.addSpecialTokens = addSpecialTokens;
        b.ropeScaling = ropeScaling;
        b.disableGradientCheckpointing = disableGradientCheckpointing;
        b.upcastLayernorm = upcastLayernorm;
        b.upcastLmheadOutput = upcastLmheadOutput;
        b.trainFromScratch = trainFromScratch;
        b.moeAuxLossCoef = moeAuxLossCoef;
        b.useKvCache = useKvCache;
        b.quantizationBit = quantizationBit;
        b.quantizationMethod = quantizationMethod;
        b.quantizationType = quantizationType;
        b.doubleQuantization = doubleQuantization;
        return b;
    }

    /**
     * @return a local Hugging Face model folder or a hub id such as {@code Qwen/Qwen3-0.6B} ({@code
     *     model_name_or_path})
     */
    public String modelNameOrPath() {
        return modelNameOrPath;
    }

    /**
     * @return adapters loaded on top of the model: all but the last are merged into it, the last is trained further (or
     *     kept as is when {@code create_new_adapter}) ({@code adapter_name_or_path}, default none)
     */
    public List<String> adapterNameOrPath() {
        return adapterNameOrPath;
    }

    /** @return the hub revision (branch, tag or commit) ({@code model_revision}, default {@code main}) */
    public String revision() {
        return revision;
    }

    /**
     * @return the download cache folder; none means {@code $HF_HOME/hub} or {@code ~/.cache/huggingface/hub} ({@code
     *     cache_dir}, default none)
     */
    public Optional<Path> cacheDir() {
        return Optional.ofNullable(cacheDir);
    }

    /**
     * @return the hub token; none means the {@code HF_TOKEN} environment variable, if set ({@code hf_hub_token},
     *     default none)
     */
    public Optional<String> hubToken() {
        return Optional.ofNullable(hubToken);
    }

    /**
     * @return the hub endpoint (this library's key); none means {@code HF_ENDPOINT} or {@code https://huggingface.co}
     *     ({@code hub_endpoint}, default none)
     */
    public Optional<String> hubEndpoint() {
        return Optional.ofNullable(hubEndpoint);
    }

    /**
     * @return whether downloads are forbidden (this library's key; also forced by {@code HF_HUB_OFFLINE=1}) ({@code
     *     offline}, default false)
     */
    public boolean offline() {
        return offline;
    }

    /**
     * @return the device: {@code auto}, {@code cpu}, {@code cuda} or {@code cuda:N} ({@code
     *     device}, this library's key, default {@code auto})
     */
    public String device() {
        return device;
    }

    /**
     * @return the requested precision when {@code bf16}/{@code fp16} do not decide it ({@code infer_dtype}, default
     *     {@code auto})
     */
    public Precision precision() {
        return precision;
    }

    /**
     * @return whether the embedding and output layers are resized to the tokenizer's vocabulary ({@code resize_vocab},
     *     default false)
     */
    public boolean resizeVocab() {
        return resizeVocab;
    }

    /** @return ordinary tokens added to the tokenizer ({@code add_tokens}, default []) */
    public List<String> addTokens() {
        return addTokens;
    }

    /** @return special tokens added to the tokenizer ({@code add_special_tokens}, default []) */
    public List<String> addSpecialTokens() {
        return addSpecialTokens;
    }

    /**
     * @return the RoPE scaling used to extend the context; none keeps the model's ({@code rope_scaling}, default none)
     */
    public Optional<RopeScaling> ropeScaling() {
        return Optional.ofNullable(ropeScaling);
    }

    /**
     * @return whether activation (gradient) checkpointing is turned off ({@code disable_gradient_checkpointing},
     *     default false)
     */
    public boolean disableGradientCheckpointing() {
        return disableGradientCheckpointing;
    }

    /** @return whether normalisation weights are kept in fp32 ({@code upcast_layernorm}, default false) */
    public boolean upcastLayernorm() {
        return upcastLayernorm;
    }

    /** @return whether the output layer's logits are computed in fp32 ({@code upcast_lmhead_output}, default false) */
    public boolean upcastLmheadOutput() {
        return upcastLmheadOutput;
    }

    /**
     * @return whether the weights are randomly initialised instead of loaded ({@code train_from_scratch}, default
     *     false)
     */
    public boolean trainFromScratch() {
        return trainFromScratch;
    }

    /**
     * @return the coefficient of the router auxiliary loss of mixture-of-experts models ({@code moe_aux_loss_coef},
     *     default none)
     */
    public OptionalDouble moeAuxLossCoef() {
        return moeAuxLossCoef == null ? OptionalDouble.empty() : OptionalDouble.of(moeAuxLossCoef);
    }

    /** @return whether generation uses a key/value cache ({@code use_kv_cache}, default true) */
    public boolean useKvCache() {
        return useKvCache;
    }

    /**
     * @return the number of bits for on-the-fly quantization of the base model (QLoRA) ({@code quantization_bit},
     *     default none)
     */
    public OptionalInt quantizationBit() {
        return quantizationBit == null ? OptionalInt.empty() : OptionalInt.of(quantizationBit);
    }

    /** @return the on-the-fly quantization method ({@code quantization_method}, default {@code bnb}) */
    public QuantizationMethod quantizationMethod() {
        return quantizationMethod;
    }

    /** @return the 4-bit data type ({@code quantization_type}, default {@code nf4}) */
    public QuantizationType quantizationType() {
        return quantizationType;
    }

    /**
     * @return whether the 4-bit quantization constants are quantized too ({@code double_quantization}, default true)
     */
    public boolean doubleQuantization() {
        return doubleQuantization;
    }

    private void validate() {
        // Keys LLaMA-Factory honours that are not implemented here: refused unless off (ConfigKeyWalkTest).
        Checks.notSupportedYet("quantization_bit", quantizationBit, null, "quantized loading (QLoRA) is not "
                + "implemented yet; remove quantization_bit to train LoRA on the full-precision model");
        Checks.notSupportedYet("quantization_method", quantizationMethod.key(), "bnb", "only used with quantization_bit, which is not supported yet");
        Checks.notSupportedYet("quantization_type", quantizationType.key(), "nf4", "only used with quantization_bit, which is not supported yet");
        Checks.notSupportedYet("double_quantization", doubleQuantization, true, "only used with quantization_bit, which is not supported yet");
        Checks.notSupportedYet("resize_vocab", resizeVocab, false, "resizing the embeddings is not implemented");
        Checks.notSupportedYet("add_tokens", addTokens, List.of(), "adding tokens to the vocabulary is not "
                + "implemented");
        Checks.notSupportedYet("add_special_tokens", addSpecialTokens, List.of(), "adding special tokens to the "
                + "vocabulary is not implemented");
        Checks.notSupportedYet("rope_scaling", ropeScaling, null, "RoPE scaling is read from the model's "
                + "config.json; set rope_scaling there");
        Checks.notSupportedYet("disable_gradient_checkpointing", disableGradientCheckpointing, false,
                "activation checkpointing is chosen by the engine");
        Checks.notSupportedYet("upcast_layernorm", upcastLayernorm, false, "upcasting layer norms is not "
                + "implemented; the compute precision follows device and infer_dtype");
        Checks.notSupportedYet("upcast_lmhead_output", upcastLmheadOutput, false, "upcasting the LM head output "
                + "is not implemented; the loss is always computed in fp32");
        Checks.notSupportedYet("train_from_scratch", trainFromScratch, false, "random initialisation is not "
                + "implemented; training starts from the checkpoint's weights");
        Checks.notSupportedYet("moe_aux_loss_coef", moeAuxLossCoef, null, "no mixture-of-experts model family is "
                + "implemented");
        Checks.notSupportedYet("use_kv_cache", useKvCache, true, "generation always uses the KV cache");
        Checks.require(modelNameOrPath != null && !modelNameOrPath.isBlank(), "model_name_or_path",
                "must name a local model folder or a hub id, got "
                        + (modelNameOrPath == null ? "nothing" : "'" + modelNameOrPath + "'"));
        Checks.require(!revision.isBlank(), "model_revision", "must not be empty");
        Checks.require(device.matches("auto|cpu|gpu(:\\d+)?|cuda(:\\d+)?"), "device",
                "expected auto, cpu, cuda or cuda:N, got '" + device + "'");
        if (moeAuxLossCoef != null) {
            Checks.nonNegative("moe_aux_loss_coef", moeAuxLossCoef.doubleValue());
        }
        if (quantizationBit != null) {
            int[] allowed = quantizationMethod == QuantizationMethod.BNB ? new int[] {4, 8}
                    : quantizationMethod == QuantizationMethod.EETQ ? new int[] {8} : new int[] {1, 2, 3, 4, 5, 6, 8};
            boolean ok = false;
            for (int a : allowed) {
                ok |= a == quantizationBit;
            }
            Checks.require(ok, "quantization_bit",
                    "must be one of " + Arrays.toString(allowed) + " for quantization_method "
                    + quantizationMethod.key() + ", got " + quantizationBit);
        }
    }

    private static final ArgumentGroup<ModelArguments, Builder> SCHEMA = createSchema();

    /** @return the configuration-file keys of this class */
    static ArgumentGroup<ModelArguments, Builder> schema() {
        return SCHEMA;
    }

    private static ArgumentGroup<ModelArguments, Builder> createSchema() {
        return new ArgumentGroup<ModelArguments, Builder>("model", Builder::new, Builder::build,
                () -> builder("model").build(), "model_name_or_path")
                .optional("model_name_or_path", ValueType.STRING,
                        (b, v) -> b.modelNameOrPath(v), a -> a.modelNameOrPath)
                .optional("adapter_name_or_path", ValueType.STRING_LIST,
                        (b, v) -> b.adapterNameOrPath(v), a -> a.adapterNameOrPath)
                .required("model_revision", ValueType.STRING, (b, v) -> b.revision(v), a -> a.revision)
                .optional("cache_dir", ValueType.PATH, (b, v) -> b.cacheDir(v), a -> a.cacheDir)
                .optional("hf_hub_token", ValueType.STRING, (b, v) -> b.hubToken(v), a -> a.hubToken)
                .optional("hub_endpoint", ValueType.STRING, (b, v) -> b.hubEndpoint(v), a -> a.hubEndpoint)
                .required("offline", ValueType.BOOLEAN, (b, v) -> b.offline(v), a -> a.offline)
                .required("device", ValueType.STRING, (b, v) -> b.device(v), a -> a.device)
                .required("infer_dtype", ValueType.ofEnum(Precision.class, Precision::key, Precision::fromKey),
                        (b, v) -> b.precision(v), a -> a.precision)
                .required("resize_vocab", ValueType.BOOLEAN, (b, v) -> b.resizeVocab(v), a -> a.resizeVocab)
                .optional("add_tokens", ValueType.STRING_LIST, (b, v) -> b.addTokens(v), a -> a.addTokens)
                .optional("add_special_tokens", ValueType.STRING_LIST,
                        (b, v) -> b.addSpecialTokens(v), a -> a.addSpecialTokens)
                .optional("rope_scaling", ValueType.ofEnum(RopeScaling.class, RopeScaling::key, RopeScaling::fromKey),
                        (b, v) -> b.ropeScaling(v), a -> a.ropeScaling)
                .required("disable_gradient_checkpointing", ValueType.BOOLEAN,
                        (b, v) -> b.disableGradientCheckpointing(v), a -> a.disableGradientCheckpointing)
                .required("upcast_layernorm", ValueType.BOOLEAN, (b, v) -> b.upcastLayernorm(v), a -> a.upcastLayernorm)
                .required("upcast_lmhead_output", ValueType.BOOLEAN,
                        (b, v) -> b.upcastLmheadOutput(v), a -> a.upcastLmheadOutput)
                .required("train_from_scratch", ValueType.BOOLEAN,
                        (b, v) -> b.trainFromScratch(v), a -> a.trainFromScratch)
                .optional("moe_aux_loss_coef", ValueType.DOUBLE, (b, v) -> b.moeAuxLossCoef(v), a -> a.moeAuxLossCoef)
                .required("use_kv_cache", ValueType.BOOLEAN, (b, v) -> b.useKvCache(v), a -> a.useKvCache)
                .optional("quantization_bit", ValueType.INTEGER, (b, v) -> b.quantizationBit(v), a -> a.quantizationBit)
                .required("quantization_method", ValueType.ofEnum(QuantizationMethod.class, QuantizationMethod::key,
                        QuantizationMethod::fromKey),
                        (b, v) -> b.quantizationMethod(v), a -> a.quantizationMethod)
                .required("quantization_type", ValueType.ofEnum(QuantizationType.class, QuantizationType::key,
                        QuantizationType::fromKey),
                        (b, v) -> b.quantizationType(v), a -> a.quantizationType)
                .required("double_quantization", ValueType.BOOLEAN,
                        (b, v) -> b.doubleQuantization(v), a -> a.doubleQuantization);
    }

    private List<Object> values() {
        return Arrays.asList(modelNameOrPath, adapterNameOrPath, revision, cacheDir, hubToken, hubEndpoint, offline,
                device, precision, resizeVocab, addTokens, addSpecialTokens, ropeScaling, disableGradientCheckpointing,
                upcastLayernorm, upcastLmheadOutput, trainFromScratch, moeAuxLossCoef, useKvCache, quantizationBit,
                quantizationMethod, quantizationType, doubleQuantization);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelArguments && values().equals(((ModelArguments) o).values());
    }

    @Override
    public int hashCode() {
        return Objects.hash(values().toArray());
    }

    /** @return the class name and every key that differs from its default, in configuration-file spelling */
    @Override
    public String toString() {
        return SCHEMA.describe(this);
    }

    /**
     * Builder for {@link ModelArguments}; starts from LLaMA-Factory's defaults and checks every value in {@link
     * #build()}.
     */
    public static final class Builder {
        private String modelNameOrPath;
        private List<String> adapterNameOrPath = List.of();
        private String revision = "main";
        private Path cacheDir;
        private String hubToken;
        private String hubEndpoint;
        private boolean offline = false;
        private String device = "auto";
        private Precision precision = Precision.AUTO;
        private boolean resizeVocab = false;
        private List<String> addTokens = List.of();
        private List<String> addSpecialTokens = List.of();
        private RopeScaling ropeScaling;
        private boolean disableGradientCheckpointing = false;
        private boolean upcastLayernorm = false;
        private boolean upcastLmheadOutput = false;
        private boolean trainFromScratch = false;
        private Double moeAuxLossCoef;
        private boolean useKvCache = true;
        private Integer quantizationBit;
        private QuantizationMethod quantizationMethod = QuantizationMethod.BNB;
        private QuantizationType quantizationType = QuantizationType.NF4;
        private boolean doubleQuantization = true;

        private Builder() {
        }

        /**
         * Sets {@code model_name_or_path}: a local Hugging Face model folder or a hub id such as {@code
         * Qwen/Qwen3-0.6B}.
         *
         * @param value the value, or null for none
         * @return this builder
         */
        public Builder modelNameOrPath(String value) {
            this.modelNameOrPath = value;
            return this;
        }

        /**
         * Sets {@code adapter_name_or_path}: adapters loaded on top of the model: all but the last are merged into it,
         * the last is trained further (or kept as is when {@code create_new_adapter}).
         *
         * @param values the names; null or empty for none
         * @return this builder
         */
        public Builder adapterNameOrPath(List<String> values) {
            this.adapterNameOrPath = Checks.names("adapter_name_or_path", values);
            return this;
        }

        /**
         * Sets {@code adapter_name_or_path}: adapters loaded on top of the model: all but the last are merged into it,
         * the last is trained further (or kept as is when {@code create_new_adapter}).
         *
         * @param values the names
         * @return this builder
         */
        public Builder adapterNameOrPath(String... values) {
            this.adapterNameOrPath = Checks.names("adapter_name_or_path", Arrays.asList(values));
            return this;
        }

        /**
         * Sets {@code model_revision}: the hub revision (branch, tag or commit).
         *
         * @param value the value
         * @return this builder
         */
        public Builder revision(String value) {
            this.revision = Checks.notNull(value, "model_revision");
            return this;
        }

        /**
         * Sets {@code cache_dir}: the download cache folder; none means {@code $HF_HOME/hub} or {@code
         * ~/.cache/huggingface/hub}.
         *
         * @param value the value, or null for none
         * @return this builder
         */
        public Builder cacheDir(Path value) {
            this.cacheDir = value;
            return this;
        }

        /**
         * Sets {@code cache_dir}: the download cache folder; none means {@code $HF_HOME/hub} or {@code
         * ~/.cache/huggingface/hub}.
         *
         * @param value the path, or null for none
         * @return this builder
         */
        public Builder cacheDir(String value) {
            this.cacheDir = Checks.path("cache_dir", value);
            return this;
        }

        /**
         * Sets {@code hf_hub_token}: the hub token; none means the {@code HF_TOKEN} environment variable, if set.
         *
         * @param value the value, or null for none
         * @return this builder
         */
        public Builder hubToken(String value) {
            this.hubToken = value;
            return this;
        }

        /**
         * Sets {@code hub_endpoint}: the hub endpoint (this library's key); none means {@code HF_ENDPOINT} or {@code
         * https://huggingface.co}.
         *
         * @param value the value, or null for none
         * @return this builder
         */
        public Builder hubEndpoint(String value) {
            this.hubEndpoint = value;
            return this;
        }

        /**
         * Sets {@code offline}: whether downloads are forbidden (this library's key; also forced by {@code
         * HF_HUB_OFFLINE=1}).
         *
         * @param value the value
         * @return this builder
         */
        public Builder offline(boolean value) {
            this.offline = value;
            return this;
        }

        /**
         * Sets {@code device}: the device: {@code auto}, {@code cpu}, {@code cuda} or {@code cuda:N} (this library's
         * key).
         *
         * @param value the value
         * @return this builder
         */
        public Builder device(String value) {
            this.device = Checks.notNull(value, "device");
            return this;
        }

        /**
         * Sets {@code infer_dtype}: the requested precision when {@code bf16}/{@code fp16} do not decide it.
         *
         * @param value the value
         * @return this builder
         */
        public Builder precision(Precision value) {
            this.precision = Checks.notNull(value, "infer_dtype");
            return this;
        }

        /**
         * Sets {@code resize_vocab}: whether the embedding and output layers are resized to the tokenizer's vocabulary.
         *
         * @param value the value
         * @return this builder
         */
        public Builder resizeVocab(boolean value) {
            this.resizeVocab = value;
            return this;
        }

        /**
         * Sets {@code add_tokens}: ordinary tokens added to the tokenizer.
         *
         * @param values the names; null or empty for none
         * @return this builder
         */
        public Builder addTokens(List<String> values) {
            this.addTokens = Checks.names("add_tokens", values);
            return this;
        }

        /**
         * Sets {@code add_tokens}: ordinary tokens added to the tokenizer.
         *
         * @param values the names
         * @return this builder
         */
        public Builder addTokens(String... values) {
            this.addTokens = Checks.names("add_tokens", Arrays.asList(values));
            return this;
        }

        /**
         * Sets {@code add_special_tokens}: special tokens added to the tokenizer.
         *
         * @param values the names; null or empty for none
         * @return this builder
         */
        public Builder addSpecialTokens(List<String> values) {
            this.addSpecialTokens = Checks.names("add_special_tokens", values);
            return this;
        }

        /**
         * Sets {@code add_special_tokens}: special tokens added to the tokenizer.
         *
         * @param values the names
         * @return this builder
         */
        public Builder addSpecialTokens(String... values) {
            this.addSpecialTokens = Checks.names("add_special_tokens", Arrays.asList(values));
            return this;
        }

        /**
         * Sets {@code rope_scaling}: the RoPE scaling used to extend the context; none keeps the model's.
         *
         * @param value the value, or null for none
         * @return this builder
         */
        public Builder ropeScaling(RopeScaling value) {
            this.ropeScaling = value;
            return this;
        }

        /**
         * Sets {@code disable_gradient_checkpointing}: whether activation (gradient) checkpointing is turned off.
         *
         * @param value the value
         * @return this builder
         */
        public Builder disableGradientCheckpointing(boolean value) {
            this.disableGradientCheckpointing = value;
            return this;
        }

        /**
         * Sets {@code upcast_layernorm}: whether normalisation weights are kept in fp32.
         *
         * @param value the value
         * @return this builder
         */
        public Builder upcastLayernorm(boolean value) {
            this.upcastLayernorm = value;
            return this;
        }

        /**
         * Sets {@code upcast_lmhead_output}: whether the output layer's logits are computed in fp32.
         *
         * @param value the value
         * @return this builder
         */
        public Builder upcastLmheadOutput(boolean value) {
            this.upcastLmheadOutput = value;
            return this;
        }

        /**
         * Sets {@code train_from_scratch}: whether the weights are randomly initialised instead of loaded.
         *
         * @param value the value
         * @return this builder
         */
        public Builder trainFromScratch(boolean value) {
            this.trainFromScratch = value;
            return this;
        }

        /**
         * Sets {@code moe_aux_loss_coef}: the coefficient of the router auxiliary loss of mixture-of-experts models.
         *
         * @param value the value, or null for none
         * @return this builder
         */
        public Builder moeAuxLossCoef(Double value) {
            this.moeAuxLossCoef = value;
            return this;
        }

        /**
         * Sets {@code use_kv_cache}: whether generation uses a key/value cache.
         *
         * @param value the value
         * @return this builder
         */
        public Builder useKvCache(boolean value) {
            this.useKvCache = value;
            return this;
        }

        /**
         * Sets {@code quantization_bit}: the number of bits for on-the-fly quantization of the base model (QLoRA).
         *
         * @param value the value, or null for none
         * @return this builder
         */
        public Builder quantizationBit(Integer value) {
            this.quantizationBit = value;
            return this;
        }

        /**
         * Sets {@code quantization_method}: the on-the-fly quantization method.
         *
         * @param value the value
         * @return this builder
         */
        public Builder quantizationMethod(QuantizationMethod value) {
            this.quantizationMethod = Checks.notNull(value, "quantization_method");
            return this;
        }

        /**
         * Sets {@code quantization_type}: the 4-bit data type.
         *
         * @param value the value
         * @return this builder
         */
        public Builder quantizationType(QuantizationType value) {
            this.quantizationType = Checks.notNull(value, "quantization_type");
            return this;
        }

        /**
         * Sets {@code double_quantization}: whether the 4-bit quantization constants are quantized too.
         *
         * @param value the value
         * @return this builder
         */
        public Builder doubleQuantization(boolean value) {
            this.doubleQuantization = value;
            return this;
        }

        /**
         * Builds the arguments.
         *
         * @return the immutable arguments
         * @throws ai.llamafactory.api.exception.InvalidConfigException naming the key and value that are out of range
         *     or
         *     do not fit together
         */
        public ModelArguments build() {
            return new ModelArguments(this);
        }
    }
}
