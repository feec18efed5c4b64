package ai.llamafactory.api.config;

import static ai.llamafactory.api.config.Key.closed;
import static ai.llamafactory.api.config.Key.finite;
import static ai.llamafactory.api.config.Key.halfOpen;
import static ai.llamafactory.api.config.Key.nonNegative;
import static ai.llamafactory.api.config.Key.nonNegativeInt;
import static ai.llamafactory.api.config.Key.notEmpty;
import static ai.llamafactory.api.config.Key.oneOf;
import static ai.llamafactory.api.config.Key.positive;
import static ai.llamafactory.api.config.Key.positiveInt;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * What is trained and with which method: LLaMA-Factory's {@code FinetuningArguments} (stage, fine-tuning type, LoRA,
 * freeze, GaLore, BAdam and RLHF arguments). Immutable; build with {@link #builder()}. Defaults equal
 * LLaMA-Factory's; {@link Builder#build()} applies LLaMA-Factory's checks (e.g. LoRA options with another fine-tuning
 * type, {@code dpo_label_smoothing} with a loss other than sigmoid). Each setting is declared once, as a {@link Key}
 * constant below; accessors and builder methods read and write through it.
 */
public final class FinetuningArguments {
    private static final Key.Group KEYS = new Key.Group();
    private static final String GALORE = "only used with use_galore, which is not supported yet";
    private static final String BADAM = "only used with use_badam, which is not supported yet";

    /** {@code stage}. */
    public static final Key<Stage> STAGE = KEYS.add(Key.of(
            "stage", ValueType.ofEnum(Stage.class, Stage::key, Stage::fromKey), Stage.SFT, "the training stage"));
    /** {@code finetuning_type}. */
    public static final Key<FinetuningType> FINETUNING_TYPE = KEYS.add(Key.of(
            "finetuning_type",
            ValueType.ofEnum(FinetuningType.class, FinetuningType::key, FinetuningType::fromKey),
            FinetuningType.LORA,
            "how the weights are trained"));
    /** {@code lora_rank}. */
    public static final Key<Integer> LORA_RANK =
            KEYS.add(Key.of("lora_rank", ValueType.INTEGER, 8, "the rank r of the LoRA matrices")
                    .check("> 0", positiveInt()));
    /** {@code lora_alpha}. */
    public static final Key<Integer> LORA_ALPHA =
            KEYS.add(Key.of("lora_alpha", ValueType.INTEGER, null, "the LoRA scale numerator alpha")
                    .defaultFrom("2 * lora_rank", v -> 2 * v.get(FinetuningArguments.LORA_RANK))
                    .check("> 0", positiveInt()));
    /** {@code lora_dropout}. */
    public static final Key<Double> LORA_DROPOUT =
            KEYS.add(Key.of("lora_dropout", ValueType.DOUBLE, 0.0, "the dropout applied to the LoRA input")
                    .check("in [0, 1)", halfOpen(0, 1)));
    /** {@code lora_target}. */
    public static final Key<List<String>> LORA_TARGET = KEYS.add(Key.of(
                    "lora_target",
                    ValueType.STRING_LIST,
                    List.of("all"),
                    "the modules that receive adapters; {@code all} means every linear layer but the output layer")
            .nullable()
            .check("at least one name", notEmpty("must name at least one module, or all")));
    /** {@code additional_target}. */
    public static final Key<List<String>> ADDITIONAL_TARGET = KEYS.add(Key.of(
                    "additional_target",
                    ValueType.STRING_LIST,
                    List.of(),
                    "modules trained in full and saved next to the adapter (PEFT's {@code modules_to_save})")
            .nullable());
    /** {@code use_rslora}. */
    public static final Key<Boolean> USE_RSLORA = KEYS.add(Key.of(
            "use_rslora",
            ValueType.BOOLEAN,
            false,
            "whether the LoRA scale is alpha / sqrt(r) (rank-stabilised) instead of alpha / r"));
    /** {@code use_dora}. */
    public static final Key<Boolean> USE_DORA =
            KEYS.add(Key.of("use_dora", ValueType.BOOLEAN, false, "whether DoRA (weight-decomposed LoRA) is used"));
    /** {@code pissa_init}. */
    public static final Key<Boolean> PISSA_INIT = KEYS.add(Key.of(
            "pissa_init",
            ValueType.BOOLEAN,
            false,
            "whether the adapter is initialised with PiSSA (principal singular vectors)"));
    /** {@code pissa_iter}. */
    public static final Key<Integer> PISSA_ITER = KEYS.add(
            Key.of("pissa_iter", ValueType.INTEGER, 16, "the fast-SVD iterations of PiSSA; -1 means an exact SVD")
                    .check(
                            ">= -1",
                            Key.require(
                                    v -> v >= -1,
                                    v -> "must be -1 (exact SVD) or a number of iterations >= 0 (PEFT's"
                                            + " pissa_niter_<n>), got " + v)));
    /** {@code pissa_convert}. */
    public static final Key<Boolean> PISSA_CONVERT = KEYS.add(Key.of(
            "pissa_convert",
            ValueType.BOOLEAN,
            false,
            "whether a trained PiSSA adapter is also saved converted to a plain LoRA adapter"));
    /** {@code loraplus_lr_ratio}. */
    public static final Key<Double> LORAPLUS_LR_RATIO = KEYS.add(Key.of(
                    "loraplus_lr_ratio",
                    ValueType.DOUBLE,
                    null,
                    "LoRA+: the learning rate of the B matrices divided by that of the A matrices")
            .check("> 0", positive()));
    /** {@code loraplus_lr_embedding}. */
    public static final Key<Double> LORAPLUS_LR_EMBEDDING = KEYS.add(Key.of(
                    "loraplus_lr_embedding",
                    ValueType.DOUBLE,
                    1.0e-6,
                    "LoRA+: the learning rate of LoRA embedding layers")
            .check(">= 0", nonNegative()));
    /** {@code create_new_adapter}. */
    public static final Key<Boolean> CREATE_NEW_ADAPTER = KEYS.add(Key.of(
            "create_new_adapter",
            ValueType.BOOLEAN,
            false,
            "whether a fresh adapter is trained on top of the loaded adapters"));
    /** {@code freeze_trainable_layers}. */
    public static final Key<Integer> FREEZE_TRAINABLE_LAYERS = KEYS.add(
            Key.of(
                            "freeze_trainable_layers",
                            ValueType.INTEGER,
                            2,
                            "freeze tuning: the number of trainable decoder layers, the last n when positive, the first n when negative")
                    .check(
                            "not 0",
                            Key.require(
                                    v -> v != 0,
                                    v ->
                                            "must be non-zero (the last n layers when positive, the first n when negative), got 0")));
    /** {@code freeze_trainable_modules}. */
    public static final Key<List<String>> FREEZE_TRAINABLE_MODULES = KEYS.add(Key.of(
                    "freeze_trainable_modules",
                    ValueType.STRING_LIST,
                    List.of("all"),
                    "freeze tuning: the sub-modules of each trainable layer that are trained ({@code all} for every one)")
            .nullable()
            .check("at least one name", notEmpty("must name at least one module, or all")));
    /** {@code freeze_extra_modules}. */
    public static final Key<List<String>> FREEZE_EXTRA_MODULES = KEYS.add(Key.of(
                    "freeze_extra_modules",
                    ValueType.STRING_LIST,
                    List.of(),
                    "freeze tuning: modules outside the decoder layers that are trained too, e.g. {@code embed_tokens,norm}")
            .nullable());
    /** {@code use_llama_pro}. */
    public static final Key<Boolean> USE_LLAMA_PRO = KEYS.add(Key.of(
            "use_llama_pro",
            ValueType.BOOLEAN,
            false,
            "whether only the expanded blocks of a LLaMA Pro model are trained"));
    /** {@code use_galore}. */
    public static final Key<Boolean> USE_GALORE = KEYS.add(
            Key.of("use_galore", ValueType.BOOLEAN, false, "whether GaLore (gradient low-rank projection) is used")
                    .unsupported(
                            "the GaLore optimizer is not implemented yet; use finetuning_type lora, or full/freeze with optim adamw_torch"));
    /** {@code galore_target}. */
    public static final Key<List<String>> GALORE_TARGET = KEYS.add(Key.of(
                    "galore_target",
                    ValueType.STRING_LIST,
                    List.of("all"),
                    "the modules whose gradients GaLore projects")
            .nullable()
            .unsupported(GALORE)
            .check("at least one name", notEmpty("must name at least one module, or all")));
    /** {@code galore_rank}. */
    public static final Key<Integer> GALORE_RANK =
            KEYS.add(Key.of("galore_rank", ValueType.INTEGER, 16, "the rank of the GaLore projection")
                    .unsupported(GALORE)
                    .check("> 0", positiveInt()));
    /** {@code galore_update_interval}. */
    public static final Key<Integer> GALORE_UPDATE_INTERVAL = KEYS.add(Key.of(
                    "galore_update_interval",
                    ValueType.INTEGER,
                    200,
                    "the number of steps between updates of the GaLore projection")
            .unsupported(GALORE)
            .check("> 0", positiveInt()));
    /** {@code galore_scale}. */
    public static final Key<Double> GALORE_SCALE =
            KEYS.add(Key.of("galore_scale", ValueType.DOUBLE, 2.0, "the GaLore scaling coefficient")
                    .unsupported(GALORE)
                    .check("> 0", positive()));
    /** {@code galore_proj_type}. */
    public static final Key<GaloreProjectionType> GALORE_PROJ_TYPE = KEYS.add(Key.of(
                    "galore_proj_type",
                    ValueType.ofEnum(
                            GaloreProjectionType.class, GaloreProjectionType::key, GaloreProjectionType::fromKey),
                    GaloreProjectionType.STD,
                    "the side GaLore projects from")
            .unsupported(GALORE));
    /** {@code galore_layerwise}. */
    public static final Key<Boolean> GALORE_LAYERWISE = KEYS.add(
            Key.of("galore_layerwise", ValueType.BOOLEAN, false, "whether GaLore updates layer by layer to save memory")
                    .unsupported(GALORE));
    /** {@code use_badam}. */
    public static final Key<Boolean> USE_BADAM = KEYS.add(
            Key.of("use_badam", ValueType.BOOLEAN, false, "whether the BAdam block-coordinate optimizer is used")
                    .unsupported(
                            "the BAdam optimizer is not implemented yet; use finetuning_type freeze to train a subset of layers, or lora"));
    /** {@code badam_mode}. */
    public static final Key<BadamMode> BADAM_MODE = KEYS.add(Key.of(
                    "badam_mode",
                    ValueType.ofEnum(BadamMode.class, BadamMode::key, BadamMode::fromKey),
                    BadamMode.LAYER,
                    "how BAdam partitions the parameters")
            .unsupported(BADAM));
    /** {@code badam_start_block}. */
    public static final Key<Integer> BADAM_START_BLOCK =
            KEYS.add(Key.of("badam_start_block", ValueType.INTEGER, null, "the first block layer-wise BAdam updates")
                    .unsupported(BADAM)
                    .check(">= 0", nonNegativeInt()));
    /** {@code badam_switch_mode}. */
    public static final Key<BadamSwitchMode> BADAM_SWITCH_MODE = KEYS.add(Key.of(
                    "badam_switch_mode",
                    ValueType.ofEnum(BadamSwitchMode.class, BadamSwitchMode::key, BadamSwitchMode::fromKey),
                    BadamSwitchMode.ASCENDING,
                    "the order in which layer-wise BAdam visits blocks")
            .unsupported(BADAM));
    /** {@code badam_switch_interval}. */
    public static final Key<Integer> BADAM_SWITCH_INTERVAL = KEYS.add(Key.of(
                    "badam_switch_interval",
                    ValueType.INTEGER,
                    50,
                    "the number of steps between block switches of layer-wise BAdam; -1 never switches")
            .unsupported(BADAM)
            .check(
                    "-1 or > 0",
                    Key.require(
                            v -> v == -1 || v > 0,
                            v -> "must be -1 (never switch) or a positive number of steps, got " + v)));
    /** {@code badam_update_ratio}. */
    public static final Key<Double> BADAM_UPDATE_RATIO = KEYS.add(
            Key.of("badam_update_ratio", ValueType.DOUBLE, 0.05, "the fraction of each weight ratio-wise BAdam updates")
                    .unsupported(BADAM)
                    .check("in (0, 1]", Key.require(v -> v > 0 && v <= 1, v -> "must lie in (0, 1], got " + v)));
    /** {@code badam_mask_mode}. */
    public static final Key<BadamMaskMode> BADAM_MASK_MODE = KEYS.add(Key.of(
                    "badam_mask_mode",
                    ValueType.ofEnum(BadamMaskMode.class, BadamMaskMode::key, BadamMaskMode::fromKey),
                    BadamMaskMode.ADJACENT,
                    "which elements ratio-wise BAdam updates")
            .unsupported(BADAM));
    /** {@code pref_beta}. */
    public static final Key<Double> PREF_BETA =
            KEYS.add(Key.of("pref_beta", ValueType.DOUBLE, 0.1, "the beta of the preference loss (also KTO's beta)")
                    .check("> 0", positive()));
    /** {@code pref_ftx}. */
    public static final Key<Double> PREF_FTX =
            KEYS.add(Key.of("pref_ftx", ValueType.DOUBLE, 0.0, "the coefficient of the SFT loss added to DPO and KTO")
                    .check(">= 0", nonNegative()));
    /** {@code pref_bco_weight}. */
    public static final Key<Double> PREF_BCO_WEIGHT = KEYS.add(Key.of(
                    "pref_bco_weight",
                    ValueType.DOUBLE,
                    0.0,
                    "the weight of the Binary Classifier Optimization loss mixed into DPO")
            .check(">= 0", nonNegative()));
    /** {@code pref_loss}. */
    public static final Key<PreferenceLoss> PREF_LOSS = KEYS.add(Key.of(
            "pref_loss",
            ValueType.ofEnum(PreferenceLoss.class, PreferenceLoss::key, PreferenceLoss::fromKey),
            PreferenceLoss.SIGMOID,
            "the DPO loss"));
    /** {@code dpo_label_smoothing}. */
    public static final Key<Double> DPO_LABEL_SMOOTHING = KEYS.add(Key.of(
                    "dpo_label_smoothing",
                    ValueType.DOUBLE,
                    0.0,
                    "the cDPO label smoothing, in [0, 0.5] (sigmoid loss only)")
            .check("in [0, 0.5]", closed(0, 0.5)));
    /** {@code kto_chosen_weight}. */
    public static final Key<Double> KTO_CHOSEN_WEIGHT =
            KEYS.add(Key.of("kto_chosen_weight", ValueType.DOUBLE, 1.0, "the weight of desirable examples in KTO")
                    .check(">= 0", nonNegative()));
    /** {@code kto_rejected_weight}. */
    public static final Key<Double> KTO_REJECTED_WEIGHT =
            KEYS.add(Key.of("kto_rejected_weight", ValueType.DOUBLE, 1.0, "the weight of undesirable examples in KTO")
                    .check(">= 0", nonNegative()));
    /** {@code simpo_gamma}. */
    public static final Key<Double> SIMPO_GAMMA =
            KEYS.add(Key.of("simpo_gamma", ValueType.DOUBLE, 0.5, "the target reward margin of SimPO")
                    .check("finite", finite()));
    /** {@code ld_alpha}. */
    public static final Key<Double> LD_ALPHA = KEYS.add(Key.of(
                    "ld_alpha",
                    ValueType.DOUBLE,
                    null,
                    "LD-DPO's alpha: the weight of response tokens beyond the shorter response")
            .check("in [0, 1]", closed(0, 1)));
    /** {@code ppo_buffer_size}. */
    public static final Key<Integer> PPO_BUFFER_SIZE = KEYS.add(
            Key.of("ppo_buffer_size", ValueType.INTEGER, 1, "the number of mini-batches in one PPO experience buffer")
                    .check("> 0", positiveInt()));
    /** {@code ppo_epochs}. */
    public static final Key<Integer> PPO_EPOCHS =
            KEYS.add(Key.of("ppo_epochs", ValueType.INTEGER, 4, "the number of epochs of each PPO optimisation step")
                    .check("> 0", positiveInt()));
    /** {@code ppo_score_norm}. */
    public static final Key<Boolean> PPO_SCORE_NORM = KEYS.add(
            Key.of("ppo_score_norm", ValueType.BOOLEAN, false, "whether PPO scores are scaled and normalised"));
    /** {@code ppo_target}. */
    public static final Key<Double> PPO_TARGET =
            KEYS.add(Key.of("ppo_target", ValueType.DOUBLE, 6.0, "the target KL of PPO's adaptive KL control")
                    .check("> 0", positive()));
    /** {@code ppo_whiten_rewards}. */
    public static final Key<Boolean> PPO_WHITEN_REWARDS = KEYS.add(Key.of(
            "ppo_whiten_rewards",
            ValueType.BOOLEAN,
            false,
            "whether PPO rewards are whitened before computing advantages"));
    /** {@code ref_model}. */
    public static final Key<String> REF_MODEL = KEYS.add(Key.of(
            "ref_model",
            ValueType.STRING,
            null,
            "the reference model of DPO, KTO or PPO; none means the base model (adapters disabled for LoRA)"));
    /** {@code ref_model_adapters}. */
    public static final Key<List<String>> REF_MODEL_ADAPTERS = KEYS.add(
            Key.of("ref_model_adapters", ValueType.STRING_LIST, List.of(), "adapters loaded on the reference model")
                    .nullable());
    /** {@code ref_model_quantization_bit}. */
    public static final Key<Integer> REF_MODEL_QUANTIZATION_BIT = KEYS.add(Key.of(
                    "ref_model_quantization_bit",
                    ValueType.INTEGER,
                    null,
                    "the bits (4 or 8) to quantize the reference model to")
            .check("4 or 8", oneOf(4, 8)));
    /** {@code reward_model}. */
    public static final Key<String> REWARD_MODEL = KEYS.add(Key.of(
            "reward_model",
            ValueType.STRING,
            null,
            "the PPO reward model: a model folder, an adapter folder or an API URL"));
    /** {@code reward_model_adapters}. */
    public static final Key<List<String>> REWARD_MODEL_ADAPTERS = KEYS.add(
            Key.of("reward_model_adapters", ValueType.STRING_LIST, List.of(), "adapters loaded on the reward model")
                    .nullable());
    /** {@code reward_model_quantization_bit}. */
    public static final Key<Integer> REWARD_MODEL_QUANTIZATION_BIT = KEYS.add(Key.of(
                    "reward_model_quantization_bit",
                    ValueType.INTEGER,
                    null,
                    "the bits (4 or 8) to quantize the reward model to")
            .check("4 or 8", oneOf(4, 8)));
    /** {@code reward_model_type}. */
    public static final Key<RewardModelType> REWARD_MODEL_TYPE = KEYS.add(Key.of(
            "reward_model_type",
            ValueType.ofEnum(RewardModelType.class, RewardModelType::key, RewardModelType::fromKey),
            RewardModelType.LORA,
            "how the PPO reward model is given"));
    /** {@code use_dft_loss}. */
    public static final Key<Boolean> USE_DFT_LOSS = KEYS.add(Key.of(
            "use_dft_loss",
            ValueType.BOOLEAN,
            false,
            "whether SFT uses the DFT loss (token cross-entropy weighted by the token's probability)"));
    /** {@code plot_loss}. */
    public static final Key<Boolean> PLOT_LOSS =
            KEYS.add(Key.of("plot_loss", ValueType.BOOLEAN, false, "whether loss curves are saved as PNG files"));
    /** {@code compute_accuracy}. */
    public static final Key<Boolean> COMPUTE_ACCURACY = KEYS.add(
            Key.of("compute_accuracy", ValueType.BOOLEAN, false, "whether token accuracy is computed at evaluation"));
    /** {@code disable_shuffling}. */
    public static final Key<Boolean> DISABLE_SHUFFLING =
            KEYS.add(Key.of("disable_shuffling", ValueType.BOOLEAN, false, "whether the training set is read in order")
                    .unsupported("the training data is always shuffled, in an order set by seed"));

    private static final ArgumentGroup<FinetuningArguments, Builder> SCHEMA = Settings.schema(
            "method",
            KEYS,
            Builder::new,
            Builder::build,
            FinetuningArguments::defaults,
            null,
            a -> a.values,
            b -> b.values);

    private final Settings values;

    private FinetuningArguments(Settings values) {
        this.values = values;
        // Combinations LLaMA-Factory rejects (hparams/finetuning_args.py).
        String method = finetuningType().key();
        if (stage() == Stage.PPO) {
            Checks.require(values.get(REWARD_MODEL) != null, "reward_model", "is required for stage ppo");
            Checks.require(
                    rewardModelType() != RewardModelType.LORA || finetuningType() == FinetuningType.LORA,
                    "reward_model_type",
                    "cannot be lora with finetuning_type " + method
                            + " (a LoRA reward model is loaded into the policy's LoRA model); use full or api");
        }
        Checks.require(
                stage() != Stage.DPO || preferenceLoss() == PreferenceLoss.SIGMOID || dpoLabelSmoothing() <= 1e-6,
                "dpo_label_smoothing",
                "is only valid with pref_loss sigmoid, but pref_loss is "
                        + preferenceLoss().key() + " (dpo_label_smoothing " + dpoLabelSmoothing() + ")");
        Checks.require(
                !useLlamaPro() || finetuningType() != FinetuningType.FULL,
                "use_llama_pro",
                "is only valid with finetuning_type freeze or lora, but finetuning_type is full");
        // LLaMA-Factory's GaLore/BAdam combination rules (not with lora, not together) cannot trigger while
        // use_galore and use_badam are refused at any value but false; they return with those optimizers.
        Checks.require(
                !pissaInit() || !(stage() == Stage.PPO || stage() == Stage.KTO || useRefModel()),
                "pissa_init",
                "cannot be used for stage " + stage().key()
                        + (stage() == Stage.DPO
                                ? " with pref_loss " + preferenceLoss().key()
                                : ""));
        if (finetuningType() != FinetuningType.LORA) {
            String problem = "is only valid with finetuning_type lora, but finetuning_type is " + method;
            Checks.require(values.get(LORAPLUS_LR_RATIO) == null, "loraplus_lr_ratio", problem);
            Checks.require(!useRslora(), "use_rslora", problem);
            Checks.require(!useDora(), "use_dora", problem);
            Checks.require(!pissaInit(), "pissa_init", problem);
        }
    }

    /** @return a builder with LLaMA-Factory's defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the arguments with every value at LLaMA-Factory's default */
    public static FinetuningArguments defaults() {
        return builder().build();
    }

    /** @return the configuration-file keys of this class */
    static ArgumentGroup<FinetuningArguments, Builder> schema() {
        return SCHEMA;
    }

    /** @return a builder initialised with this object's values */
    public Builder toBuilder() {
        return new Builder(values.toBuilder());
    }

    /** @return {@link #STAGE} */
    public Stage stage() {
        return values.get(STAGE);
    }

    /** @return {@link #FINETUNING_TYPE} */
    public FinetuningType finetuningType() {
        return values.get(FINETUNING_TYPE);
    }

    /** @return {@link #LORA_RANK} */
    public int loraRank() {
        return values.get(LORA_RANK);
    }

    /** @return {@link #LORA_DROPOUT} */
    public double loraDropout() {
        return values.get(LORA_DROPOUT);
    }

    /** @return {@link #LORA_TARGET} */
    public List<String> loraTarget() {
        return values.get(LORA_TARGET);
    }

    /** @return {@link #ADDITIONAL_TARGET} */
    public List<String> additionalTarget() {
        return values.get(ADDITIONAL_TARGET);
    }

    /** @return {@link #USE_RSLORA} */
    public boolean useRslora() {
        return values.get(USE_RSLORA);
    }

    /** @return {@link #USE_DORA} */
    public boolean useDora() {
        return values.get(USE_DORA);
    }

    /** @return {@link #PISSA_INIT} */
    public boolean pissaInit() {
        return values.get(PISSA_INIT);
    }

    /** @return {@link #PISSA_ITER} */
    public int pissaIter() {
        return values.get(PISSA_ITER);
    }

    /** @return {@link #PISSA_CONVERT} */
    public boolean pissaConvert() {
        return values.get(PISSA_CONVERT);
    }

    /** @return {@link #LORAPLUS_LR_EMBEDDING} */
    public double loraplusLrEmbedding() {
        return values.get(LORAPLUS_LR_EMBEDDING);
    }

    /** @return {@link #CREATE_NEW_ADAPTER} */
    public boolean createNewAdapter() {
        return values.get(CREATE_NEW_ADAPTER);
    }

    /** @return {@link #FREEZE_TRAINABLE_LAYERS} */
    public int freezeTrainableLayers() {
        return values.get(FREEZE_TRAINABLE_LAYERS);
    }

    /** @return {@link #FREEZE_TRAINABLE_MODULES} */
    public List<String> freezeTrainableModules() {
        return values.get(FREEZE_TRAINABLE_MODULES);
    }

    /** @return {@link #FREEZE_EXTRA_MODULES} */
    public List<String> freezeExtraModules() {
        return values.get(FREEZE_EXTRA_MODULES);
    }

    /** @return {@link #USE_LLAMA_PRO} */
    public boolean useLlamaPro() {
        return values.get(USE_LLAMA_PRO);
    }

    /** @return {@link #USE_GALORE} */
    public boolean useGalore() {
        return values.get(USE_GALORE);
    }

    /** @return {@link #GALORE_TARGET} */
    public List<String> galoreTarget() {
        return values.get(GALORE_TARGET);
    }

    /** @return {@link #GALORE_RANK} */
    public int galoreRank() {
        return values.get(GALORE_RANK);
    }

    /** @return {@link #GALORE_UPDATE_INTERVAL} */
    public int galoreUpdateInterval() {
        return values.get(GALORE_UPDATE_INTERVAL);
    }

    /** @return {@link #GALORE_SCALE} */
    public double galoreScale() {
        return values.get(GALORE_SCALE);
    }

    /** @return {@link #GALORE_PROJ_TYPE} */
    public GaloreProjectionType galoreProjectionType() {
        return values.get(GALORE_PROJ_TYPE);
    }

    /** @return {@link #GALORE_LAYERWISE} */
    public boolean galoreLayerwise() {
        return values.get(GALORE_LAYERWISE);
    }

    /** @return {@link #USE_BADAM} */
    public boolean useBadam() {
        return values.get(USE_BADAM);
    }

    /** @return {@link #BADAM_MODE} */
    public BadamMode badamMode() {
        return values.get(BADAM_MODE);
    }

    /** @return {@link #BADAM_SWITCH_MODE} */
    public BadamSwitchMode badamSwitchMode() {
        return values.get(BADAM_SWITCH_MODE);
    }

    /** @return {@link #BADAM_SWITCH_INTERVAL} */
    public int badamSwitchInterval() {
        return values.get(BADAM_SWITCH_INTERVAL);
    }

    /** @return {@link #BADAM_UPDATE_RATIO} */
    public double badamUpdateRatio() {
        return values.get(BADAM_UPDATE_RATIO);
    }

    /** @return {@link #BADAM_MASK_MODE} */
    public BadamMaskMode badamMaskMode() {
        return values.get(BADAM_MASK_MODE);
    }

    /** @return {@link #PREF_BETA} */
    public double prefBeta() {
        return values.get(PREF_BETA);
    }

    /** @return {@link #PREF_FTX} */
    public double prefFtx() {
        return values.get(PREF_FTX);
    }

    /** @return {@link #PREF_BCO_WEIGHT} */
    public double prefBcoWeight() {
        return values.get(PREF_BCO_WEIGHT);
    }

    /** @return {@link #PREF_LOSS} */
    public PreferenceLoss preferenceLoss() {
        return values.get(PREF_LOSS);
    }

    /** @return {@link #DPO_LABEL_SMOOTHING} */
    public double dpoLabelSmoothing() {
        return values.get(DPO_LABEL_SMOOTHING);
    }

    /** @return {@link #KTO_CHOSEN_WEIGHT} */
    public double ktoChosenWeight() {
        return values.get(KTO_CHOSEN_WEIGHT);
    }

    /** @return {@link #KTO_REJECTED_WEIGHT} */
    public double ktoRejectedWeight() {
        return values.get(KTO_REJECTED_WEIGHT);
    }

    /** @return {@link #SIMPO_GAMMA} */
    public double simpoGamma() {
        return values.get(SIMPO_GAMMA);
    }

    /** @return {@link #PPO_BUFFER_SIZE} */
    public int ppoBufferSize() {
        return values.get(PPO_BUFFER_SIZE);
    }

    /** @return {@link #PPO_EPOCHS} */
    public int ppoEpochs() {
        return values.get(PPO_EPOCHS);
    }

    /** @return {@link #PPO_SCORE_NORM} */
    public boolean ppoScoreNorm() {
        return values.get(PPO_SCORE_NORM);
    }

    /** @return {@link #PPO_TARGET} */
    public double ppoTarget() {
        return values.get(PPO_TARGET);
    }

    /** @return {@link #PPO_WHITEN_REWARDS} */
    public boolean ppoWhitenRewards() {
        return values.get(PPO_WHITEN_REWARDS);
    }

    /** @return {@link #REF_MODEL_ADAPTERS} */
    public List<String> refModelAdapters() {
        return values.get(REF_MODEL_ADAPTERS);
    }

    /** @return {@link #REWARD_MODEL_ADAPTERS} */
    public List<String> rewardModelAdapters() {
        return values.get(REWARD_MODEL_ADAPTERS);
    }

    /** @return {@link #REWARD_MODEL_TYPE} */
    public RewardModelType rewardModelType() {
        return values.get(REWARD_MODEL_TYPE);
    }

    /** @return {@link #USE_DFT_LOSS} */
    public boolean useDftLoss() {
        return values.get(USE_DFT_LOSS);
    }

    /** @return {@link #PLOT_LOSS} */
    public boolean plotLoss() {
        return values.get(PLOT_LOSS);
    }

    /** @return {@link #COMPUTE_ACCURACY} */
    public boolean computeAccuracy() {
        return values.get(COMPUTE_ACCURACY);
    }

    /** @return {@link #DISABLE_SHUFFLING} */
    public boolean disableShuffling() {
        return values.get(DISABLE_SHUFFLING);
    }

    /** @return {@link #LORA_ALPHA}: {@code lora_alpha} when set, else 2 * {@code lora_rank} */
    public int loraAlpha() {
        return values.get(LORA_ALPHA);
    }

    /** @return {@link #LORAPLUS_LR_RATIO}, empty when unset */
    public OptionalDouble loraplusLrRatio() {
        return values.optionalDouble(LORAPLUS_LR_RATIO);
    }

    /** @return {@link #BADAM_START_BLOCK}, empty when unset */
    public OptionalInt badamStartBlock() {
        return values.optionalInt(BADAM_START_BLOCK);
    }

    /** @return {@link #LD_ALPHA}, empty when unset */
    public OptionalDouble ldAlpha() {
        return values.optionalDouble(LD_ALPHA);
    }

    /** @return {@link #REF_MODEL}, empty when unset */
    public Optional<String> refModel() {
        return Optional.ofNullable(values.get(REF_MODEL));
    }

    /** @return {@link #REF_MODEL_QUANTIZATION_BIT}, empty when unset */
    public OptionalInt refModelQuantizationBit() {
        return values.optionalInt(REF_MODEL_QUANTIZATION_BIT);
    }

    /** @return {@link #REWARD_MODEL}, empty when unset */
    public Optional<String> rewardModel() {
        return Optional.ofNullable(values.get(REWARD_MODEL));
    }

    /** @return {@link #REWARD_MODEL_QUANTIZATION_BIT}, empty when unset */
    public OptionalInt rewardModelQuantizationBit() {
        return values.optionalInt(REWARD_MODEL_QUANTIZATION_BIT);
    }

    /**
     * @return LLaMA-Factory's {@code use_ref_model}: true for stage {@code dpo} with a loss that compares against a
     *     reference model (not {@code orpo} or {@code simpo}). Stage {@code kto} always uses a reference model.
     */
    public boolean useRefModel() {
        return stage() == Stage.DPO && preferenceLoss().needsReferenceModel();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FinetuningArguments && values.equals(((FinetuningArguments) o).values);
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
     * Builder for {@link FinetuningArguments}; starts from LLaMA-Factory's defaults and checks every value in {@link
     * #build()}. Each method sets the key named in its documentation (see the constants of
     * {@link FinetuningArguments}).
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
         * @param value {@link FinetuningArguments#STAGE}
         * @return this builder
         */
        public Builder stage(Stage value) {
            return set(STAGE, value);
        }

        /**
         * @param value {@link FinetuningArguments#FINETUNING_TYPE}
         * @return this builder
         */
        public Builder finetuningType(FinetuningType value) {
            return set(FINETUNING_TYPE, value);
        }

        /**
         * @param value {@link FinetuningArguments#LORA_RANK}
         * @return this builder
         */
        public Builder loraRank(int value) {
            return set(LORA_RANK, value);
        }

        /**
         * @param value {@link FinetuningArguments#LORA_ALPHA}, or null for none
         * @return this builder
         */
        public Builder loraAlpha(Integer value) {
            return set(LORA_ALPHA, value);
        }

        /**
         * @param value {@link FinetuningArguments#LORA_DROPOUT}
         * @return this builder
         */
        public Builder loraDropout(double value) {
            return set(LORA_DROPOUT, value);
        }

        /**
         * @param values {@link FinetuningArguments#LORA_TARGET}
         * @return this builder
         */
        public Builder loraTarget(List<String> values) {
            return set(LORA_TARGET, values);
        }

        /**
         * @param values {@link FinetuningArguments#LORA_TARGET}
         * @return this builder
         */
        public Builder loraTarget(String... values) {
            return set(LORA_TARGET, Arrays.asList(values));
        }

        /**
         * @param values {@link FinetuningArguments#ADDITIONAL_TARGET}
         * @return this builder
         */
        public Builder additionalTarget(List<String> values) {
            return set(ADDITIONAL_TARGET, values);
        }

        /**
         * @param values {@link FinetuningArguments#ADDITIONAL_TARGET}
         * @return this builder
         */
        public Builder additionalTarget(String... values) {
            return set(ADDITIONAL_TARGET, Arrays.asList(values));
        }

        /**
         * @param value {@link FinetuningArguments#USE_RSLORA}
         * @return this builder
         */
        public Builder useRslora(boolean value) {
            return set(USE_RSLORA, value);
        }

        /**
         * @param value {@link FinetuningArguments#USE_DORA}
         * @return this builder
         */
        public Builder useDora(boolean value) {
            return set(USE_DORA, value);
        }

        /**
         * @param value {@link FinetuningArguments#PISSA_INIT}
         * @return this builder
         */
        public Builder pissaInit(boolean value) {
            return set(PISSA_INIT, value);
        }

        /**
         * @param value {@link FinetuningArguments#PISSA_ITER}
         * @return this builder
         */
        public Builder pissaIter(int value) {
            return set(PISSA_ITER, value);
        }

        /**
         * @param value {@link FinetuningArguments#PISSA_CONVERT}
         * @return this builder
         */
        public Builder pissaConvert(boolean value) {
            return set(PISSA_CONVERT, value);
        }

        /**
         * @param value {@link FinetuningArguments#LORAPLUS_LR_RATIO}, or null for none
         * @return this builder
         */
        public Builder loraplusLrRatio(Double value) {
            return set(LORAPLUS_LR_RATIO, value);
        }

        /**
         * @param value {@link FinetuningArguments#LORAPLUS_LR_EMBEDDING}
         * @return this builder
         */
        public Builder loraplusLrEmbedding(double value) {
            return set(LORAPLUS_LR_EMBEDDING, value);
        }

        /**
         * @param value {@link FinetuningArguments#CREATE_NEW_ADAPTER}
         * @return this builder
         */
        public Builder createNewAdapter(boolean value) {
            return set(CREATE_NEW_ADAPTER, value);
        }

        /**
         * @param value {@link FinetuningArguments#FREEZE_TRAINABLE_LAYERS}
         * @return this builder
         */
        public Builder freezeTrainableLayers(int value) {
            return set(FREEZE_TRAINABLE_LAYERS, value);
        }

        /**
         * @param values {@link FinetuningArguments#FREEZE_TRAINABLE_MODULES}
         * @return this builder
         */
        public Builder freezeTrainableModules(List<String> values) {
            return set(FREEZE_TRAINABLE_MODULES, values);
        }

        /**
         * @param values {@link FinetuningArguments#FREEZE_TRAINABLE_MODULES}
         * @return this builder
         */
        public Builder freezeTrainableModules(String... values) {
            return set(FREEZE_TRAINABLE_MODULES, Arrays.asList(values));
        }

        /**
         * @param values {@link FinetuningArguments#FREEZE_EXTRA_MODULES}
         * @return this builder
         */
        public Builder freezeExtraModules(List<String> values) {
            return set(FREEZE_EXTRA_MODULES, values);
        }

        /**
         * @param values {@link FinetuningArguments#FREEZE_EXTRA_MODULES}
         * @return this builder
         */
        public Builder freezeExtraModules(String... values) {
            return set(FREEZE_EXTRA_MODULES, Arrays.asList(values));
        }

        /**
         * @param value {@link FinetuningArguments#USE_LLAMA_PRO}
         * @return this builder
         */
        public Builder useLlamaPro(boolean value) {
            return set(USE_LLAMA_PRO, value);
        }

        /**
         * @param value {@link FinetuningArguments#USE_GALORE}
         * @return this builder
         */
        public Builder useGalore(boolean value) {
            return set(USE_GALORE, value);
        }

        /**
         * @param values {@link FinetuningArguments#GALORE_TARGET}
         * @return this builder
         */
        public Builder galoreTarget(List<String> values) {
            return set(GALORE_TARGET, values);
        }

        /**
         * @param values {@link FinetuningArguments#GALORE_TARGET}
         * @return this builder
         */
        public Builder galoreTarget(String... values) {
            return set(GALORE_TARGET, Arrays.asList(values));
        }

        /**
         * @param value {@link FinetuningArguments#GALORE_RANK}
         * @return this builder
         */
        public Builder galoreRank(int value) {
            return set(GALORE_RANK, value);
        }

        /**
         * @param value {@link FinetuningArguments#GALORE_UPDATE_INTERVAL}
         * @return this builder
         */
        public Builder galoreUpdateInterval(int value) {
            return set(GALORE_UPDATE_INTERVAL, value);
        }

        /**
         * @param value {@link FinetuningArguments#GALORE_SCALE}
         * @return this builder
         */
        public Builder galoreScale(double value) {
            return set(GALORE_SCALE, value);
        }

        /**
         * @param value {@link FinetuningArguments#GALORE_PROJ_TYPE}
         * @return this builder
         */
        public Builder galoreProjectionType(GaloreProjectionType value) {
            return set(GALORE_PROJ_TYPE, value);
        }

        /**
         * @param value {@link FinetuningArguments#GALORE_LAYERWISE}
         * @return this builder
         */
        public Builder galoreLayerwise(boolean value) {
            return set(GALORE_LAYERWISE, value);
        }

        /**
         * @param value {@link FinetuningArguments#USE_BADAM}
         * @return this builder
         */
        public Builder useBadam(boolean value) {
            return set(USE_BADAM, value);
        }

        /**
         * @param value {@link FinetuningArguments#BADAM_MODE}
         * @return this builder
         */
        public Builder badamMode(BadamMode value) {
            return set(BADAM_MODE, value);
        }

        /**
         * @param value {@link FinetuningArguments#BADAM_START_BLOCK}, or null for none
         * @return this builder
         */
        public Builder badamStartBlock(Integer value) {
            return set(BADAM_START_BLOCK, value);
        }

        /**
         * @param value {@link FinetuningArguments#BADAM_SWITCH_MODE}
         * @return this builder
         */
        public Builder badamSwitchMode(BadamSwitchMode value) {
            return set(BADAM_SWITCH_MODE, value);
        }

        /**
         * @param value {@link FinetuningArguments#BADAM_SWITCH_INTERVAL}
         * @return this builder
         */
        public Builder badamSwitchInterval(int value) {
            return set(BADAM_SWITCH_INTERVAL, value);
        }

        /**
         * @param value {@link FinetuningArguments#BADAM_UPDATE_RATIO}
         * @return this builder
         */
        public Builder badamUpdateRatio(double value) {
            return set(BADAM_UPDATE_RATIO, value);
        }

        /**
         * @param value {@link FinetuningArguments#BADAM_MASK_MODE}
         * @return this builder
         */
        public Builder badamMaskMode(BadamMaskMode value) {
            return set(BADAM_MASK_MODE, value);
        }

        /**
         * @param value {@link FinetuningArguments#PREF_BETA}
         * @return this builder
         */
        public Builder prefBeta(double value) {
            return set(PREF_BETA, value);
        }

        /**
         * @param value {@link FinetuningArguments#PREF_FTX}
         * @return this builder
         */
        public Builder prefFtx(double value) {
            return set(PREF_FTX, value);
        }

        /**
         * @param value {@link FinetuningArguments#PREF_BCO_WEIGHT}
         * @return this builder
         */
        public Builder prefBcoWeight(double value) {
            return set(PREF_BCO_WEIGHT, value);
        }

        /**
         * @param value {@link FinetuningArguments#PREF_LOSS}
         * @return this builder
         */
        public Builder preferenceLoss(PreferenceLoss value) {
            return set(PREF_LOSS, value);
        }

        /**
         * @param value {@link FinetuningArguments#DPO_LABEL_SMOOTHING}
         * @return this builder
         */
        public Builder dpoLabelSmoothing(double value) {
            return set(DPO_LABEL_SMOOTHING, value);
        }

        /**
         * @param value {@link FinetuningArguments#KTO_CHOSEN_WEIGHT}
         * @return this builder
         */
        public Builder ktoChosenWeight(double value) {
            return set(KTO_CHOSEN_WEIGHT, value);
        }

        /**
         * @param value {@link FinetuningArguments#KTO_REJECTED_WEIGHT}
         * @return this builder
         */
        public Builder ktoRejectedWeight(double value) {
            return set(KTO_REJECTED_WEIGHT, value);
        }

        /**
         * @param value {@link FinetuningArguments#SIMPO_GAMMA}
         * @return this builder
         */
        public Builder simpoGamma(double value) {
            return set(SIMPO_GAMMA, value);
        }

        /**
         * @param value {@link FinetuningArguments#LD_ALPHA}, or null for none
         * @return this builder
         */
        public Builder ldAlpha(Double value) {
            return set(LD_ALPHA, value);
        }

        /**
         * @param value {@link FinetuningArguments#PPO_BUFFER_SIZE}
         * @return this builder
         */
        public Builder ppoBufferSize(int value) {
            return set(PPO_BUFFER_SIZE, value);
        }

        /**
         * @param value {@link FinetuningArguments#PPO_EPOCHS}
         * @return this builder
         */
        public Builder ppoEpochs(int value) {
            return set(PPO_EPOCHS, value);
        }

        /**
         * @param value {@link FinetuningArguments#PPO_SCORE_NORM}
         * @return this builder
         */
        public Builder ppoScoreNorm(boolean value) {
            return set(PPO_SCORE_NORM, value);
        }

        /**
         * @param value {@link FinetuningArguments#PPO_TARGET}
         * @return this builder
         */
        public Builder ppoTarget(double value) {
            return set(PPO_TARGET, value);
        }

        /**
         * @param value {@link FinetuningArguments#PPO_WHITEN_REWARDS}
         * @return this builder
         */
        public Builder ppoWhitenRewards(boolean value) {
            return set(PPO_WHITEN_REWARDS, value);
        }

        /**
         * @param value {@link FinetuningArguments#REF_MODEL}, or null for none
         * @return this builder
         */
        public Builder refModel(String value) {
            return set(REF_MODEL, value);
        }

        /**
         * @param values {@link FinetuningArguments#REF_MODEL_ADAPTERS}
         * @return this builder
         */
        public Builder refModelAdapters(List<String> values) {
            return set(REF_MODEL_ADAPTERS, values);
        }

        /**
         * @param values {@link FinetuningArguments#REF_MODEL_ADAPTERS}
         * @return this builder
         */
        public Builder refModelAdapters(String... values) {
            return set(REF_MODEL_ADAPTERS, Arrays.asList(values));
        }

        /**
         * @param value {@link FinetuningArguments#REF_MODEL_QUANTIZATION_BIT}, or null for none
         * @return this builder
         */
        public Builder refModelQuantizationBit(Integer value) {
            return set(REF_MODEL_QUANTIZATION_BIT, value);
        }

        /**
         * @param value {@link FinetuningArguments#REWARD_MODEL}, or null for none
         * @return this builder
         */
        public Builder rewardModel(String value) {
            return set(REWARD_MODEL, value);
        }

        /**
         * @param values {@link FinetuningArguments#REWARD_MODEL_ADAPTERS}
         * @return this builder
         */
        public Builder rewardModelAdapters(List<String> values) {
            return set(REWARD_MODEL_ADAPTERS, values);
        }

        /**
         * @param values {@link FinetuningArguments#REWARD_MODEL_ADAPTERS}
         * @return this builder
         */
        public Builder rewardModelAdapters(String... values) {
            return set(REWARD_MODEL_ADAPTERS, Arrays.asList(values));
        }

        /**
         * @param value {@link FinetuningArguments#REWARD_MODEL_QUANTIZATION_BIT}, or null for none
         * @return this builder
         */
        public Builder rewardModelQuantizationBit(Integer value) {
            return set(REWARD_MODEL_QUANTIZATION_BIT, value);
        }

        /**
         * @param value {@link FinetuningArguments#REWARD_MODEL_TYPE}
         * @return this builder
         */
        public Builder rewardModelType(RewardModelType value) {
            return set(REWARD_MODEL_TYPE, value);
        }

        /**
         * @param value {@link FinetuningArguments#USE_DFT_LOSS}
         * @return this builder
         */
        public Builder useDftLoss(boolean value) {
            return set(USE_DFT_LOSS, value);
        }

        /**
         * @param value {@link FinetuningArguments#PLOT_LOSS}
         * @return this builder
         */
        public Builder plotLoss(boolean value) {
            return set(PLOT_LOSS, value);
        }

        /**
         * @param value {@link FinetuningArguments#COMPUTE_ACCURACY}
         * @return this builder
         */
        public Builder computeAccuracy(boolean value) {
            return set(COMPUTE_ACCURACY, value);
        }

        /**
         * @param value {@link FinetuningArguments#DISABLE_SHUFFLING}
         * @return this builder
         */
        public Builder disableShuffling(boolean value) {
            return set(DISABLE_SHUFFLING, value);
        }

        /**
         * Builds the arguments.
         *
         * @return the immutable arguments
         * @throws ai.llamafactory.api.exception.InvalidConfigException naming the key and value that are out of range
         *     or do not fit together
         */
        public FinetuningArguments build() {
            return new FinetuningArguments(values.build());
        }
    }
}
