package ai.llamafactory.api;

import ai.llamafactory.api.config.DataArguments;
import ai.llamafactory.api.config.ExportArguments;
import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.FinetuningArguments;
import ai.llamafactory.api.config.FinetuningType;
import ai.llamafactory.api.config.GeneratingArguments;
import ai.llamafactory.api.config.IntervalStrategy;
import ai.llamafactory.api.config.LrSchedulerType;
import ai.llamafactory.api.config.ModelArguments;
import ai.llamafactory.api.config.OptimizerType;
import ai.llamafactory.api.config.PreferenceLoss;
import ai.llamafactory.api.config.Stage;
import ai.llamafactory.api.config.TrainingArguments;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.api.exception.LlamaFactoryException;
import ai.llamafactory.api.exception.TrainingException;
import ai.llamafactory.api.run.CancellationToken;
import ai.llamafactory.api.run.TrainingListener;
import ai.llamafactory.api.run.TrainingListeners;
import ai.llamafactory.api.run.TrainingResult;
import ai.llamafactory.api.spi.Plugins;
import ai.llamafactory.api.spi.Trainer;
import ai.llamafactory.api.spi.TrainerProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The fluent entry point: describe a fine-tuning run, then {@link #run()} it, {@link #start()} it on its own thread,
 * or {@link #build()} its {@link FineTuneConfig}.
 *
 * <pre>{@code
 * TrainingResult result = FineTune.model("Qwen/Qwen3-0.6B")
 *         .lora(LoraOptions.rank(8).target("all"))
 *         .sft()
 *         .dataset("identity", "alpaca_en_demo").template("qwen3_nothink").cutoffLen(2048)
 *         .batchSize(1).gradientAccumulation(8).learningRate(1e-4).epochs(3)
 *         .scheduler(LrSchedulerType.COSINE).warmupRatio(0.1)
 *         .outputDir("saves/qwen3-0.6b/lora/sft")
 *         .listener(TrainingListener.forLogs(e -> System.out.println(e.metrics())))
 *         .run();
 * }</pre>
 *
 * <p>Unset values keep LLaMA-Factory's defaults, except {@code do_train}, which is true here (the run trains).
 * {@link #fromYaml(Path, String...)} starts from a LLaMA-Factory YAML file instead, and every method can still adjust
 * it.
 * Every value is checked by {@link #build()} (also called by {@code run()} and {@code start()}) with messages naming
 * LLaMA-Factory's keys. Options not covered by a method are reachable through {@link #model(Consumer)},
 * {@link #data(Consumer)}, {@link #method(Consumer)}, {@link #training(Consumer)}, {@link #generation(Consumer)} and
 * {@link #export(Consumer)}.
 *
 * <p>Contradicting calls are refused where they are written, with an {@link InvalidConfigException} naming both
 * calls: two fine-tuning methods ({@code .lora(8).freeze(2)}), or an option of one stage with a call choosing another
 * ({@code .sft().preferenceBeta(0.1)}). A later call of the same kind replaces an earlier one ({@code .lora(8).lora(16)},
 * {@code .sft().dpo()}) as long as no option of the earlier choice is left behind. When no stage method was called,
 * stage options are checked against the stage in {@link #build()} ({@code sft} by default, or the YAML file's).
 *
 * <p>{@code run()} finds the trainer through {@link java.util.ServiceLoader} ({@link TrainerProvider}); add
 * {@code llamafactory-core} (and {@code llamafactory-rlhf} for RLHF stages) to the classpath. This builder is not
 * thread-safe; the configuration it builds is immutable.
 */
public final class FineTune {
    private final ModelArguments.Builder model;
    private final DataArguments.Builder data;
    private final FinetuningArguments.Builder method;
    private final TrainingArguments.Builder training;
    private final GeneratingArguments.Builder generation;
    private final ExportArguments.Builder export;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private Map<String, Object> ignoredKeys = Map.of();
    private ClassLoader classLoader;
    /** The fluent calls that chose something, as written ("method", "stageCall", each stage option), and "stage". */
    private final Map<String, String> calls = new LinkedHashMap<>();

    /** The stages each stage-specific fluent option belongs to (LLaMA-Factory's hparams/finetuning_args.py). */
    private static final Map<String, Set<Stage>> STAGE_OPTIONS = Map.of(
            "preferenceBeta", EnumSet.of(Stage.DPO, Stage.KTO),
            "refModel", EnumSet.of(Stage.DPO, Stage.KTO, Stage.PPO),
            "rewardModel", EnumSet.of(Stage.PPO));

    private FineTune(FineTuneConfig base) {
        this.model = base.model().toBuilder();
        this.data = base.data().toBuilder();
        this.method = base.finetuning().toBuilder();
        this.training = base.training().toBuilder();
        this.generation = base.generating().toBuilder();
        this.export = base.export().toBuilder();
        this.ignoredKeys = base.ignoredKeys();
    }

    private FineTune(String modelNameOrPath) {
        this.model = ModelArguments.builder(modelNameOrPath);
        this.data = DataArguments.builder();
        this.method = FinetuningArguments.builder();
        this.training = TrainingArguments.builder().doTrain(true);
        this.generation = GeneratingArguments.builder();
        this.export = ExportArguments.builder();
    }

    /**
     * Starts a run on a model.
     *
     * @param modelNameOrPath a hub id such as {@code Qwen/Qwen3-0.6B} or a local Hugging Face model folder
     * @return the builder, with LLaMA-Factory's defaults (LoRA rank 8, stage sft) and {@code do_train} true
     */
    public static FineTune model(String modelNameOrPath) {
        return new FineTune(modelNameOrPath);
    }

    /**
     * Starts a run on a local model folder.
     *
     * @param modelFolder a folder with {@code config.json} and safetensors weights
     * @return the builder
     */
    public static FineTune model(Path modelFolder) {
        return new FineTune(Objects.requireNonNull(modelFolder, "modelFolder").toString());
    }

    /**
     * Starts from an existing configuration (all of its values, {@code do_train} included).
     *
     * @param config the configuration
     * @return the builder
     */
    public static FineTune from(FineTuneConfig config) {
        return new FineTune(Objects.requireNonNull(config, "config"));
    }

    /**
     * Starts from a LLaMA-Factory YAML file, e.g. {@code examples/train_lora/qwen3_lora_sft.yaml}.
     *
     * @param file the file
     * @param overrides {@code key=value} pairs applied after the file
     * @return the builder
     * @throws ai.llamafactory.api.exception.InvalidConfigException naming the file and line of the first problem
     */
    public static FineTune fromYaml(Path file, String... overrides) {
        return from(FineTuneConfig.fromYaml(file, overrides));
    }

    // ---- fine-tuning method ----

    /** @return this builder, with LoRA at LLaMA-Factory's defaults (rank 8, alpha 16, every linear layer) */
    public FineTune lora() {
        return method("lora()", FinetuningType.LORA, LoraOptions.defaults()::applyTo);
    }

    /**
     * @param rank the rank of the LoRA matrices; alpha defaults to 2 * rank
     * @return this builder, with LoRA
     */
    public FineTune lora(int rank) {
        return method("lora(" + rank + ")", FinetuningType.LORA, LoraOptions.rank(rank)::applyTo);
    }

    /**
     * @param options the LoRA settings; every LoRA key is set from them
     * @return this builder, with LoRA
     */
    public FineTune lora(LoraOptions options) {
        return method("lora(" + options + ")", FinetuningType.LORA, options::applyTo);
    }

    /**
     * @param trainableLayers the last n decoder layers are trained when positive, the first n when negative
     * @return this builder, with freeze tuning of every sub-module of those layers
     */
    public FineTune freeze(int trainableLayers) {
        return method(
                "freeze(" + trainableLayers + ")",
                FinetuningType.FREEZE,
                FreezeOptions.layers(trainableLayers)::applyTo);
    }

    /**
     * @param options the freeze-tuning settings
     * @return this builder, with freeze tuning
     */
    public FineTune freeze(FreezeOptions options) {
        return method("freeze(" + options + ")", FinetuningType.FREEZE, options::applyTo);
    }

    /**
     * Trains every weight. Unlike {@code lora} and {@code freeze}, a {@code full()} after one of them is refused by
     * {@link #build()}: first by the key rules naming the option that only fits the other method (e.g.
     * {@code use_rslora}), otherwise naming both calls.
     *
     * @return this builder, training every weight
     */
    public FineTune full() {
        method.finetuningType(FinetuningType.FULL);
        String earlier = calls.get("method");
        calls.put("method", earlier == null || earlier.startsWith("full()") ? "full()" : "full() after " + earlier);
        return this;
    }

    /** Chooses the fine-tuning method, refusing a call that chose a different one with options of its own. */
    private FineTune method(String call, FinetuningType type, Consumer<FinetuningArguments.Builder> options) {
        String earlier = calls.get("method");
        if (earlier != null && !earlier.startsWith(type.key() + "(")) {
            throw contradiction(call, earlier, "a run has one finetuning_type");
        }
        method.finetuningType(type);
        options.accept(method);
        calls.put("method", call);
        return this;
    }

    private static InvalidConfigException contradiction(String call, String earlier, String why) {
        return new InvalidConfigException("." + call + " contradicts ." + earlier + ": " + why);
    }

    /** Records a stage-specific option, refusing it when a stage method chose a stage it does not belong to. */
    private void stageOption(String name, String call) {
        String chosen = calls.get("stage");
        if (chosen != null && !STAGE_OPTIONS.get(name).contains(Stage.fromKey(chosen))) {
            throw contradiction(call, calls.get("stageCall"), stageRule(name));
        }
        calls.put(name, call);
    }

    private static String stageRule(String name) {
        List<String> stages = new ArrayList<>();
        STAGE_OPTIONS.get(name).forEach(s -> stages.add(s.key()));
        return name + " only applies to stage " + String.join(", ", stages);
    }

    /**
     * @param adapterNameOrPath adapters to load: all but the last are merged, the last is trained further
     * @return this builder
     */
    public FineTune adapter(String... adapterNameOrPath) {
        model.adapterNameOrPath(adapterNameOrPath);
        return this;
    }

    /**
     * @param bits 4 or 8: quantize the base model on the fly and train LoRA on top (QLoRA)
     * @return this builder
     */
    public FineTune quantize(int bits) {
        model.quantizationBit(bits);
        return this;
    }

    // ---- stage ----

    /** @return this builder, pre-training on plain text (loss on every token; packing on by default) */
    public FineTune pt() {
        return stage(Stage.PT, "pt()");
    }

    /** @return this builder, supervised fine-tuning (loss on responses) */
    public FineTune sft() {
        return stage(Stage.SFT, "sft()");
    }

    /** @return this builder, training a reward model on pairwise data */
    public FineTune rm() {
        return stage(Stage.RM, "rm()");
    }

    /** @return this builder, direct preference optimisation with the sigmoid (DPO) loss */
    public FineTune dpo() {
        return stage(Stage.DPO, "dpo()");
    }

    /**
     * @param loss the preference loss, e.g. {@link PreferenceLoss#ORPO}
     * @return this builder, stage dpo with that loss
     */
    public FineTune dpo(PreferenceLoss loss) {
        stage(Stage.DPO, "dpo(PreferenceLoss." + loss.name() + ")");
        method.preferenceLoss(loss);
        return this;
    }

    /** @return this builder, Kahneman-Tversky optimisation on desirable/undesirable feedback */
    public FineTune kto() {
        return stage(Stage.KTO, "kto()");
    }

    /** @return this builder, PPO; set the reward model with {@link #rewardModel(String)} */
    public FineTune ppo() {
        return stage(Stage.PPO, "ppo()");
    }

    /**
     * @param rewardModel the reward model: a LoRA reward adapter, a model folder or an API URL
     * @return this builder, PPO against that reward model
     */
    public FineTune ppo(String rewardModel) {
        String call = "ppo(\"" + rewardModel + "\")";
        stage(Stage.PPO, call);
        calls.put("rewardModel", call);
        method.rewardModel(rewardModel);
        return this;
    }

    /**
     * @param value the training stage
     * @return this builder
     */
    public FineTune stage(Stage value) {
        return stage(value, "stage(Stage." + value.name() + ")");
    }

    /** Chooses the stage, refusing it when a stage option written earlier belongs to other stages. */
    private FineTune stage(Stage value, String call) {
        for (Map.Entry<String, Set<Stage>> option : STAGE_OPTIONS.entrySet()) {
            String optionCall = calls.get(option.getKey());
            if (optionCall != null && !option.getValue().contains(value)) {
                throw contradiction(call, optionCall, stageRule(option.getKey()));
            }
        }
        method.stage(value);
        calls.put("stage", value.key());
        calls.put("stageCall", call);
        return this;
    }

    /**
     * @param beta the beta of the preference loss ({@code pref_beta}, default 0.1)
     * @return this builder
     */
    public FineTune preferenceBeta(double beta) {
        stageOption("preferenceBeta", "preferenceBeta(" + beta + ")");
        method.prefBeta(beta);
        return this;
    }

    /**
     * @param referenceModel the reference model of DPO/KTO/PPO; by default the base model (adapters disabled)
     * @return this builder
     */
    public FineTune refModel(String referenceModel) {
        stageOption("refModel", "refModel(\"" + referenceModel + "\")");
        method.refModel(referenceModel);
        return this;
    }

    /**
     * @param rewardModel the PPO reward model
     * @return this builder
     */
    public FineTune rewardModel(String rewardModel) {
        stageOption("rewardModel", "rewardModel(\"" + rewardModel + "\")");
        method.rewardModel(rewardModel);
        return this;
    }

    // ---- data ----

    /**
     * @param names training datasets, as named in {@code dataset_info.json}
     * @return this builder
     */
    public FineTune dataset(String... names) {
        data.dataset(names);
        return this;
    }

    /**
     * @param names evaluation datasets, as named in {@code dataset_info.json}
     * @return this builder
     */
    public FineTune evalDataset(String... names) {
        data.evalDataset(names);
        return this;
    }

    /**
     * @param folder the folder holding {@code dataset_info.json} (default {@code data})
     * @return this builder
     */
    public FineTune datasetDir(Path folder) {
        data.datasetDir(Objects.requireNonNull(folder, "folder").toString());
        return this;
    }

    /**
     * @param folder the folder holding {@code dataset_info.json}, or {@code ONLINE}
     * @return this builder
     */
    public FineTune datasetDir(String folder) {
        data.datasetDir(folder);
        return this;
    }

    /**
     * @param name the chat template, e.g. {@code qwen3_nothink}, {@code llama3}
     * @return this builder
     */
    public FineTune template(String name) {
        data.template(name);
        return this;
    }

    /**
     * @param tokens the maximum number of tokens of an encoded example (default 2048)
     * @return this builder
     */
    public FineTune cutoffLen(int tokens) {
        data.cutoffLen(tokens);
        return this;
    }

    /**
     * @param examples the number of examples kept from each dataset
     * @return this builder
     */
    public FineTune maxSamples(int examples) {
        data.maxSamples(examples);
        return this;
    }

    /**
     * @param size the validation split: a fraction in [0, 1) or a whole number of examples
     * @return this builder
     */
    public FineTune valSize(double size) {
        data.valSize(size);
        return this;
    }

    /** @return this builder, packing examples into sequences of {@code cutoff_len} */
    public FineTune packing() {
        data.packing(true);
        return this;
    }

    /** @return this builder, packing examples without attention across them (SFT) */
    public FineTune neatPacking() {
        data.neatPacking(true);
        return this;
    }

    /** @return this builder, with the loss also on prompt tokens (SFT) */
    public FineTune trainOnPrompt() {
        data.trainOnPrompt(true);
        return this;
    }

    /** @return this builder, training on the last turn of each conversation only (SFT) */
    public FineTune maskHistory() {
        data.maskHistory(true);
        return this;
    }

    // ---- training ----

    /**
     * @param folder where checkpoints, logs and the final model are written
     * @return this builder
     */
    public FineTune outputDir(Path folder) {
        training.outputDir(folder);
        return this;
    }

    /**
     * @param folder where checkpoints, logs and the final model are written
     * @return this builder
     */
    public FineTune outputDir(String folder) {
        training.outputDir(folder);
        return this;
    }

    /** @return this builder, reusing an existing output folder instead of resuming from its last checkpoint */
    public FineTune overwriteOutputDir() {
        training.overwriteOutputDir(true);
        return this;
    }

    /**
     * @param epochs passes over the training set (default 3)
     * @return this builder
     */
    public FineTune epochs(double epochs) {
        training.numTrainEpochs(epochs);
        return this;
    }

    /**
     * @param steps optimizer steps; overrides the epochs
     * @return this builder
     */
    public FineTune maxSteps(int steps) {
        training.maxSteps(steps);
        return this;
    }

    /**
     * @param examples the training micro-batch size ({@code per_device_train_batch_size})
     * @return this builder
     */
    public FineTune batchSize(int examples) {
        training.perDeviceTrainBatchSize(examples);
        return this;
    }

    /**
     * @param examples the evaluation batch size ({@code per_device_eval_batch_size})
     * @return this builder
     */
    public FineTune evalBatchSize(int examples) {
        training.perDeviceEvalBatchSize(examples);
        return this;
    }

    /**
     * @param microBatches micro-batches per optimizer step ({@code gradient_accumulation_steps})
     * @return this builder
     */
    public FineTune gradientAccumulation(int microBatches) {
        training.gradientAccumulationSteps(microBatches);
        return this;
    }

    /**
     * @param rate the peak learning rate
     * @return this builder
     */
    public FineTune learningRate(double rate) {
        training.learningRate(rate);
        return this;
    }

    /**
     * @param decay the decoupled weight decay
     * @return this builder
     */
    public FineTune weightDecay(double decay) {
        training.weightDecay(decay);
        return this;
    }

    /**
     * @param type the learning-rate schedule
     * @return this builder
     */
    public FineTune scheduler(LrSchedulerType type) {
        training.lrSchedulerType(type);
        return this;
    }

    /**
     * @param ratio the fraction of steps used for warm-up
     * @return this builder
     */
    public FineTune warmupRatio(double ratio) {
        training.warmupRatio(ratio);
        return this;
    }

    /**
     * @param steps the number of warm-up steps
     * @return this builder
     */
    public FineTune warmupSteps(int steps) {
        training.warmupSteps(steps);
        return this;
    }

    /**
     * @param type the optimizer
     * @return this builder
     */
    public FineTune optimizer(OptimizerType type) {
        training.optimizer(type);
        return this;
    }

    /**
     * @param norm the gradient-norm clipping threshold; 0 disables clipping
     * @return this builder
     */
    public FineTune maxGradNorm(double norm) {
        training.maxGradNorm(norm);
        return this;
    }

    /**
     * @param steps steps between logs
     * @return this builder
     */
    public FineTune loggingSteps(int steps) {
        training.loggingSteps(steps);
        return this;
    }

    /**
     * @param steps steps between checkpoints
     * @return this builder
     */
    public FineTune saveSteps(int steps) {
        training.saveSteps(steps);
        return this;
    }

    /**
     * @param checkpoints how many checkpoints to keep
     * @return this builder
     */
    public FineTune saveTotalLimit(int checkpoints) {
        training.saveTotalLimit(checkpoints);
        return this;
    }

    /**
     * Evaluates every n steps (needs {@link #evalDataset} or {@link #valSize}).
     *
     * @param steps steps between evaluations
     * @return this builder
     */
    public FineTune evalSteps(int steps) {
        training.evalStrategy(IntervalStrategy.STEPS).evalSteps(steps);
        return this;
    }

    /**
     * @param seed the random seed (default 42)
     * @return this builder
     */
    public FineTune seed(int seed) {
        training.seed(seed);
        return this;
    }

    /**
     * @param checkpoint a checkpoint folder to resume from
     * @return this builder
     */
    public FineTune resumeFrom(Path checkpoint) {
        training.resumeFromCheckpoint(checkpoint);
        return this;
    }

    /** @return this builder, requesting bf16 mixed precision (fp16 compute on CUDA, fp32 on CPU) */
    public FineTune bf16() {
        training.bf16(true).fp16(false);
        return this;
    }

    /** @return this builder, requesting fp16 mixed precision */
    public FineTune fp16() {
        training.fp16(true).bf16(false);
        return this;
    }

    /**
     * @param alpha the NEFTune noise scale
     * @return this builder
     */
    public FineTune neftune(double alpha) {
        training.neftuneNoiseAlpha(alpha);
        return this;
    }

    /**
     * @param evaluations evaluations without improvement after which training stops
     * @return this builder
     */
    public FineTune earlyStopping(int evaluations) {
        training.earlyStoppingSteps(evaluations);
        return this;
    }

    /** @return this builder, saving loss curves as PNG files */
    public FineTune plotLoss() {
        method.plotLoss(true);
        return this;
    }

    /**
     * @param device {@code auto}, {@code cpu}, {@code cuda} or {@code cuda:N}
     * @return this builder
     */
    public FineTune device(String device) {
        model.device(device);
        return this;
    }

    // ---- every other option ----

    /**
     * @param changes edits the model arguments, e.g. {@code b -> b.ropeScaling(RopeScaling.YARN)}
     * @return this builder
     */
    public FineTune model(Consumer<ModelArguments.Builder> changes) {
        changes.accept(model);
        return this;
    }

    /**
     * @param changes edits the data arguments
     * @return this builder
     */
    public FineTune data(Consumer<DataArguments.Builder> changes) {
        changes.accept(data);
        return this;
    }

    /**
     * @param changes edits the method and stage arguments, e.g. {@code b -> b.simpoGamma(1.0)}
     * @return this builder
     */
    public FineTune method(Consumer<FinetuningArguments.Builder> changes) {
        changes.accept(method);
        return this;
    }

    /**
     * @param changes edits the training arguments
     * @return this builder
     */
    public FineTune training(Consumer<TrainingArguments.Builder> changes) {
        changes.accept(training);
        return this;
    }

    /**
     * @param changes edits the generation arguments
     * @return this builder
     */
    public FineTune generation(Consumer<GeneratingArguments.Builder> changes) {
        changes.accept(generation);
        return this;
    }

    /**
     * @param changes edits the export arguments
     * @return this builder
     */
    public FineTune export(Consumer<ExportArguments.Builder> changes) {
        changes.accept(export);
        return this;
    }

    // ---- running ----

    /**
     * @param listener receives progress and metrics; listeners are called in the order added
     * @return this builder
     */
    public FineTune listener(TrainingListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * @param loader the class loader searched for {@link TrainerProvider}s; default the thread's context class loader
     * @return this builder
     */
    public FineTune classLoader(ClassLoader loader) {
        this.classLoader = loader;
        return this;
    }

    /**
     * @return the immutable, checked configuration
     * @throws ai.llamafactory.api.exception.InvalidConfigException naming the key and value of the first problem
     */
    public FineTuneConfig build() {
        FinetuningArguments finetuning = method.build();
        String methodCall = calls.get("method");
        if (methodCall != null && methodCall.startsWith("full() after ")) {
            throw contradiction(
                    "full()", methodCall.substring("full() after ".length()), "a run has one finetuning_type");
        }
        for (String option : STAGE_OPTIONS.keySet()) {
            if (calls.containsKey(option) && !STAGE_OPTIONS.get(option).contains(finetuning.stage())) {
                String stageCall = calls.get("stageCall");
                throw new InvalidConfigException("." + calls.get(option) + " contradicts "
                        + (stageCall != null
                                ? "." + stageCall
                                : "stage " + finetuning.stage().key()
                                        + " (set by the file or method(...), sft by default)")
                        + ": " + stageRule(option));
            }
        }
        return FineTuneConfig.builder(model.build())
                .data(data.build())
                .finetuning(finetuning)
                .training(training.build())
                .generating(generation.build())
                .export(export.build())
                .ignoredKeys(ignoredKeys)
                .build();
    }

    /**
     * Trains on the calling thread.
     *
     * @return the result
     * @throws ai.llamafactory.api.exception.InvalidConfigException when the configuration is invalid (before anything
     *     is loaded)
     * @throws TrainingException when no trainer is on the classpath, or training fails
     * @throws LlamaFactoryException other failures (datasets, checkpoints)
     */
    public TrainingResult run() {
        FineTuneConfig config = build();
        Trainer trainer = Plugins.trainerProvider(config, loader()).create();
        return trainer.train(config, TrainingListeners.of(listeners), new CancellationToken());
    }

    /**
     * Trains on a new thread named {@code llamafactory-training}. The configuration is checked and the trainer found
     * before this method returns, so those errors are thrown here.
     *
     * @return a handle to cancel or await the training
     */
    public TrainingHandle start() {
        FineTuneConfig config = build();
        Trainer trainer = Plugins.trainerProvider(config, loader()).create();
        TrainingListeners all = TrainingListeners.of(listeners);
        CancellationToken token = new CancellationToken();
        CompletableFuture<TrainingResult> future = new CompletableFuture<>();
        Thread thread = new Thread(
                () -> {
                    try {
                        future.complete(trainer.train(config, all, token));
                    } catch (Throwable t) {
                        future.completeExceptionally(t);
                    }
                },
                "llamafactory-training");
        thread.start();
        return new TrainingHandle(future, token);
    }

    private ClassLoader loader() {
        if (classLoader != null) {
            return classLoader;
        }
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : FineTune.class.getClassLoader();
    }
}
