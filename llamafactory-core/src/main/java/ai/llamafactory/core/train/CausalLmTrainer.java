package ai.llamafactory.core.train;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.IntervalStrategy;
import ai.llamafactory.api.config.ModelArguments;
import ai.llamafactory.api.config.SaveStrategy;
import ai.llamafactory.api.config.TrainingArguments;
import ai.llamafactory.api.data.EncodedSequence;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.api.exception.TrainingException;
import ai.llamafactory.api.run.CancellationToken;
import ai.llamafactory.api.run.EvaluationEvent;
import ai.llamafactory.api.run.LogEvent;
import ai.llamafactory.api.run.SaveEvent;
import ai.llamafactory.api.run.StepEvent;
import ai.llamafactory.api.run.TrainBeginEvent;
import ai.llamafactory.api.run.TrainingListeners;
import ai.llamafactory.api.run.TrainingResult;
import ai.llamafactory.api.spi.LoadedModel;
import ai.llamafactory.api.spi.ModelLoader;
import ai.llamafactory.api.spi.Plugins;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.engine.NativeMemoryDebug;
import ai.llamafactory.core.loader.DjlLoadedModel;
import ai.llamafactory.core.loader.ModelFolders;
import ai.llamafactory.core.loss.CausalLmLoss;
import ai.llamafactory.core.model.BatchTensors;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.nn.Embedding;
import ai.llamafactory.core.nn.Param;
import ai.llamafactory.core.optim.GradientClipping;
import ai.llamafactory.core.optim.LrSchedule;
import ai.llamafactory.core.optim.Optimizer;
import ai.llamafactory.core.predict.Predictor;
import ai.llamafactory.core.train.checkpoint.TrainingPosition;
import ai.llamafactory.core.train.output.ModelCard;
import ai.llamafactory.core.tuning.TuningMethod;
import ai.llamafactory.core.tuning.TuningMethods;
import ai.llamafactory.data.encode.BatchCollator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer for stages {@code pt} and {@code sft} on DJL: loads the model and data, applies the fine-tuning method,
 * and runs the HF Trainer's loop (gradient accumulation normalised by the window's target tokens, global-norm
 * clipping, the LR schedule, logging, evaluation, early stopping, checkpoints with exact resume) before writing the
 * run's outputs.
 */
