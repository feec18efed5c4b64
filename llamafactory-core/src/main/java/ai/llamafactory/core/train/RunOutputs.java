package ai.llamafactory.core.train;

import ai.djl.engine.Engine;
import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.TrainingArguments;
import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.nn.Param;
import ai.llamafactory.core.optim.Optimizer;
import ai.llamafactory.core.train.checkpoint.Checkpoint;
import ai.llamafactory.core.train.checkpoint.CheckpointFinder;
import ai.llamafactory.core.train.checkpoint.CheckpointWriter;
import ai.llamafactory.core.train.checkpoint.ModelFingerprint;
import ai.llamafactory.core.train.checkpoint.OutputDirectoryRules;
import ai.llamafactory.core.train.checkpoint.ResumeFromCheckpoint;
import ai.llamafactory.core.train.checkpoint.TrainingPosition;
import ai.llamafactory.core.train.output.LossPlotter;
import ai.llamafactory.core.train.output.MetricsSplit;
import ai.llamafactory.core.train.output.ModelCard;
import ai.llamafactory.core.train.output.ModelCardWriter;
import ai.llamafactory.core.train.output.ResultsWriter;
import ai.llamafactory.core.train.output.TrainerLogWriter;
import ai.llamafactory.core.train.output.TrainerState;
import ai.llamafactory.core.train.output.TrainerStateRecorder;
import ai.llamafactory.core.tuning.TuningMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a run writes into {@code output_dir}: the output-dir rules and resume decision, checkpoints (atomic,
 * rotated), {@code trainer_log.jsonl}, {@code trainer_state.json}, results files, model card, plots, the trained
 * weights and tokenizer files.
 */
final class RunOutputs {
    private static final Logger LOG = LoggerFactory.getLogger(RunOutputs.class);
    private static final String SCHEDULER_FILE = "scheduler.json";

    private final FineTuneConfig config;
    private final TrainingArguments args;
    private final Path outputDir;
    private final OutputDirectoryRules.ResumePlan resumePlan;
    private TrainerStateRecorder recorder;
    private TrainerLogWriter logWriter;
    private CheckpointWriter checkpointWriter;
    private ModelFingerprint fingerprint;
    private Path lastCheckpoint;
    private double trainLossSum;
    private long trainLossSteps;
    private TrainingPosition.LossTally resumedLosses = TrainingPosition.LossTally.ZERO;
    private long tokensSeen;
    private long tokensAtStart;

    private RunOutputs(FineTuneConfig config, OutputDirectoryRules.ResumePlan plan) {
        this.config = config;
        this.args = config.training();
        this.outputDir = args.outputDir();
        this.resumePlan = plan;
    }

    /**
     * Applies the output-dir rules before anything heavy is loaded.
     *
     * @param config the run's configuration
     * @return the outputs manager
     */
    static RunOutputs prepare(FineTuneConfig config) {
        TrainingArguments args = config.training();
        ResumeFromCheckpoint resume = ResumeFromCheckpoint.parse(
                args.resumeFromCheckpoint().map(p -> (Object) p.toString()).orElse(null));
        OutputDirectoryRules.ResumePlan plan =
                OutputDirectoryRules.decide(args.outputDir(), args.overwriteOutputDir(), resume, config.toYaml());
        LOG.info("output_dir: {}", plan.reason());
        try {
            Files.createDirectories(args.outputDir());
            config.writeYaml(args.outputDir().resolve(OutputDirectoryRules.TRAINING_ARGS));
        } catch (IOException e) {
            throw new CheckpointException("cannot create output_dir " + args.outputDir() + ": " + e.getMessage(), e);
        }
        return new RunOutputs(config, plan);
    }

