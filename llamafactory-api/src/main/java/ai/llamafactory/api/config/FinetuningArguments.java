package ai.llamafactory.api.config;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * What is trained and with which method: LLaMA-Factory's {@code FinetuningArguments} (stage, fine-tuning type, LoRA,
 * freeze, GaLore, BAdam and RLHF arguments). Immutable; build with {@link #builder()}. Defaults equal
 * LLaMA-Factory's; {@link Builder#build()} applies LLaMA-Factory's checks (e.g. LoRA options with another fine-tuning
 * type, {@code dpo_label_smoothing} with a loss other than sigmoid).
 */
public final class FinetuningArguments {
    private final Stage stage;
    private final FinetuningType finetuningType;
    private final int loraRank;
    private final Integer loraAlpha;
    private final double loraDropout;
    private final List<String> loraTarget;
    private final List<String> additionalTarget;
    private final boolean useRslora;
    private final boolean useDora;
    private final boolean pissaInit;
    private final int pissaIter;
    private final boolean pissaConvert;
    private final Double loraplusLrRatio;
    private final double loraplusLrEmbedding;
    private final boolean createNewAdapter;
    private final int freezeTrainableLayers;
    private final List<String> freezeTrainableModules;
    private final List<String> freezeExtraModules;
    private final boolean useLlamaPro;
    private final boolean useGalore;
    private final List<String> galoreTarget;
    private final int galoreRank;
    private final int galoreUpdateInterval;
    private final double galoreScale;
    private final GaloreProjectionType galoreProjectionType;
    private final boolean galoreLayerwise;
    private final boolean useBadam;
    private final BadamMode badamMode;
    private final Integer badamStartBlock;
    private final BadamSwitchMode badamSwitchMode;
    private final int badamSwitchInterval;
    private final double badamUpdateRatio;
    private final BadamMaskMode badamMaskMode;
    private final double prefBeta;
    private final double prefFtx;
    private final double prefBcoWeight;
    private final PreferenceLoss preferenceLoss;
    private final double dpoLabelSmoothing;
    private final double ktoChosenWeight;
    private final double ktoRejectedWeight;
    private final double simpoGamma;
    private final Double ldAlpha;
    private final int ppoBufferSize;
    private final int ppoEpochs;
    private final boolean ppoScoreNorm;
    private final double ppoTarget;
    private final boolean ppoWhitenRewards;
    private final String refModel;
    private final List<String> refModelAdapters;
    private final Integer refModelQuantizationBit;
    private final String rewardModel;
    private final List<String> rewardModelAdapters;
    private final Integer rewardModelQuantizationBit;
    private final RewardModelType rewardModelType;
    private final boolean useDftLoss;
    private final boolean plotLoss;
    private final boolean computeAccuracy;
    private final boolean disableShuffling;

    private FinetuningArguments(Builder b) {
        this.stage = b.stage;
        this.finetuningType = b.finetuningType;
        this.loraRank = b.loraRank;
        this.loraAlpha = b.loraAlpha;
        this.loraDropout = b.loraDropout;
        this.loraTarget = b.loraTarget;
        this.additionalTarget = b.additionalTarget;
        this.useRslora = b.useRslora;
        this.useDora = b.useDora;
        this.pissaInit = b.pissaInit;
        this.pissaIter = b.pissaIter;
        this.pissaConvert = b.pissaConvert;
        this.loraplusLrRatio = b.loraplusLrRatio;
        this.loraplusLrEmbedding = b.loraplusLrEmbedding;
        this.createNewAdapter = b.createNewAdapter;
        this.freezeTrainableLayers = b.freezeTrainableLayers;
        this.freezeTrainableModules = b.freezeTrainableModules;
        this.freezeExtraModules = b.freezeExtraModules;
        this.useLlamaPro = b.useLlamaPro;
        this.useGalore = b.useGalore;
        this.galoreTarget = b.galoreTarget;
        this.galoreRank = b.galoreRank;
        this.galoreUpdateInterval = b.galoreUpdateInterval;
        this.galoreScale = b.galoreScale;
        this.galoreProjectionType = b.galoreProjectionType;
        this.galoreLayerwise = b.galoreLayerwise;
        this.useBadam = b.useBadam;
        this.badamMode = b.badamMode;
        this.badamStartBlock = b.badamStartBlock;
        this.badamSwitchMode = b.badamSwitchMode;
        this.badamSwitchInterval = b.badamSwitchInterval;
        this.badamUpdateRatio = b.badamUpdateRatio;
        this.badamMaskMode = b.badamMaskMode;
        this.prefBeta = b.prefBeta;
        this.prefFtx = b.prefFtx;
        this.prefBcoWeight = b.prefBcoWeight;
        this.preferenceLoss = b.preferenceLoss;
        this.dpoLabelSmoothing = b.dpoLabelSmoothing;
        this.ktoChosenWeight = b.ktoChosenWeight;
        this.ktoRejectedWeight = b.ktoRejectedWeight;
        this.simpoGamma = b.simpoGamma;
        this.ldAlpha = b.ldAlpha;
        this.ppoBufferSize = b.ppoBufferSize;
        this.ppoEpochs = b.ppoEpochs;
        this.ppoScoreNorm = b.ppoScoreNorm;
        this.ppoTarget = b.ppoTarget;
        this.ppoWhitenRewards = b.ppoWhitenRewards;
        this.refModel = b.refModel;
        this.refModelAdapters = b.refModelAdapters;
        this.refModelQuantizationBit = b.refModelQuantizationBit;
        this.rewardModel = b.rewardModel;
        this.rewardModelAdapters = b.rewardModelAdapters;
        this.rewardModelQuantizationBit = b.rewardModelQuantizationBit;
        this.rewardModelType = b.rewardModelType;
        this.useDftLoss = b.useDftLoss;
        this.plotLoss = b.plotLoss;
        this.computeAccuracy = b.computeAccuracy;
        this.disableShuffling = b.disableShuffling;
        validate();
    }

    /** @return a builder with LLaMA-Factory's defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the arguments with every value at LLaMA-Factory's default */
    public static FinetuningArguments defaults() {
        return builder().build();
    }

    /** @return a builder initialised with this object's values */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.stage = stage;
        b.finetuningType = finetuningType;
        b.loraRank = loraRank;
        b.loraAlpha = loraAlpha;
        b.loraDropout = loraDropout;
        b.loraTarget = loraTarget;
        b.additionalTarget = additionalTarget;
        b.useRslora = useRslora;
        b.useDora = useDora;
        b.pissaInit = pissaInit;
        b.pissaIter = pissaIter;
        b.pissaConvert = pissaConvert;
        b.loraplusLrRatio = loraplusLrRatio;
        b.loraplusLrEmbedding = loraplusLrEmbedding;
        b.createNewAdapter = createNewAdapter;
        b.freezeTrainableLayers = freezeTrainableLayers;
        b.freezeTrainableModules = freezeTrainableModules;
        b.freezeExtraModules = freezeExtraModules;
        b.useLlamaPro = useLlamaPro;
        b.useGalore = useGalore;
        b.galoreTarget = galoreTarget;
        b.galoreRank = galoreRank;
        b.galoreUpdateInterval = galoreUpdateInterval;
        b.galoreScale = galoreScale;
        b.galoreProjectionType = galoreProjectionType;
        b.galoreLayerwise = galoreLayerwise;
        b.useBadam = useBadam;
        b.badamMode = badamMode;
        b.badamStartBlock = badamStartBlock;
        b.badamSwitchMode = badamSwitchMode;
        b.badamSwitchInterval = badamSwitchInterval;
        b.badamUpdateRatio = badamUpdateRatio;
        b.badamMaskMode = badamMaskMode;
        b.prefBeta = prefBeta;
        b.prefFtx = prefFtx;
        b.prefBcoWeight = prefBcoWeight;
        b.preferenceLoss = preferenceLoss;
        b.dpoLabelSmoothing = dpoLabelSmoothing;
        b.ktoChosenWeight = ktoChosenWeight;
        b.ktoRejectedWeight = ktoRejectedWeight;
        b.simpoGamma = simpoGamma;
        b.ldAlpha = ldAlpha;
        b.ppoBufferSize = ppoBufferSize;
        b.ppoEpochs = ppoEpochs;
        b.ppoScoreNorm = ppoScoreNorm;
        b.ppoTarget = ppoTarget;
        b.ppoWhitenRewards = ppoWhitenRewards;
        b.refModel = refModel;
        b.refModelAdapters = refModelAdapters;
        b.refModelQuantizationBit = refModelQuantizationBit;
        b.rewardModel = rewardModel;
        b.rewardModelAdapters = rewardModelAdapters;
        b.rewardModelQuantizationBit = rewardModelQuantizationBit;
        b.rewardModelType = rewardModelType;
        b.useDftLoss = useDftLoss;
        b.plotLoss = plotLoss;
        b.computeAccuracy = computeAccuracy;
        b.disableShuffling = disableShuffling;
        return b;
    }

    /** @return the training stage ({@code stage}, default {@code sft}) */
    public Stage stage() {
        return stage;
    }

    /** @return how the weights are trained ({@code finetuning_type}, default {@code lora}) */
    public FinetuningType finetuningType() {
        return finetuningType;
    }

    /** @return the rank r of the LoRA matrices ({@code lora_rank}, default 8) */
    public int loraRank() {
        return loraRank;
    }

    /** @return the LoRA scale numerator alpha: {@code lora_alpha} when set, else 2 * {@code lora_rank} */
    public int loraAlpha() {
        return loraAlpha != null ? loraAlpha : 2 * loraRank;
    }

    /** @return the dropout applied to the LoRA input ({@code lora_dropout}, default 0) */
    public double loraDropout() {
        return loraDropout;
    }

    /**
     * @return the modules that receive adapters; {@code all} means every linear layer but the output layer ({@code
     *     lora_target}, default {@code all})
     */
    public List<String> loraTarget() {
        return loraTarget;
    }

    /**
     * @return modules trained in full and saved next to the adapter (PEFT's {@code modules_to_save}) ({@code
     *     additional_target}, default [])
     */
    public List<String> additionalTarget() {
        return additionalTarget;
    }

    /**
     * @return whether the LoRA scale is alpha / sqrt(r) (rank-stabilised) instead of alpha / r ({@code use_rslora},
     *     default false)
     */
    public boolean useRslora() {
        return useRslora;
    }

    /** @return whether DoRA (weight-decomposed LoRA) is used ({@code use_dora}, default false) */
    public boolean useDora() {
        return useDora;
    }

    /**
     * @return whether the adapter is initialised with PiSSA (principal singular vectors) ({@code pissa_init}, default
     *     false)
     */
    public boolean pissaInit() {
        return pissaInit;
    }

    /** @return the fast-SVD iterations of PiSSA; -1 means an exact SVD ({@code pissa_iter}, default 16) */
    public int pissaIter() {
        return pissaIter;
    }

    /**
     * @return whether a trained PiSSA adapter is also saved converted to a plain LoRA adapter ({@code pissa_convert},
     *     default false)
     */
    public boolean pissaConvert() {
        return pissaConvert;
    }

    /**
     * @return LoRA+: the learning rate of the B matrices divided by that of the A matrices ({@code loraplus_lr_ratio},
     *     default none)
     */
    public OptionalDouble loraplusLrRatio() {
        return loraplusLrRatio == null ? OptionalDouble.empty() : OptionalDouble.of(loraplusLrRatio);
    }

    /** @return LoRA+: the learning rate of LoRA embedding layers ({@code loraplus_lr_embedding}, default 1e-6) */
    public double loraplusLrEmbedding() {
        return loraplusLrEmbedding;
    }

    /**
     * @return whether a fresh adapter is trained on top of the loaded adapters ({@code create_new_adapter}, default
     *     false)
     */
    public boolean createNewAdapter() {
        return createNewAdapter;
    }

    /**
     * @return freeze tuning: the number of trainable decoder layers, the last n when positive, the first n when
     *     negative ({@code freeze_trainable_layers}, default 2)
     */
    public int freezeTrainableLayers() {
        return freezeTrainableLayers;
    }

    /**
     * @return freeze tuning: the sub-modules of each trainable layer that are trained ({@code all} for every one)
     *     ({@code freeze_trainable_modules}, default {@code all})
     */
    public List<String> freezeTrainableModules() {
        return freezeTrainableModules;
    }

    /**
     * @return freeze tuning: modules outside the decoder layers that are trained too, e.g. {@code embed_tokens,norm}
     *     ({@code freeze_extra_modules}, default [])
     */
    public List<String> freezeExtraModules() {
        return freezeExtraModules;
    }

    /**
     * @return whether only the expanded blocks of a LLaMA Pro model are trained ({@code use_llama_pro}, default false)
     */
    public boolean useLlamaPro() {
        return useLlamaPro;
    }

    /** @return whether GaLore (gradient low-rank projection) is used ({@code use_galore}, default false) */
    public boolean useGalore() {
        return useGalore;
    }

    /** @return the modules whose gradients GaLore projects ({@code galore_target}, default {@code all}) */
    public List<String> galoreTarget() {
        return galoreTarget;
    }

    /** @return the rank of the GaLore projection ({@code galore_rank}, default 16) */
    public int galoreRank() {
        return galoreRank;
    }

    /**
     * @return the number of steps between updates of the GaLore projection ({@code galore_update_interval}, default
     *     200)
     */
    public int galoreUpdateInterval() {
        return galoreUpdateInterval;
    }

    /** @return the GaLore scaling coefficient ({@code galore_scale}, default 2.0) */
    public double galoreScale() {
        return galoreScale;
    }

    /** @return the side GaLore projects from ({@code galore_proj_type}, default {@code std}) */
    public GaloreProjectionType galoreProjectionType() {
        return galoreProjectionType;
    }

    /** @return whether GaLore updates layer by layer to save memory ({@code galore_layerwise}, default false) */
    public boolean galoreLayerwise() {
        return galoreLayerwise;
    }

    /** @return whether the BAdam block-coordinate optimizer is used ({@code use_badam}, default false) */
    public boolean useBadam() {
        return useBadam;
    }

    /** @return how BAdam partitions the parameters ({@code badam_mode}, default {@code layer}) */
    public BadamMode badamMode() {
        return badamMode;
    }

    /** @return the first block layer-wise BAdam updates ({@code badam_start_block}, default none) */
    public OptionalInt badamStartBlock() {
        return badamStartBlock == null ? OptionalInt.empty() : OptionalInt.of(badamStartBlock);
    }

    /**
     * @return the order in which layer-wise BAdam visits blocks ({@code badam_switch_mode}, default {@code ascending})
     */
    public BadamSwitchMode badamSwitchMode() {
        return badamSwitchMode;
    }

    /**
     * @return the number of steps between block switches of layer-wise BAdam; -1 never switches ({@code
     *     badam_switch_interval}, default 50)
     */
    public int badamSwitchInterval() {
        return badamSwitchInterval;
    }

    /** @return the fraction of each weight ratio-wise BAdam updates ({@code badam_update_ratio}, default 0.05) */
    public double badamUpdateRatio() {
        return badamUpdateRatio;
    }

    /** @return which elements ratio-wise BAdam updates ({@code badam_mask_mode}, default {@code adjacent}) */
    public BadamMaskMode badamMaskMode() {
        return badamMaskMode;
    }

    /** @return the beta of the preference loss (also KTO's beta) ({@code pref_beta}, default 0.1) */
    public double prefBeta() {
        return prefBeta;
    }

    /** @return the coefficient of the SFT loss added to DPO and KTO ({@code pref_ftx}, default 0) */
    public double prefFtx() {
        return prefFtx;
    }

    /**
     * @return the weight of the Binary Classifier Optimization loss mixed into DPO ({@code pref_bco_weight}, default 0)
     */
    public double prefBcoWeight() {
        return prefBcoWeight;
    }

    /** @return the DPO loss ({@code pref_loss}, default {@code sigmoid}) */
    public PreferenceLoss preferenceLoss() {
        return preferenceLoss;
    }

    /** @return the cDPO label smoothing, in [0, 0.5] (sigmoid loss only) ({@code dpo_label_smoothing}, default 0) */
    public double dpoLabelSmoothing() {
        return dpoLabelSmoothing;
    }

    /** @return the weight of desirable examples in KTO ({@code kto_chosen_weight}, default 1.0) */
    public double ktoChosenWeight() {
        return ktoChosenWeight;
    }

    /** @return the weight of undesirable examples in KTO ({@code kto_rejected_weight}, default 1.0) */
    public double ktoRejectedWeight() {
        return ktoRejectedWeight;
    }

    /** @return the target reward margin of SimPO ({@code simpo_gamma}, default 0.5) */
    public double simpoGamma() {
        return simpoGamma;
    }

    /**
     * @return LD-DPO's alpha: the weight of response tokens beyond the shorter response ({@code ld_alpha}, default
     *     none)
     */
    public OptionalDouble ldAlpha() {
        return ldAlpha == null ? OptionalDouble.empty() : OptionalDouble.of(ldAlpha);
    }

    /** @return the number of mini-batches in one PPO experience buffer ({@code ppo_buffer_size}, default 1) */
    public int ppoBufferSize() {
        return ppoBufferSize;
    }

    /** @return the number of epochs of each PPO optimisation step ({@code ppo_epochs}, default 4) */
    public int ppoEpochs() {
        return ppoEpochs;
    }

    /** @return whether PPO scores are scaled and normalised ({@code ppo_score_norm}, default false) */
    public boolean ppoScoreNorm() {
        return ppoScoreNorm;
    }

    /** @return the target KL of PPO's adaptive KL control ({@code ppo_target}, default 6.0) */
    public double ppoTarget() {
        return ppoTarget;
    }

    /**
     * @return whether PPO rewards are whitened before computing advantages ({@code ppo_whiten_rewards}, default false)
     */
    public boolean ppoWhitenRewards() {
        return ppoWhitenRewards;
    }

    /**
     * @return the reference model of DPO, KTO or PPO; none means the base model (adapters disabled for LoRA) ({@code
     *     ref_model}, default none)
     */
    public Optional<String> refModel() {
        return Optional.ofNullable(refModel);
    }

    /** @return adapters loaded on the reference model ({@code ref_model_adapters}, default []) */
    public List<String> refModelAdapters() {
        return refModelAdapters;
    }

    /**
     * @return the bits (4 or 8) to quantize the reference model to ({@code ref_model_quantization_bit}, default none)
     */
    public OptionalInt refModelQuantizationBit() {
        return refModelQuantizationBit == null ? OptionalInt.empty() : OptionalInt.of(refModelQuantizationBit);
    }

    /**
     * @return the PPO reward model: a model folder, an adapter folder or an API URL ({@code reward_model}, default
     *     none)
     */
    public Optional<String> rewardModel() {
        return Optional.ofNullable(rewardModel);
    }

    /** @return adapters loaded on the reward model ({@code reward_model_adapters}, default []) */
    public List<String> rewardModelAdapters() {
        return rewardModelAdapters;
    }

    /**
     * @return the bits (4 or 8) to quantize the reward model to ({@code reward_model_quantization_bit}, default none)
     */
    public OptionalInt rewardModelQuantizationBit() {
        return rewardModelQuantizationBit == null ? OptionalInt.empty() : OptionalInt.of(rewardModelQuantizationBit);
    }

    /** @return how the PPO reward model is given ({@code reward_model_type}, default {@code lora}) */
    public RewardModelType rewardModelType() {
        return rewardModelType;
    }

    /**
     * @return whether SFT uses the DFT loss (token cross-entropy weighted by the token's probability) ({@code
     *     use_dft_loss}, default false)
     */
    public boolean useDftLoss() {
        return useDftLoss;
    }

    /** @return whether loss curves are saved as PNG files ({@code plot_loss}, default false) */
    public boolean plotLoss() {
        return plotLoss;
    }

    /** @return whether token accuracy is computed at evaluation ({@code compute_accuracy}, default false) */
    public boolean computeAccuracy() {
        return computeAccuracy;
    }

    /** @return whether the training set is read in order ({@code disable_shuffling}, default false) */
    public boolean disableShuffling() {
        return disableShuffling;
    }


    /**
     * @return LLaMA-Factory's {@code use_ref_model}: true for stage {@code dpo} with a loss that compares against a
     *     reference model (not {@code orpo} or {@code simpo}). Stage {@code kto} always uses a reference model.
     */
    public boolean useRefModel() {
        return stage == Stage.DPO && preferenceLoss.needsReferenceModel();
    }

    private void validate() {
        // Keys LLaMA-Factory honours that are not implemented here: refused unless off (ConfigKeyWalkTest).
        Checks.notSupportedYet("use_galore", useGalore, false, "the GaLore optimizer is not implemented yet; "
                + "use finetuning_type lora, or full/freeze with optim adamw_torch");
        Checks.notSupportedYet("galore_target", galoreTarget, List.of("all"), "only used with use_galore, which is not supported yet");
        Checks.notSupportedYet("galore_rank", galoreRank, 16, "only used with use_galore, which is not supported yet");
        Checks.notSupportedYet("galore_update_interval", galoreUpdateInterval, 200, "only used with use_galore, which is not supported yet");
        Checks.notSupportedYet("galore_scale", galoreScale, 2.0, "only used with use_galore, which is not supported yet");
        Checks.notSupportedYet("galore_proj_type", galoreProjectionType.key(), "std", "only used with use_galore, which is not supported yet");
        Checks.notSupportedYet("galore_layerwise", galoreLayerwise, false, "only used with use_galore, which is not supported yet");
        Checks.notSupportedYet("use_badam", useBadam, false, "the BAdam optimizer is not implemented yet; use "
                + "finetuning_type freeze to train a subset of layers, or lora");
        Checks.notSupportedYet("badam_mode", badamMode.key(), "layer", "only used with use_badam, which is not supported yet");
        Checks.notSupportedYet("badam_start_block", badamStartBlock, null, "only used with use_badam, which is not supported yet");
        Checks.notSupportedYet("badam_switch_mode", badamSwitchMode.key(), "ascending", "only used with use_badam, which is not supported yet");
        Checks.notSupportedYet("badam_switch_interval", badamSwitchInterval, 50, "only used with use_badam, which is not supported yet");
        Checks.notSupportedYet("badam_update_ratio", badamUpdateRatio, 0.05, "only used with use_badam, which is not supported yet");
        Checks.notSupportedYet("badam_mask_mode", badamMaskMode.key(), "adjacent", "only used with use_badam, which is not supported yet");
        Checks.notSupportedYet("disable_shuffling", disableShuffling, false, "the training data is always "
                + "shuffled, in an order set by seed");
        Checks.positive("lora_rank", loraRank);
        Checks.positive("lora_alpha", loraAlpha);
        Checks.halfOpen("lora_dropout", loraDropout, 0, 1);
        Checks.require(!loraTarget.isEmpty(), "lora_target", "must name at least one module, or all");
        Checks.require(pissaIter == -1 || pissaIter > 0, "pissa_iter",
                "must be -1 (exact SVD) or a positive number of iterations, got " + pissaIter);
        Checks.positive("loraplus_lr_ratio", loraplusLrRatio);
        Checks.nonNegative("loraplus_lr_embedding", loraplusLrEmbedding);
        Checks.require(freezeTrainableLayers != 0, "freeze_trainable_layers",
                "must be non-zero (the last n layers when positive, the first n when negative), got 0");
        Checks.require(!freezeTrainableModules.isEmpty(), "freeze_trainable_modules",
                "must name at least one module, or all");
        Checks.require(!galoreTarget.isEmpty(), "galore_target", "must name at least one module, or all");
        Checks.positive("galore_rank", galoreRank);
        Checks.positive("galore_update_interval", galoreUpdateInterval);
        Checks.positive("galore_scale", galoreScale);
        if (badamStartBlock != null) {
            Checks.nonNegative("badam_start_block", badamStartBlock.intValue());
        }
        Checks.require(badamSwitchInterval == -1 || badamSwitchInterval > 0, "badam_switch_interval",
                "must be -1 (never switch) or a positive number of steps, got " + badamSwitchInterval);
        Checks.require(badamUpdateRatio > 0 && badamUpdateRatio <= 1, "badam_update_ratio",
                "must lie in (0, 1], got " + badamUpdateRatio);
        Checks.positive("pref_beta", prefBeta);
        Checks.nonNegative("pref_ftx", prefFtx);
        Checks.nonNegative("pref_bco_weight", prefBcoWeight);
        Checks.closed("dpo_label_smoothing", dpoLabelSmoothing, 0, 0.5);
        Checks.nonNegative("kto_chosen_weight", ktoChosenWeight);
        Checks.nonNegative("kto_rejected_weight", ktoRejectedWeight);
        Checks.finite("simpo_gamma", simpoGamma);
        if (ldAlpha != null) {
            Checks.closed("ld_alpha", ldAlpha, 0, 1);
        }
        Checks.positive("ppo_buffer_size", ppoBufferSize);
        Checks.positive("ppo_epochs", ppoEpochs);
        Checks.positive("ppo_target", ppoTarget);
        Checks.oneOf("ref_model_quantization_bit", refModelQuantizationBit, 4, 8);
        Checks.oneOf("reward_model_quantization_bit", rewardModelQuantizationBit, 4, 8);

        // Combinations LLaMA-Factory rejects (hparams/finetuning_args.py).
        String method = finetuningType.key();
        if (stage == Stage.PPO) {
            Checks.require(rewardModel != null, "reward_model", "is required for stage ppo");
            Checks.require(rewardModelType != RewardModelType.LORA || finetuningType == FinetuningType.LORA,
                    "reward_model_type", "cannot be lora with finetuning_type " + method
                            + " (a LoRA reward model is loaded into the policy's LoRA model); use full or api");
        }
        Checks.require(stage != Stage.DPO || preferenceLoss == PreferenceLoss.SIGMOID || dpoLabelSmoothing <= 1e-6,
                "dpo_label_smoothing", "is only valid with pref_loss sigmoid, but pref_loss is " + preferenceLoss.key()
                        + " (dpo_label_smoothing " + dpoLabelSmoothing + ")");
        Checks.require(!useLlamaPro || finetuningType != FinetuningType.FULL, "use_llama_pro",
                "is only valid with finetuning_type freeze or lora, but finetuning_type is full");
        if (finetuningType == FinetuningType.LORA) {
            Checks.require(!useGalore, "use_galore", "cannot be combined with finetuning_type lora");
            Checks.require(!useBadam, "use_badam", "cannot be combined with finetuning_type lora");
        }
        Checks.require(!(useGalore && useBadam), "use_badam", "cannot be combined with use_galore");
        Checks.require(!pissaInit || !(stage == Stage.PPO || stage == Stage.KTO || useRefModel()), "pissa_init",
                "cannot be used for stage " + stage.key()
                        + (stage == Stage.DPO ? " with pref_loss " + preferenceLoss.key() : ""));
        if (finetuningType != FinetuningType.LORA) {
            String problem = "is only valid with finetuning_type lora, but finetuning_type is " + method;
            Checks.require(loraplusLrRatio == null, "loraplus_lr_ratio", problem);
            Checks.require(!useRslora, "use_rslora", problem);
            Checks.require(!useDora, "use_dora", problem);
            Checks.require(!pissaInit, "pissa_init", problem);
        }
    }

    private static final ArgumentGroup<FinetuningArguments, Builder> SCHEMA = createSchema();

    /** @return the configuration-file keys of this class */
    static ArgumentGroup<FinetuningArguments, Builder> schema() {
        return SCHEMA;
    }

    private static ArgumentGroup<FinetuningArguments, Builder> createSchema() {
        return new ArgumentGroup<FinetuningArguments, Builder>("method", Builder::new, Builder::build,
                FinetuningArguments::defaults, null)
                .required("stage", ValueType.ofEnum(Stage.class, Stage::key, Stage::fromKey),
                        (b, v) -> b.stage(v), a -> a.stage)
                .required("finetuning_type", ValueType.ofEnum(FinetuningType.class, FinetuningType::key,
                        FinetuningType::fromKey),
                        (b, v) -> b.finetuningType(v), a -> a.finetuningType)
                .required("lora_rank", ValueType.INTEGER, (b, v) -> b.loraRank(v), a -> a.loraRank)
                .optional("lora_alpha", ValueType.INTEGER, (b, v) -> b.loraAlpha(v), a -> a.loraAlpha)
                .required("lora_dropout", ValueType.DOUBLE, (b, v) -> b.loraDropout(v), a -> a.loraDropout)
                .optional("lora_target", ValueType.STRING_LIST, (b, v) -> b.loraTarget(v), a -> a.loraTarget)
                .optional("additional_target", ValueType.STRING_LIST,
                        (b, v) -> b.additionalTarget(v), a -> a.additionalTarget)
                .required("use_rslora", ValueType.BOOLEAN, (b, v) -> b.useRslora(v), a -> a.useRslora)
                .required("use_dora", ValueType.BOOLEAN, (b, v) -> b.useDora(v), a -> a.useDora)
                .required("pissa_init", ValueType.BOOLEAN, (b, v) -> b.pissaInit(v), a -> a.pissaInit)
                .required("pissa_iter", ValueType.INTEGER, (b, v) -> b.pissaIter(v), a -> a.pissaIter)
                .required("pissa_convert", ValueType.BOOLEAN, (b, v) -> b.pissaConvert(v), a -> a.pissaConvert)
                .optional("loraplus_lr_ratio", ValueType.DOUBLE, (b, v) -> b.loraplusLrRatio(v), a -> a.loraplusLrRatio)
                .required("loraplus_lr_embedding", ValueType.DOUBLE,
                        (b, v) -> b.loraplusLrEmbedding(v), a -> a.loraplusLrEmbedding)
                .required("create_new_adapter", ValueType.BOOLEAN,
                        (b, v) -> b.createNewAdapter(v), a -> a.createNewAdapter)
                .required("freeze_trainable_layers", ValueType.INTEGER,
                        (b, v) -> b.freezeTrainableLayers(v), a -> a.freezeTrainableLayers)
                .optional("freeze_trainable_modules", ValueType.STRING_LIST,
                        (b, v) -> b.freezeTrainableModules(v), a -> a.freezeTrainableModules)
                .optional("freeze_extra_modules", ValueType.STRING_LIST,
                        (b, v) -> b.freezeExtraModules(v), a -> a.freezeExtraModules)
                .required("use_llama_pro", ValueType.BOOLEAN, (b, v) -> b.useLlamaPro(v), a -> a.useLlamaPro)
                .required("use_galore", ValueType.BOOLEAN, (b, v) -> b.useGalore(v), a -> a.useGalore)
                .optional("galore_target", ValueType.STRING_LIST, (b, v) -> b.galoreTarget(v), a -> a.galoreTarget)
                .required("galore_rank", ValueType.INTEGER, (b, v) -> b.galoreRank(v), a -> a.galoreRank)
                .required("galore_update_interval", ValueType.INTEGER,
                        (b, v) -> b.galoreUpdateInterval(v), a -> a.galoreUpdateInterval)
                .required("galore_scale", ValueType.DOUBLE, (b, v) -> b.galoreScale(v), a -> a.galoreScale)
                .required("galore_proj_type", ValueType.ofEnum(GaloreProjectionType.class, GaloreProjectionType::key,
                        GaloreProjectionType::fromKey),
                        (b, v) -> b.galoreProjectionType(v), a -> a.galoreProjectionType)
                .required("galore_layerwise", ValueType.BOOLEAN, (b, v) -> b.galoreLayerwise(v), a -> a.galoreLayerwise)
                .required("use_badam", ValueType.BOOLEAN, (b, v) -> b.useBadam(v), a -> a.useBadam)
                .required("badam_mode", ValueType.ofEnum(BadamMode.class, BadamMode::key, BadamMode::fromKey),
                        (b, v) -> b.badamMode(v), a -> a.badamMode)
                .optional("badam_start_block", ValueType.INTEGER,
                        (b, v) -> b.badamStartBlock(v), a -> a.badamStartBlock)
                .required("badam_switch_mode", ValueType.ofEnum(BadamSwitchMode.class, BadamSwitchMode::key,
                        BadamSwitchMode::fromKey),
                        (b, v) -> b.badamSwitchMode(v), a -> a.badamSwitchMode)
                .required("badam_switch_interval", ValueType.INTEGER,
                        (b, v) -> b.badamSwitchInterval(v), a -> a.badamSwitchInterval)
                .required("badam_update_ratio", ValueType.DOUBLE,
                        (b, v) -> b.badamUpdateRatio(v), a -> a.badamUpdateRatio)
                .required("badam_mask_mode", ValueType.ofEnum(BadamMaskMode.class, BadamMaskMode::key,
                        BadamMaskMode::fromKey),
                        (b, v) -> b.badamMaskMode(v), a -> a.badamMaskMode)
                .required("pref_beta", ValueType.DOUBLE, (b, v) -> b.prefBeta(v), a -> a.prefBeta)
                .required("pref_ftx", ValueType.DOUBLE, (b, v) -> b.prefFtx(v), a -> a.prefFtx)
                .required("pref_bco_weight", ValueType.DOUBLE, (b, v) -> b.prefBcoWeight(v), a -> a.prefBcoWeight)
                .required("pref_loss", ValueType.ofEnum(PreferenceLoss.class, PreferenceLoss::key,
                        PreferenceLoss::fromKey),
                        (b, v) -> b.preferenceLoss(v), a -> a.preferenceLoss)
                .required("dpo_label_smoothing", ValueType.DOUBLE,
                        (b, v) -> b.dpoLabelSmoothing(v), a -> a.dpoLabelSmoothing)
                .required("kto_chosen_weight", ValueType.DOUBLE, (b, v) -> b.ktoChosenWeight(v), a -> a.ktoChosenWeight)
                .required("kto_rejected_weight", ValueType.DOUBLE,
                        (b, v) -> b.ktoRejectedWeight(v), a -> a.ktoRejectedWeight)
                .required("simpo_gamma", ValueType.DOUBLE, (b, v) -> b.simpoGamma(v), a -> a.simpoGamma)
                .optional("ld_alpha", ValueType.DOUBLE, (b, v) -> b.ldAlpha(v), a -> a.ldAlpha)
                .required("ppo_buffer_size", ValueType.INTEGER, (b, v) -> b.ppoBufferSize(v), a -> a.ppoBufferSize)
                .required("ppo_epochs", ValueType.INTEGER, (b, v) -> b.ppoEpochs(v), a -> a.ppoEpochs)
                .required("ppo_score_norm", ValueType.BOOLEAN, (b, v) -> b.ppoScoreNorm(v), a -> a.ppoScoreNorm)
                .required("ppo_target", ValueType.DOUBLE, (b, v) -> b.ppoTarget(v), a -> a.ppoTarget)
                .required("ppo_whiten_rewards", ValueType.BOOLEAN,
                        (b, v) -> b.ppoWhitenRewards(v), a -> a.ppoWhitenRewards)
                .optional("ref_model", ValueType.STRING, (b, v) -> b.refModel(v), a -> a.refModel)
                .optional("ref_model_adapters", ValueType.STRING_LIST,
                        (b, v) -> b.refModelAdapters(v), a -> a.refModelAdapters)
                .optional("ref_model_quantization_bit", ValueType.INTEGER,
                        (b, v) -> b.refModelQuantizationBit(v), a -> a.refModelQuantizationBit)
                .optional("reward_model", ValueType.STRING, (b, v) -> b.rewardModel(v), a -> a.rewardModel)
                .optional("reward_model_adapters", ValueType.STRING_LIST,
                        (b, v) -> b.rewardModelAdapters(v), a -> a.rewardModelAdapters)
                .optional("reward_model_quantization_bit", ValueType.INTEGER,
                        (b, v) -> b.rewardModelQuantizationBit(v), a -> a.rewardModelQuantizationBit)
                .required("reward_model_type", ValueType.ofEnum(RewardModelType.class, RewardModelType::key,
                        RewardModelType::fromKey),
                        (b, v) -> b.rewardModelType(v), a -> a.rewardModelType)
                .required("use_dft_loss", ValueType.BOOLEAN, (b, v) -> b.useDftLoss(v), a -> a.useDftLoss)
                .required("plot_loss", ValueType.BOOLEAN, (b, v) -> b.plotLoss(v), a -> a.plotLoss)
                .required("compute_accuracy", ValueType.BOOLEAN, (b, v) -> b.computeAccuracy(v), a -> a.computeAccuracy)
                .required("disable_shuffling", ValueType.BOOLEAN,
                        (b, v) -> b.disableShuffling(v), a -> a.disableShuffling);
    }

    private List<Object> values() {
        return Arrays.asList(stage, finetuningType, loraRank, loraAlpha(), loraDropout, loraTarget, additionalTarget,
                useRslora, useDora, pissaInit, pissaIter, pissaConvert, loraplusLrRatio, loraplusLrEmbedding,
                createNewAdapter, freezeTrainableLayers, freezeTrainableModules, freezeExtraModules, useLlamaPro,
                useGalore, galoreTarget, galoreRank, galoreUpdateInterval, galoreScale, galoreProjectionType,
                galoreLayerwise, useBadam, badamMode, badamStartBlock, badamSwitchMode, badamSwitchInterval,
                badamUpdateRatio, badamMaskMode, prefBeta, prefFtx, prefBcoWeight, preferenceLoss, dpoLabelSmoothing,
                ktoChosenWeight, ktoRejectedWeight, simpoGamma, ldAlpha, ppoBufferSize, ppoEpochs, ppoScoreNorm,
                ppoTarget, ppoWhitenRewards, refModel, refModelAdapters, refModelQuantizationBit, rewardModel,
                rewardModelAdapters, rewardModelQuantizationBit, rewardModelType, useDftLoss, plotLoss,
                computeAccuracy, disableShuffling);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FinetuningArguments && values().equals(((FinetuningArguments) o).values());
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
     * Builder for {@link FinetuningArguments}; starts from LLaMA-Factory's defaults and checks every value in {@link
     * #build()}.
     */
    public static final class Builder {
        private Stage stage = Stage.SFT;
        private FinetuningType finetuningType = FinetuningType.LORA;
        private int loraRank = 8;
        private Integer loraAlpha;
        private double loraDropout = 0.0;
        private List<String> loraTarget = List.of("all");
        private List<String> additionalTarget = List.of();
        private boolean useRslora = false;
        private boolean useDora = false;
        private boolean pissaInit = false;
        private int pissaIter = 16;
        private boolean pissaConvert = false;
        private Double loraplusLrRatio;
        private double loraplusLrEmbedding = 1.0e-6;
        private boolean createNewAdapter = false;
        private int freezeTrainableLayers = 2;
        private List<String> freezeTrainableModules = List.of("all");
        private List<String> freezeExtraModules = List.of();
        private boolean useLlamaPro = false;
        private boolean useGalore = false;
        private List<String> galoreTarget = List.of("all");
        private int galoreRank = 16;
        private int galoreUpdateInterval = 200;
        private double galoreScale = 2.0;
        private GaloreProjectionType galoreProjectionType = GaloreProjectionType.STD;
        private boolean galoreLayerwise = false;
        private boolean useBadam = false;
        private BadamMode badamMode = BadamMode.LAYER;
        private Integer badamStartBlock;
        private BadamSwitchMode badamSwitchMode = BadamSwitchMode.ASCENDING;
        private int badamSwitchInterval = 50;
        private double badamUpdateRatio = 0.05;
        private BadamMaskMode badamMaskMode = BadamMaskMode.ADJACENT;
        private double prefBeta = 0.1;
        private double prefFtx = 0.0;
        private double prefBcoWeight = 0.0;
        private PreferenceLoss preferenceLoss = PreferenceLoss.SIGMOID;
        private double dpoLabelSmoothing = 0.0;
        private double ktoChosenWeight = 1.0;
        private double ktoRejectedWeight = 1.0;
        private double simpoGamma = 0.5;
        private Double ldAlpha;
        private int ppoBufferSize = 1;
        private int ppoEpochs = 4;
        private boolean ppoScoreNorm = false;
        private double ppoTarget = 6.0;
        private boolean ppoWhitenRewards = false;
        private String refModel;
        private List<String> refModelAdapters = List.of();
        private Integer refModelQuantizationBit;
        private String rewardModel;
        private List<String> rewardModelAdapters = List.of();
        private Integer rewardModelQuantizationBit;
        private RewardModelType rewardModelType = RewardModelType.LORA;
        private boolean useDftLoss = false;
        private boolean plotLoss = false;
        private boolean computeAccuracy = false;
        private boolean disableShuffling = false;

        private Builder() {
        }

        /**
         * Sets {@code stage}: the training stage.
         *
         * @param value the value
         * @return this builder
         */
        public Builder stage(Stage value) {
            this.stage = Checks.notNull(value, "stage");
            return this;
        }

        /**
         * Sets {@code finetuning_type}: how the weights are trained.
         *
         * @param value the value
         * @return this builder
         */
        public Builder finetuningType(FinetuningType value) {
            this.finetuningType = Checks.notNull(value, "finetuning_type");
            return this;
        }

        /**
         * Sets {@code lora_rank}: the rank r of the LoRA matrices.
         *
         * @param value the value
         * @return this builder
         */
        public Builder loraRank(int value) {
            this.loraRank = value;
            return this;
        }

        /**
         * Sets {@code lora_alpha}: the LoRA scale numerator alpha.
         *
         * @param value the value, or null for 2 * {@code lora_rank}
         * @return this builder
         */
        public Builder loraAlpha(Integer value) {
            this.loraAlpha = value;
            return this;
        }

        /**
         * Sets {@code lora_dropout}: the dropout applied to the LoRA input.
         *
         * @param value the value
         * @return this builder
         */
        public Builder loraDropout(double value) {
            this.loraDropout = value;
            return this;
        }

        /**
         * Sets {@code lora_target}: the modules that receive adapters; {@code all} means every linear layer but the
         * output layer.
         *
         * @param values the names; null or empty for none
         * @return this builder
         */
        public Builder loraTarget(List<String> values) {
            this.loraTarget = Checks.names("lora_target", values);
            return this;
        }

        /**
         * Sets {@code lora_target}: the modules that receive adapters; {@code all} means every linear layer but the
         * output layer.
         *
         * @param values the names
         * @return this builder
         */
        public Builder loraTarget(String... values) {
            this.loraTarget = Checks.names("lora_target", Arrays.asList(values));
            return this;
        }

        /**
         * Sets {@code additional_target}: modules trained in full and saved next to the adapter (PEFT's {@code
         * modules_to_save}).
         *
         * @param values the names; null or empty for none
         * @return this builder
         */
        public Builder additionalTarget(List<String> values) {
            this.additionalTarget = Checks.names("additional_target", values);
            return this;
        }

        /**
         * Sets {@code additional_target}: modules trained in full and saved next to the adapter (PEFT's {@code
         * modules_to_save}).
         *
         * @param values the names
         * @return this builder
         */
        public Builder additionalTarget(String... values) {
            this.additionalTarget = Checks.names("additional_target", Arrays.asList(values));
            return this;
        }

        /**
         * Sets {@code use_rslora}: whether the LoRA scale is alpha / sqrt(r) (rank-stabilised) instead of alpha / r.
         *
         * @param value the value
         * @return this builder
         */
        public Builder useRslora(boolean value) {
            this.useRslora = value;
            return this;
        }

        /**
         * Sets {@code use_dora}: whether DoRA (weight-decomposed LoRA) is used.
         *
         * @param value the value
         * @return this builder
         */
        public Builder useDora(boolean value) {
            this.useDora = value;
            return this;
        }

        /**
         * Sets {@code pissa_init}: whether the adapter is initialised with PiSSA (principal singular vectors).
         *
         * @param value the value
         * @return this builder
         */
        public Builder pissaInit(boolean value) {
            this.pissaInit = value;
            return this;
        }

        /**
         * Sets {@code pissa_iter}: the fast-SVD iterations of PiSSA; -1 means an exact SVD.
         *
         * @param value the value
         * @return this builder
         */
        public Builder pissaIter(int value) {
            this.pissaIter = value;
            return this;
        }

        /**
         * Sets {@code pissa_convert}: whether a trained PiSSA adapter is also saved converted to a plain LoRA adapter.
         *
         * @param value the value
         * @return this builder
         */
        public Builder pissaConvert(boolean value) {
            this.pissaConvert = value;
            return this;
        }

        /**
         * Sets {@code loraplus_lr_ratio}: LoRA+: the learning rate of the B matrices divided by that of the A matrices.
         *
         * @param value the value, or null for none
         * @return this builder
         */
        public Builder loraplusLrRatio(Double value) {
            this.loraplusLrRatio = value;
            return this;
        }

        /**
         * Sets {@code loraplus_lr_embedding}: LoRA+: the learning rate of LoRA embedding layers.
         *
         * @param value the value
         * @return this builder
         */
        public Builder loraplusLrEmbedding(double value) {
            this.loraplusLrEmbedding = value;
            return this;
        }

        /**
         * Sets {@code create_new_adapter}: whether a fresh adapter is trained on top of the loaded adapters.
         *
         * @param value the value
         * @return this builder
         */
        public Builder createNewAdapter(boolean value) {
            this.createNewAdapter = value;
            return this;
        }

        /**
         * Sets {@code freeze_trainable_layers}: freeze tuning: the number of trainable decoder layers, the last n when
         * positive, the first n when negative.
         *
         * @param value the value
         * @return this builder
         */
        public Builder freezeTrainableLayers(int value) {
            this.freezeTrainableLayers = value;
            return this;
        }

        /**
         * Sets {@code freeze_trainable_modules}: freeze tuning: the sub-modules of each trainable layer that are
         * trained ({@code all} for every one).
         *
         * @param values the names; null or empty for none
         * @return this builder
         */
        public Builder freezeTrainableModules(List<String> values) {
            this.freezeTrainableModules = Checks.names("freeze_trainable_modules", values);
            return this;
        }

        /**
         * Sets {@code freeze_trainable_modules}: freeze tuning: the sub-modules of each trainable layer that are
         * trained ({@code all} for every one).
         *
         * @param values the names
         * @return this builder
         */
        public Builder freezeTrainableModules(String... values) {
            this.freezeTrainableModules = Checks.names("freeze_trainable_modules", Arrays.asList(values));
            return this;
        }

        /**
         * Sets {@code freeze_extra_modules}: freeze tuning: modules outside the decoder layers that are trained too,
         * e.g. {@code embed_tokens,norm}.
         *
         * @param values the names; null or empty for none
         * @return this builder
         */
        public Builder freezeExtraModules(List<String> values) {
            this.freezeExtraModules = Checks.names("freeze_extra_modules", values);
            return this;
        }

        /**
         * Sets {@code freeze_extra_modules}: freeze tuning: modules outside the decoder layers that are trained too,
         * e.g. {@code embed_tokens,norm}.
         *
         * @param values the names
         * @return this builder
         */
        public Builder freezeExtraModules(String... values) {
            this.freezeExtraModules = Checks.names("freeze_extra_modules", Arrays.asList(values));
            return this;
        }

        /**
         * Sets {@code use_llama_pro}: whether only the expanded blocks of a LLaMA Pro model are trained.
         *
         * @param value the value
         * @return this builder
         */
        public Builder useLlamaPro(boolean value) {
            this.useLlamaPro = value;
            return this;
        }

        /**
         * Sets {@code use_galore}: whether GaLore (gradient low-rank projection) is used.
         *
         * @param value the value
         * @return this builder
         */
        public Builder useGalore(boolean value) {
            this.useGalore = value;
            return this;
        }

        /**
         * Sets {@code galore_target}: the modules whose gradients GaLore projects.
         *
         * @param values the names; null or empty for none
         * @return this builder
         */
        public Builder galoreTarget(List<String> values) {
            this.galoreTarget = Checks.names("galore_target", values);
            return this;
        }

        /**
         * Sets {@code galore_target}: the modules whose gradients GaLore projects.
         *
         * @param values the names
         * @return this builder
         */
        public Builder galoreTarget(String... values) {
            this.galoreTarget = Checks.names("galore_target", Arrays.asList(values));
            return this;
        }

        /**
         * Sets {@code galore_rank}: the rank of the GaLore projection.
         *
         * @param value the value
         * @return this builder
         */
        public Builder galoreRank(int value) {
            this.galoreRank = value;
            return this;
        }

        /**
         * Sets {@code galore_update_interval}: the number of steps between updates of the GaLore projection.
         *
         * @param value the value
         * @return this builder
         */
        public Builder galoreUpdateInterval(int value) {
            this.galoreUpdateInterval = value;
            return this;
        }

        /**
         * Sets {@code galore_scale}: the GaLore scaling coefficient.
         *
         * @param value the value
         * @return this builder
         */
        public Builder galoreScale(double value) {
            this.galoreScale = value;
            return this;
        }

        /**
         * Sets {@code galore_proj_type}: the side GaLore projects from.
         *
         * @param value the value
         * @return this builder
         */
        public Builder galoreProjectionType(GaloreProjectionType value) {
            this.galoreProjectionType = Checks.notNull(value, "galore_proj_type");
            return this;
        }

        /**
         * Sets {@code galore_layerwise}: whether GaLore updates layer by layer to save memory.
         *
         * @param value the value
         * @return this builder
         */
        public Builder galoreLayerwise(boolean value) {
            this.galoreLayerwise = value;
            return this;
        }

        /**
         * Sets {@code use_badam}: whether the BAdam block-coordinate optimizer is used.
         *
         * @param value the value
         * @return this builder
         */
        public Builder useBadam(boolean value) {
            this.useBadam = value;
            return this;
        }

        /**
         * Sets {@code badam_mode}: how BAdam partitions the parameters.
         *
         * @param value the value
         * @return this builder
         */
        public Builder badamMode(BadamMode value) {
            this.badamMode = Checks.notNull(value, "badam_mode");
            return this;
        }

        /**
         * Sets {@code badam_start_block}: the first block layer-wise BAdam updates.
         *
         * @param value the value, or null for none
         * @return this builder
         */
        public Builder badamStartBlock(Integer value) {
            this.badamStartBlock = value;
            return this;
        }

        /**
         * Sets {@code badam_switch_mode}: the order in which layer-wise BAdam visits blocks.
         *
         * @param value the value
         * @return this builder
         */
        public Builder badamSwitchMode(BadamSwitchMode value) {
            this.badamSwitchMode = Checks.notNull(value, "badam_switch_mode");
            return this;
        }

        /**
         * Sets {@code badam_switch_interval}: the number of steps between block switches of layer-wise BAdam; -1 never
         * switches.
         *
         * @param value the value
         * @return this builder
         */
        public Builder badamSwitchInterval(int value) {
            this.badamSwitchInterval = value;
            return this;
        }

        /**
         * Sets {@code badam_update_ratio}: the fraction of each weight ratio-wise BAdam updates.
         *
         * @param value the value
         * @return this builder
         */
        public Builder badamUpdateRatio(double value) {
            this.badamUpdateRatio = value;
            return this;
        }

        /**
         * Sets {@code badam_mask_mode}: which elements ratio-wise BAdam updates.
         *
         * @param value the value
         * @return this builder
         */
        public Builder badamMaskMode(BadamMaskMode value) {
            this.badamMaskMode = Checks.notNull(value, "badam_mask_mode");
            return this;
        }

        /**
         * Sets {@code pref_beta}: the beta of the preference loss (also KTO's beta).
         *
         * @param value the value
         * @return this builder
         */
        public Builder prefBeta(double value) {
            this.prefBeta = value;
            return this;
        }

        /**
         * Sets {@code pref_ftx}: the coefficient of the SFT loss added to DPO and KTO.
         *
         * @param value the value
         * @return this builder
         */
        public Builder prefFtx(double value) {
            this.prefFtx = value;
            return this;
        }

        /**
         * Sets {@code pref_bco_weight}: the weight of the Binary Classifier Optimization loss mixed into DPO.
         *
         * @param value the value
         * @return this builder
         */
        public Builder prefBcoWeight(double value) {
            this.prefBcoWeight = value;
            return this;
        }

        /**
         * Sets {@code pref_loss}: the DPO loss.
         *
         * @param value the value
         * @return this builder
         */
        public Builder preferenceLoss(PreferenceLoss value) {
            this.preferenceLoss = Checks.notNull(value, "pref_loss");
            return this;
        }

        /**
         * Sets {@code dpo_label_smoothing}: the cDPO label smoothing, in [0, 0.5] (sigmoid loss only).
         *
         * @param value the value
         * @return this builder
         */
        public Builder dpoLabelSmoothing(double value) {
            this.dpoLabelSmoothing = value;
            return this;
        }

        /**
         * Sets {@code kto_chosen_weight}: the weight of desirable examples in KTO.
         *
         * @param value the value
         * @return this builder
         */
        public Builder ktoChosenWeight(double value) {
            this.ktoChosenWeight = value;
            return this;
        }

        /**
         * Sets {@code kto_rejected_weight}: the weight of undesirable examples in KTO.
         *
         * @param value the value
         * @return this builder
         */
        public Builder ktoRejectedWeight(double value) {
            this.ktoRejectedWeight = value;
            return this;
        }

        /**
         * Sets {@code simpo_gamma}: the target reward margin of SimPO.
         *
         * @param value the value
         * @return this builder
         */
        public Builder simpoGamma(double value) {
            this.simpoGamma = value;
            return this;
        }

        /**
         * Sets {@code ld_alpha}: LD-DPO's alpha: the weight of response tokens beyond the shorter response.
         *
         * @param value the value, or null for none
         * @return this builder
         */
        public Builder ldAlpha(Double value) {
            this.ldAlpha = value;
            return this;
        }

        /**
         * Sets {@code ppo_buffer_size}: the number of mini-batches in one PPO experience buffer.
         *
         * @param value the value
         * @return this builder
         */
        public Builder ppoBufferSize(int value) {
            this.ppoBufferSize = value;
            return this;
        }

        /**
         * Sets {@code ppo_epochs}: the number of epochs of each PPO optimisation step.
         *
         * @param value the value
         * @return this builder
         */
        public Builder ppoEpochs(int value) {
            this.ppoEpochs = value;
            return this;
        }

        /**
         * Sets {@code ppo_score_norm}: whether PPO scores are scaled and normalised.
         *
         * @param value the value
         * @return this builder
         */
        public Builder ppoScoreNorm(boolean value) {
            this.ppoScoreNorm = value;
            return this;
        }

        /**
         * Sets {@code ppo_target}: the target KL of PPO's adaptive KL control.
         *
         * @param value the value
         * @return this builder
         */
        public Builder ppoTarget(double value) {
            this.ppoTarget = value;
            return this;
        }

        /**
         * Sets {@code ppo_whiten_rewards}: whether PPO rewards are whitened before computing advantages.
         *
         * @param value the value
         * @return this builder
         */
        public Builder ppoWhitenRewards(boolean value) {
            this.ppoWhitenRewards = value;
            return this;
        }

        /**
         * Sets {@code ref_model}: the reference model of DPO, KTO or PPO; none means the base model (adapters disabled
         * for LoRA).
         *
         * @param value the value, or null for none
         * @return this builder
         */
        public Builder refModel(String value) {
            this.refModel = value;
            return this;
        }

        /**
         * Sets {@code ref_model_adapters}: adapters loaded on the reference model.
         *
         * @param values the names; null or empty for none
         * @return this builder
         */
        public Builder refModelAdapters(List<String> values) {
            this.refModelAdapters = Checks.names("ref_model_adapters", values);
            return this;
        }

        /**
         * Sets {@code ref_model_adapters}: adapters loaded on the reference model.
         *
         * @param values the names
         * @return this builder
         */
        public Builder refModelAdapters(String... values) {
            this.refModelAdapters = Checks.names("ref_model_adapters", Arrays.asList(values));
            return this;
        }

        /**
         * Sets {@code ref_model_quantization_bit}: the bits (4 or 8) to quantize the reference model to.
         *
         * @param value the value, or null for none
         * @return this builder
         */
        public Builder refModelQuantizationBit(Integer value) {
            this.refModelQuantizationBit = value;
            return this;
        }

        /**
         * Sets {@code reward_model}: the PPO reward model: a model folder, an adapter folder or an API URL.
         *
         * @param value the value, or null for none
         * @return this builder
         */
        public Builder rewardModel(String value) {
            this.rewardModel = value;
            return this;
        }

        /**
         * Sets {@code reward_model_adapters}: adapters loaded on the reward model.
         *
         * @param values the names; null or empty for none
         * @return this builder
         */
        public Builder rewardModelAdapters(List<String> values) {
            this.rewardModelAdapters = Checks.names("reward_model_adapters", values);
            return this;
        }

        /**
         * Sets {@code reward_model_adapters}: adapters loaded on the reward model.
         *
         * @param values the names
         * @return this builder
         */
        public Builder rewardModelAdapters(String... values) {
            this.rewardModelAdapters = Checks.names("reward_model_adapters", Arrays.asList(values));
            return this;
        }

        /**
         * Sets {@code reward_model_quantization_bit}: the bits (4 or 8) to quantize the reward model to.
         *
         * @param value the value, or null for none
         * @return this builder
         */
        public Builder rewardModelQuantizationBit(Integer value) {
            this.rewardModelQuantizationBit = value;
            return this;
        }

        /**
         * Sets {@code reward_model_type}: how the PPO reward model is given.
         *
         * @param value the value
         * @return this builder
         */
        public Builder rewardModelType(RewardModelType value) {
            this.rewardModelType = Checks.notNull(value, "reward_model_type");
            return this;
        }

        /**
         * Sets {@code use_dft_loss}: whether SFT uses the DFT loss (token cross-entropy weighted by the token's
         * probability).
         *
         * @param value the value
         * @return this builder
         */
        public Builder useDftLoss(boolean value) {
            this.useDftLoss = value;
            return this;
        }

        /**
         * Sets {@code plot_loss}: whether loss curves are saved as PNG files.
         *
         * @param value the value
         * @return this builder
         */
        public Builder plotLoss(boolean value) {
            this.plotLoss = value;
            return this;
        }

        /**
         * Sets {@code compute_accuracy}: whether token accuracy is computed at evaluation.
         *
         * @param value the value
         * @return this builder
         */
        public Builder computeAccuracy(boolean value) {
            this.computeAccuracy = value;
            return this;
        }

        /**
         * Sets {@code disable_shuffling}: whether the training set is read in order.
         *
         * @param value the value
         * @return this builder
         */
        public Builder disableShuffling(boolean value) {
            this.disableShuffling = value;
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
        public FinetuningArguments build() {
            return new FinetuningArguments(this);
        }
    }
}
