/**
 * The files a training run leaves in {@code output_dir}, in the formats the Hugging Face Trainer and LLaMA-Factory
 * write, so that tools reading those files (LlamaBoard, the Hub, scripts) read ours:
 *
 * <ul>
 *   <li>{@link ai.llamafactory.core.train.output.TrainerState} and
 *       {@link ai.llamafactory.core.train.output.TrainerStateRecorder}: {@code trainer_state.json} with its
 *       {@code log_history} ({@link ai.llamafactory.core.train.output.LogEntry});</li>
 *   <li>{@link ai.llamafactory.core.train.output.TrainerLogWriter}: LLaMA-Factory's {@code trainer_log.jsonl};</li>
 *   <li>{@link ai.llamafactory.core.train.output.ResultsWriter}: {@code train_results.json},
 *       {@code eval_results.json}, {@code all_results.json};</li>
 *   <li>{@link ai.llamafactory.core.train.output.ModelCardWriter}: the {@code README.md} model card
 *       ({@link ai.llamafactory.core.train.output.ModelCard});</li>
 *   <li>{@link ai.llamafactory.core.train.output.LossPlotter}: {@code training_loss.png},
 *       {@code training_eval_loss.png}, {@code training_eval_accuracy.png};</li>
 *   <li>{@link ai.llamafactory.data.json.PythonJson} (from llamafactory-data, used here): JSON text byte-identical to Python's {@code json}
 *       module; {@link ai.llamafactory.core.train.output.DurableFiles}: atomic, fsynced file writes.</li>
 * </ul>
 *
 * <p>A typical run, as the training loop drives it:
 * <pre>{@code
 * TrainerStateRecorder recorder = new TrainerStateRecorder(TrainerState.builder().maxSteps(total)
 *         .loggingSteps(10).saveSteps(500).trainBatchSize(1).numTrainEpochs(3).build(), "saves/sft", null);
 * try (TrainerLogWriter log = TrainerLogWriter.open(outputDir, total, 0, 0)) {
 *     // after each optimizer step:
 *     recorder.advance(step, epoch);
 *     if (step % 10 == 0) {
 *         log.append(recorder.logTraining(meanLoss, gradNorm, lr), recorder.inputTokensSeen());
 *     }
 *     // at the end:
 *     LogEntry end = recorder.logTrainEnd(runtime, samples, null, trainLoss);
 *     log.append(end, recorder.inputTokensSeen());
 * }
 * ResultsWriter.save(outputDir, MetricsSplit.TRAIN, ResultsWriter.withoutStep(end));
 * recorder.snapshot().write(outputDir.resolve(TrainerState.FILE_NAME));
 * LossPlotter.plot(outputDir, LossPlotter.DEFAULT_KEYS);
 * ModelCardWriter.write(outputDir, card);
 * }</pre>
 *
 * <p>Failures to write or read these files are reported as
 * {@link ai.llamafactory.api.exception.CheckpointException} naming the file.
 *
 * <p>{@link ai.llamafactory.api.annotation.Internal Internal}: public for the other modules of this project only, not
 * API; left out of the published javadoc.
 */
@Internal
package ai.llamafactory.core.train.output;

import ai.llamafactory.api.annotation.Internal;