    /**
     * Checks that the checkpoint being resumed belongs to this model and restores its trained weights. Runs before
     * the optimizer is created, because loading replaces the parameters' tensors.
     *
     * @param model the prepared model
     * @param method the tuning method
     * @param modelFolder the base model folder
     */
    void restoreWeights(CausalLm model, TuningMethod method, Path modelFolder) {
        fingerprint = ModelFingerprint.ofConfigFile(modelFolder.resolve("config.json"))
                .withMethod(
                        "finetuning_type", config.finetuning().finetuningType().key());
        checkpointWriter = new CheckpointWriter(outputDir, fingerprint);
        if (resumePlan.resumes()) {
            Checkpoint ckpt = resumePlan.checkpoint().orElseThrow();
            ckpt.requireSameModel(fingerprint);
            method.load(model, ckpt.folder());
        }
    }

    /**
     * Restores the optimizer, position and trainer state of the checkpoint being resumed, and starts the state
     * recorder and log.
     *
     * @return the first optimizer step to run (0 for a fresh run)
     */
    long resume(Optimizer optimizer, long maxSteps) {
        TrainerState initial;
        long start = 0;
        if (resumePlan.resumes()) {
            Checkpoint ckpt = resumePlan.checkpoint().orElseThrow();
            optimizer.loadState(ckpt.folder());
            TrainingPosition pos = ckpt.trainingPosition();
            start = pos.globalStep();
            tokensSeen = pos.tokensSeen();
            resumedLosses = pos.losses();
            trainLossSum = resumedLosses.trainLossSum();
            trainLossSteps = resumedLosses.trainLossSteps();
            tokensAtStart = tokensSeen;
            initial = ckpt.trainerState();
            lastCheckpoint = ckpt.folder();
            LOG.info("resumed from {} at step {}", ckpt.folder(), start);
        } else {
            initial = TrainerState.builder()
                    .maxSteps((int) maxSteps)
                    .loggingSteps(args.loggingSteps())
                    .evalSteps(args.evalSteps().orElse(args.loggingSteps()))
                    .saveSteps(args.saveSteps())
                    .trainBatchSize(args.perDeviceTrainBatchSize())
                    .numTrainEpochs((int) Math.ceil(args.numTrainEpochs()))
                    .build();
        }
        recorder = new TrainerStateRecorder(initial, outputDir.toString(), TrainerStateRecorder.BestMetric.evalLoss());
        logWriter = TrainerLogWriter.open(outputDir, (int) maxSteps, (int) start, tokensSeen);
        return start;
    }

    /** @return the loss sums of the checkpoint being resumed ({@link TrainingPosition.LossTally#ZERO} if none) */
    TrainingPosition.LossTally resumedLosses() {
        return resumedLosses;
    }

    void advance(int globalStep, double epoch, long tokens) {
        tokensSeen += tokens;
        recorder.advance(globalStep, epoch);
        recorder.addInputTokens(tokens);
    }

    long tokensSeen() {
        return tokensSeen;
    }

    void logTraining(double meanLoss, double gradNorm, double learningRate, int steps) {
        trainLossSum += meanLoss * steps;
        trainLossSteps += steps;
        logWriter.append(recorder.logTraining(meanLoss, gradNorm, learningRate), tokensSeen);
    }

    void logEvaluation(Map<String, Double> metrics) {
        logWriter.append(recorder.logEvaluation(metrics), tokensSeen);
    }

    void addFlos(double flos) {
        recorder.addFlos(flos);
    }

    Path saveCheckpoint(
            int step,
            CausalLm model,
            TuningMethod method,
            Optimizer optimizer,
            Map<String, Param> trainable,
            int epoch,
            long samplesSeen,
            double lossSinceLog,
            int stepsSinceLog,
            boolean trainingStops) {
        // A checkpoint is only written, and so only ever resumed, if what it would hold is sound.
        TrainingHealth.requireSound(step, trainable, optimizer, lastCheckpointNote());
        TrainingPosition.LossTally losses =
                new TrainingPosition.LossTally(trainLossSum, trainLossSteps, lossSinceLog, stepsSinceLog);
        Checkpoint c = checkpointWriter.write(step, files -> {
            method.save(model, files.folder());
            optimizer.saveState(files.folder());
            files.writeJson(SCHEDULER_FILE, Map.of("step", step));
            files.writeTrainingPosition(
                    new TrainingPosition(step, epoch, 0, samplesSeen, tokensSeen, args.seed(), losses));
            files.writeTrainerState(recorder.checkpointSnapshot(trainingStops));
        });
        lastCheckpoint = c.folder();
        if (args.saveTotalLimit().isPresent()) {
            CheckpointFinder.rotate(
                    outputDir,
                    args.saveTotalLimit().getAsInt(),
                    recorder.snapshot().bestModelCheckpoint().orElse(null));
        }
        return c.folder();
    }