public final class CausalLmTrainer implements ai.llamafactory.api.spi.Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(CausalLmTrainer.class);

    @Override
    public TrainingResult train(FineTuneConfig config, TrainingListeners listeners, CancellationToken cancellation) {
        DjlEngine.get();
        TrainingArguments args = config.training();
        RunOutputs outputs = RunOutputs.prepare(config);
        Path modelFolder = ModelFolders.resolve(config.model());
        // the model through the ModelLoader SPI: the resolved folder (no second hub look-up) and the compute precision
        ModelArguments modelArguments = config.model().toBuilder()
                .modelNameOrPath(modelFolder.toString())
                .precision(config.computePrecision())
                .build();
        ModelLoader loader = Plugins.modelLoader(modelArguments, CausalLmTrainer.class.getClassLoader());
        Run run = null;
        try (TrainingData data = TrainingData.prepare(config, modelFolder)) {
            TuningMethod method = TuningMethods.create(config);
            try (LoadedModel loaded = loader.load(modelArguments)) {
                if (!(loaded instanceof DjlLoadedModel djl)) {
                    throw new InvalidConfigException("model loader '" + loader.name() + "' loaded "
                            + loaded.getClass().getName() + ", but this trainer (stages pt, sft on DJL) trains only "
                            + "models of a DJL model loader (" + DjlLoadedModel.class.getName() + ")");
                }
                CausalLm model = djl.model();
                method.apply(model);
                outputs.restoreWeights(model, method, modelFolder);
                Map<String, Param> trainable = method.trainableParameters(model);
                if (trainable.isEmpty()) {
                    throw new TrainingException("finetuning_type "
                            + config.finetuning().finetuningType().key() + " left no trainable parameter");
                }
                try (Optimizer optimizer = Optimizers.create(args, method.parameterGroups(model, args.weightDecay()))) {
                    run = new Run(
                            config,
                            listeners,
                            cancellation,
                            outputs,
                            modelFolder,
                            data,
                            method,
                            model,
                            trainable,
                            optimizer);
                    return run.execute();
                }
            }
        } catch (EngineException | OutOfMemoryError e) {
            // Native failures (allocation, a kernel libtorch rejects) surface as EngineException from DJL's JNI, which
            // never aborts the JVM for them; they become the library's exception with where it happened. Nothing is
            // written after the failure, so the last good checkpoint stays the newest.
            throw engineFailure(
                    run == null ? "loading the model and preparing training" : run.phase,
                    e,
                    outputs.lastCheckpointNote());
        }
    }

    private static TrainingException engineFailure(String phase, Throwable e, String lastCheckpointNote) {
        String message = String.valueOf(e.getMessage());
        String lower = message.toLowerCase(java.util.Locale.ROOT);
        boolean memory = e instanceof OutOfMemoryError
                || lower.contains("out of memory")
                || lower.contains("not enough memory")
                || lower.contains("can't allocate")
                || lower.contains("failed to allocate");
        String what = e instanceof OutOfMemoryError ? "the JVM ran out of memory" : "the PyTorch engine failed";
        return new TrainingException(
                what + " while " + phase + ": " + message.strip()
                        + (memory
                                ? " (out of memory: lower per_device_train_batch_size or cutoff_len, or free memory)"
                                : "")
                        + "; training stopped and nothing was saved over the last good checkpoint" + lastCheckpointNote,
                e);
    }

    /** One run's state. */
    private static final class Run {
        private final FineTuneConfig config;
        private final TrainingArguments args;
        private final TrainingListeners listeners;
        private final CancellationToken cancellation;
        private final RunOutputs outputs;
        private final Path modelFolder;
        private final TrainingData data;
        private final TuningMethod method;
        private final CausalLm model;
        private final Map<String, Param> trainable;
        private final Optimizer optimizer;
        private final BatchCollator collator;
        private final BatchPlan plan;
        private final LrSchedule schedule;
        private final long maxSteps;
        private final long seed;
        private final CausalLmLoss.Options lossOptions;
        private final long flopsParameters;
        private final long startNanos = System.nanoTime();
        /** What the run is doing, for the message of a native failure. */
        private String phase = "restoring the checkpoint's optimizer state";

        Run(
                FineTuneConfig config,
                TrainingListeners listeners,
                CancellationToken cancellation,
                RunOutputs outputs,
                Path modelFolder,
                TrainingData data,
                TuningMethod method,
                CausalLm model,
                Map<String, Param> trainable,
                Optimizer optimizer) {
            this.config = config;
            this.args = config.training();
            this.listeners = listeners;
            this.cancellation = cancellation;
            this.outputs = outputs;
            this.modelFolder = modelFolder;
            this.data = data;
            this.method = method;
            this.model = model;
            this.trainable = trainable;
            this.optimizer = optimizer;
            this.collator = BatchCollator.forTraining(data.tokenizer());
            this.seed = args.seed();
            this.plan = new BatchPlan(
                    data.train().size(), args.perDeviceTrainBatchSize(), args.gradientAccumulationSteps(), seed, true);
            this.maxSteps = args.maxSteps() > 0 ? args.maxSteps() : plan.totalSteps(args.numTrainEpochs());
            LrSchedule.Builder sb = LrSchedule.builder(args.lrSchedulerType(), args.learningRate())
                    .totalSteps(maxSteps)
                    .kwargs(args.lrSchedulerKwargs());
            if (args.warmupSteps() > 0) {
                sb.warmupSteps(args.warmupSteps());
            } else {
                sb.warmupRatio(args.warmupRatio());
            }
            this.schedule = sb.build();
            this.lossOptions = new CausalLmLoss.Options(
                    CausalLmLoss.DEFAULT_CHUNK_ELEMENTS, config.finetuning().useDftLoss(), 0);
            this.flopsParameters = nonEmbeddingParameters(model);
        }

        /**
         * transformers' {@code num_parameters(exclude_embeddings=True)}, which {@code floating_point_ops} multiplies:
         * every parameter (frozen, trainable, adapter) except the weights of embedding modules; a tied output
         * projection shares the embedding's weight and is left out with it.
         */
        private static long nonEmbeddingParameters(CausalLm model) {
            long embeddings = model.namedModules().values().stream()
                    .filter(m -> m instanceof Embedding)
                    .flatMap(m -> m.localParams().values().stream())
                    .mapToLong(Param::size)
                    .sum();
            return model.parameterCount() - embeddings;
        }

        TrainingResult execute() {
            long start = outputs.resume(optimizer, maxSteps);
            NativeMemoryDebug.collectGarbage("after resume");
            long total = model.parameterCount();
            long nTrainable = trainable.values().stream().mapToLong(Param::size).sum();
            LOG.info(
                    "trainable params: {} || all params: {} || trainable%: {}",
                    nTrainable, total, String.format("%.4f", 100.0 * nTrainable / total));
            // the epochs the run really covers: max_steps, when set, decides them rather than num_train_epochs
            double epochs = args.maxSteps() > 0 && maxSteps > 0 ? plan.epochAfter(maxSteps - 1) : args.numTrainEpochs();
            listeners.onTrainBegin(
                    new TrainBeginEvent(maxSteps, epochs, data.train().size(), nTrainable, total, args.outputDir()));
            model.setTraining(true);
            TrainingResult.StopReason reason = TrainingResult.StopReason.COMPLETED;
            // Carried over from the checkpoint when resuming, so logged means and train_loss continue exactly.
            TrainingPosition.LossTally resumedLosses = outputs.resumedLosses();
            double lossSinceLog = resumedLosses.sinceLogSum();
            int stepsSinceLog = resumedLosses.sinceLogSteps();
            double lastLoss = Double.NaN;
            long step = start;
            int evalsWithoutImprovement = 0;
            double bestEval = Double.POSITIVE_INFINITY;
            for (; step < maxSteps; step++) {
                if (cancellation.isCancelled()) {
                    reason = TrainingResult.StopReason.CANCELLED;
                    break;
                }
                phase = "training step " + (step + 1);
                StepOutcome o = trainStep(step);
                long global = step + 1;
                double lr = schedule.learningRate(step);
                lastLoss = o.loss;
                lossSinceLog += o.loss;
                stepsSinceLog++;
                double epoch = plan.epochAfter(step);
                outputs.advance((int) global, epoch, o.tokens);
                // transformers' floating_point_ops per micro-batch: 6 * input_ids.numel() * non-embedding params
                outputs.addFlos(6.0 * o.inputIdsElements * flopsParameters);
                listeners.onStep(new StepEvent(global, maxSteps, epoch, o.loss, lr, o.gradNorm, o.tokens));
                boolean log = global % Math.max(1, args.loggingSteps()) == 0
                        || global == maxSteps
                        || (global == 1 && args.loggingFirstStep());
                if (args.loggingStrategy() != IntervalStrategy.NO && log) {
                    double meanLoss = lossSinceLog / stepsSinceLog;
                    double loggedLr = schedule.learningRate(global);
                    outputs.logTraining(meanLoss, o.gradNorm, loggedLr, stepsSinceLog);
                    Map<String, Double> m = new LinkedHashMap<>();
                    m.put("loss", meanLoss);
                    m.put("grad_norm", o.gradNorm);
                    m.put("learning_rate", loggedLr);
                    m.put("epoch", epoch);
                    listeners.onLog(new LogEvent(global, m));
                    lossSinceLog = 0;
                    stepsSinceLog = 0;
                }
                boolean evalNow = args.evalStrategy() == IntervalStrategy.STEPS
                        && !data.eval().isEmpty()
                        && global % args.evalSteps().orElse(Math.max(1, args.loggingSteps())) == 0;
                if (evalNow) {
                    Map<String, Double> metrics = evaluate();
                    outputs.logEvaluation(metrics);
                    listeners.onEvaluate(new EvaluationEvent(global, metrics));
                    double evalLoss = metrics.get("eval_loss");
                    if (evalLoss < bestEval) {
                        bestEval = evalLoss;
                        evalsWithoutImprovement = 0;
                    } else {
                        evalsWithoutImprovement++;
                    }
                }
                // DefaultFlowCallback.on_step_end: every save_steps, and at the last step (should_training_stop)
                boolean lastStep = global >= maxSteps;
                if (args.saveStrategy() == SaveStrategy.STEPS
                        && (global % Math.max(1, args.saveSteps()) == 0 || lastStep)) {
                    phase = "writing checkpoint-" + global;
                    Path ckpt = outputs.saveCheckpoint(
                            (int) global,
                            model,
                            method,
                            optimizer,
                            trainable,
                            (int) (step / plan.stepsPerEpoch()),
                            global * args.effectiveBatchSize(),
                            lossSinceLog,
                            stepsSinceLog,
                            lastStep);
                    NativeMemoryDebug.collectGarbage("after checkpoint");
                    listeners.onSave(new SaveEvent(global, ckpt));
                }
                if (args.earlyStoppingSteps().isPresent()
                        && evalsWithoutImprovement >= args.earlyStoppingSteps().getAsInt()) {
                    LOG.info(
                            "early stopping at step {}: eval_loss has not improved for {} evaluations",
                            global,
                            evalsWithoutImprovement);
                    reason = TrainingResult.StopReason.EARLY_STOPPED;
                    step++;
                    break;
                }
            }
            Map<String, Double> finalEval = null;
            if (args.doEval() || (!data.eval().isEmpty() && args.evalStrategy() != IntervalStrategy.NO)) {
                if (!data.eval().isEmpty()) {
                    finalEval = evaluate();
                    outputs.logEvaluation(finalEval);
                    listeners.onEvaluate(new EvaluationEvent(step, finalEval));
                }
            }
            double runtime = (System.nanoTime() - startNanos) / 1e9;
            TrainingResult.Builder result = TrainingResult.builder(args.outputDir())
                    .stopReason(reason)
                    .globalSteps(step)
                    .epochs(step == 0 ? 0 : plan.epochAfter(step - 1))
                    .duration(Duration.ofNanos(System.nanoTime() - startNanos));
            if (!Double.isNaN(lastLoss)) {
                result.finalLoss(lastLoss);
            }
            phase = "writing the final outputs";
            List<Path> written = new ArrayList<>(outputs.finish(
                    model,
                    method,
                    modelFolder,
                    data,
                    runtime,
                    step * (long) args.effectiveBatchSize(),
                    finalEval,
                    hyperparameters()));
            if (args.doPredict() && !data.predictPrompts().isEmpty() && reason != TrainingResult.StopReason.CANCELLED) {
                // do_predict with predict_with_generate after training, on the trained model (as run_sft does).
                written.addAll(
                        new Predictor(model, data.tokenizer(), config.generating(), args.perDeviceEvalBatchSize())
                                .predict(data.predictPrompts(), args.outputDir(), cancellation)
                                .files());
            }
            result.writtenFiles(written);
            result.metrics(outputs.finalMetrics());
            TrainingResult r = result.build();
            listeners.onTrainEnd(r);
            return r;
        }

        /**
         * @param tokens non-padding tokens of the step's micro-batches
         * @param inputIdsElements elements of the padded {@code input_ids} batches (what transformers counts for flos)
         */
        private record StepOutcome(double loss, double gradNorm, long tokens, long inputIdsElements) {}

        private StepOutcome trainStep(long step) {
            List<int[]> micro = plan.microBatches(step);
            List<BatchCollator.Batch> batches = new ArrayList<>(micro.size());
            long targets = 0;
            long tokens = 0;
            long inputIdsElements = 0;
            for (int[] idx : micro) {
                List<EncodedSequence> rows = new ArrayList<>(idx.length);
                for (int i : idx) {
                    rows.add(data.train().get(i));
                    tokens += data.train().get(i).length();
                }
                BatchCollator.Batch b = collator.collate(rows);
                long[][] ids = b.inputIds();
                inputIdsElements += ids.length == 0 ? 0 : (long) ids.length * ids[0].length;
                targets += BatchTensors.countTargets(b.labels());
                batches.add(b);
            }
            CausalLmLoss.Options opts =
                    new CausalLmLoss.Options(lossOptions.chunkElements(), lossOptions.dft(), Math.max(1, targets));
            double loss = 0;
            Engine engine = DjlEngine.get();
            for (int m = 0; m < batches.size(); m++) {
                long microIndex = step * args.gradientAccumulationSteps() + m;
                engine.setRandomSeed(Seeds.deriveInt(seed, microIndex, Seeds.Purpose.DROPOUT));
                method.reseed(Seeds.derive(seed, microIndex, Seeds.Purpose.DROPOUT));
                try (NDManager sm = model.manager().newSubManager()) {
                    BatchTensors bt = BatchTensors.of(batches.get(m), sm);
                    installNeftune(microIndex);
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        NDArray hidden = model.hiddenStates(bt.input());
                        CausalLmLoss.Result r = CausalLmLoss.compute(hidden, model.lmHeadWeight(sm), bt.labels(), opts);
                        NativeMemoryDebug.collectGarbage("after forward");
                        if (r.validTokens() > 0) {
                            gc.backward(r.backwardTarget());
                            loss += r.loss();
                        }
                        NativeMemoryDebug.collectGarbage("after backward");
                    } finally {
                        model.setEmbeddingTransform(null);
                    }
                }
            }
            if (!Double.isFinite(loss)) {
                throw new TrainingException("loss became " + loss + " at step " + (step + 1)
                        + "; training stopped and nothing was saved over the last good checkpoint"
                        + outputs.lastCheckpointNote());
            }
            List<NDArray> arrays = trainable.values().stream().map(Param::array).toList();
            double gradNorm = args.maxGradNorm() > 0
                    ? GradientClipping.clipGlobalNorm(arrays, args.maxGradNorm())
                    : GradientClipping.globalNorm(arrays);
            if (!Double.isFinite(gradNorm)) {
                throw new TrainingException("gradient norm became " + gradNorm + " at step " + (step + 1)
                        + "; training stopped and nothing was saved over the last good checkpoint"
                        + outputs.lastCheckpointNote());
            }
            optimizer.step(schedule.learningRate(step));
            NativeMemoryDebug.collectGarbage("after optimizer step");
            return new StepOutcome(loss, gradNorm, tokens, inputIdsElements);
        }

        /** The model card's "Training hyperparameters", as transformers' {@code extract_hyperparameters_from_trainer}. */
        private ModelCard.Hyperparameters hyperparameters() {
            return new ModelCard.Hyperparameters()
                    .learningRate(args.learningRate())
                    .trainBatchSize(args.perDeviceTrainBatchSize())
                    .evalBatchSize(args.perDeviceEvalBatchSize())
                    .seed(args.seed())
                    .gradientAccumulationSteps(args.gradientAccumulationSteps())
                    .optimizer(args.optimizer().key(), args.adamBeta1(), args.adamBeta2(), args.adamEpsilon(), null)
                    .lrSchedulerType(args.lrSchedulerType().key())
                    .warmup(args.warmupRatio(), args.warmupSteps())
                    .duration(args.maxSteps() > 0 ? args.maxSteps() : -1, args.numTrainEpochs())
                    // "Native AMP" only where the run really computed in half precision (on CPU it is fp32)
                    .mixedPrecision(model.policy().isMixed() ? "Native AMP" : null);
        }

        private void installNeftune(long microIndex) {
            if (args.neftuneNoiseAlpha().isEmpty()) {
                return;
            }
            double alpha = args.neftuneNoiseAlpha().getAsDouble();
            model.setEmbeddingTransform(h -> {
                long dims = h.getShape().get(1) * h.getShape().get(2);
                float mag = (float) (alpha / Math.sqrt(dims));
                NDArray noise = h.getManager().randomUniform(-mag, mag, h.getShape(), h.getDataType());
                return h.add(noise);
            });
        }

        private Map<String, Double> evaluate() {
            phase = "evaluating";
            boolean wasGrad = DjlEngine.isGradMode();
            DjlEngine.setGradMode(false);
            model.setTraining(false);
            long t0 = System.nanoTime();
            double weightedLoss = 0;
            int samples = 0;
            double accSum = 0;
            int accRows = 0;
            try {
                int bs = args.perDeviceEvalBatchSize();
                for (int from = 0; from < data.eval().size(); from += bs) {
                    List<EncodedSequence> rows =
                            data.eval().subList(from, Math.min(data.eval().size(), from + bs));
                    try (NDManager sm = model.manager().newSubManager()) {
                        BatchTensors bt = BatchTensors.of(collator.collate(rows), sm);
                        CausalLmLoss.Result r = CausalLmLoss.compute(
                                model.hiddenStates(bt.input()), model.lmHeadWeight(sm), bt.labels(), lossOptions);
                        if (r.validTokens() > 0) {
                            weightedLoss += r.loss() * rows.size();
                            samples += rows.size();
                        }
                        for (double a : r.rowAccuracy(rows.size())) {
                            if (!Double.isNaN(a)) {
                                accSum += a;
                                accRows++;
                            }
                        }
                    }
                }
            } finally {
                model.setTraining(true);
                DjlEngine.setGradMode(wasGrad);
            }
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("eval_loss", samples == 0 ? Double.NaN : weightedLoss / samples);
            if (config.finetuning().computeAccuracy()) {
                m.put("eval_accuracy", accRows == 0 ? Double.NaN : accSum / accRows);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            m.put("eval_runtime", secs);
            m.put("eval_samples_per_second", data.eval().size() / Math.max(secs, 1e-9));
            return m;
        }
    }
}
