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
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
        return lora(LoraOptions.defaults());
    }

    /**
     * @param rank the rank of the LoRA matrices; alpha defaults to 2 * rank
     * @return this builder, with LoRA
     */
    public FineTune lora(int rank) {
        return lora(LoraOptions.rank(rank));
    }

    /**
     * @param options the LoRA settings; every LoRA key is set from them
     * @return this builder, with LoRA
     */
    public FineTune lora(LoraOptions options) {
        method.finetuningType(FinetuningType.LORA);
        options.applyTo(method);
        return this;
    }

    /**
     * @param trainableLayers the last n decoder layers are trained when positive, the first n when negative
     * @return this builder, with freeze tuning of every sub-module of those layers
     */
    public FineTune freeze(int trainableLayers) {
        return freeze(FreezeOptions.layers(trainableLayers));
    }

    /**
     * @param options the freeze-tuning settings
     * @return this builder, with freeze tuning
     */
    public FineTune freeze(FreezeOptions options) {
        method.finetuningType(FinetuningType.FREEZE);
        options.applyTo(method);
        return this;
    }

    /** @return this builder, training every weight */
    public FineTune full() {
        method.finetuningType(FinetuningType.FULL);
        return this;
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
        return stage(Stage.PT);
    }

    /** @return this builder, supervised fine-tuning (loss on responses) */
    public FineTune sft() {
        return stage(Stage.SFT);
    }

    /** @return this builder, training a reward model on pairwise data */
    public FineTune rm() {
        return stage(Stage.RM);
    }

    /** @return this builder, direct preference optimisation with the sigmoid (DPO) loss */
    public FineTune dpo() {
        return stage(Stage.DPO);
    }

    /**
     * @param loss the preference loss, e.g. {@link PreferenceLoss#ORPO}
     * @return this builder, stage dpo with that loss
     */
    public FineTune dpo(PreferenceLoss loss) {
        method.preferenceLoss(loss);
        return stage(Stage.DPO);
    }

    /** @return this builder, Kahneman-Tversky optimisation on desirable/undesirable feedback */
    public FineTune kto() {
        return stage(Stage.KTO);
    }

    /** @return this builder, PPO; set the reward model with {@link #rewardModel(String)} */
    public FineTune ppo() {
        return stage(Stage.PPO);
    }

    /**
     * @param rewardModel the reward model: a LoRA reward adapter, a model folder or an API URL
     * @return this builder, PPO against that reward model
     */
    public FineTune ppo(String rewardModel) {
        return rewardModel(rewardModel).stage(Stage.PPO);
    }

    /**
     * @param value the training stage
     * @return this builder
     */
    public FineTune stage(Stage value) {
        method.stage(value);
        return this;
    }

    /**
     * @param beta the beta of the preference loss ({@code pref_beta}, default 0.1)
     * @return this builder
     */
    public FineTune preferenceBeta(double beta) {
        method.prefBeta(beta);
        return this;
    }

    /**
     * @param referenceModel the reference model of DPO/KTO/PPO; by default the base model (adapters disabled)
     * @return this builder
     */
    public FineTune refModel(String referenceModel) {
        method.refModel(referenceModel);
        return this;
    }

    /**
     * @param rewardModel the PPO reward model
     * @return this builder
     */
    public FineTune rewardModel(String rewardModel) {
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
        return FineTuneConfig.builder(model.build())
                .data(data.build())
                .finetuning(method.build())
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
        Thread thread = new Thread(() -> {
            try {
                future.complete(trainer.train(config, all, token));
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        }, "llamafactory-training");
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