    String lastCheckpointNote() {
        return lastCheckpoint == null
                ? " (no checkpoint had been written)"
                : " (last good checkpoint: " + lastCheckpoint + ")";
    }

    /**
     * Writes the final outputs. {@code train_tokens_per_second} is the non-padding tokens this call trained (after a
     * resume: since the resume) over {@code train_runtime}, the same figure the console's progress shows.
     */
    List<Path> finish(
            CausalLm model,
            TuningMethod method,
            Path modelFolder,
            TrainingData data,
            double runtime,
            long samples,
            Map<String, Double> finalEval,
            ModelCard.Hyperparameters hyperparameters) {
        List<Path> written = new ArrayList<>(method.save(model, outputDir));
        written.addAll(TokenizerFiles.save(modelFolder, outputDir, data.template(), data.tokenizer()));
        double trainLoss = trainLossSteps == 0 ? Double.NaN : trainLossSum / trainLossSteps;
        logWriter.close();
        recorder.logTrainEnd(runtime, samples, tokensSeen, trainLoss);
        TrainerState state = recorder.snapshot();
        Path statePath = outputDir.resolve("trainer_state.json");
        state.write(statePath);
        written.add(statePath);
        Map<String, Object> train = new LinkedHashMap<>(ResultsWriter.speedMetrics(
                "train", runtime, samples, (long) recorder.globalStep(), tokensSeen - tokensAtStart));
        train.put("total_flos", state.totalFlos());
        train.put("epoch", recorder.epoch());
        train.put("train_loss", trainLoss);
        written.add(ResultsWriter.save(outputDir, MetricsSplit.TRAIN, train));
        if (finalEval != null) {
            Map<String, Object> eval = new LinkedHashMap<>(finalEval);
            eval.put("epoch", recorder.epoch());
            written.add(ResultsWriter.save(outputDir, MetricsSplit.EVAL, eval));
        }
        ModelCard.Method cardMethod =
                ModelCard.Method.valueOf(config.finetuning().finetuningType().name());
        // LLaMA-Factory's create_modelcard_and_push: license "other", finetuned_from = model_name_or_path
        written.add(ModelCardWriter.write(
                outputDir,
                ModelCard.builder(outputDir.getFileName().toString(), cardMethod)
                        .baseModel(config.model().modelNameOrPath())
                        .license("other")
                        .datasets(config.data().dataset())
                        .hyperparameters(hyperparameters.toMap())
                        .frameworkVersion("DJL " + Engine.getDjlVersion())
                        .frameworkVersion("PyTorch " + DjlEngine.get().getVersion())
                        .logHistory(state.logHistory())
                        .build()));
        if (config.finetuning().plotLoss()) {
            written.addAll(LossPlotter.plot(outputDir, state, LossPlotter.DEFAULT_KEYS));
        }
        trainMetrics.clear();
        train.forEach((k, v) -> trainMetrics.put(k, ((Number) v).doubleValue()));
        return written;
    }

    private final Map<String, Double> trainMetrics = new LinkedHashMap<>();

    /** @return the metrics written to {@code train_results.json}, plus {@code total_tokens} (tokens of the run) */
    Map<String, Double> finalMetrics() {
        Map<String, Double> m = new LinkedHashMap<>(trainMetrics);
        m.put("total_tokens", (double) tokensSeen);
        return m;
    }
}
