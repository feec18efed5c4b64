/**
 * Training checkpoints that survive crashes, and the rules for resuming.
 *
 * <ul>
 *   <li>{@link ai.llamafactory.core.train.checkpoint.CheckpointWriter} writes {@code output_dir/checkpoint-<step>/}
 *       atomically (temporary folder, fsync, rename, completion marker written last); the training loop supplies the
 *       files through a {@link ai.llamafactory.core.train.checkpoint.CheckpointContent}.</li>
 *   <li>{@link ai.llamafactory.core.train.checkpoint.CheckpointFinder} finds the latest complete
 *       {@link ai.llamafactory.core.train.checkpoint.Checkpoint}, removes left-overs of interrupted writes and rotates
 *       checkpoints beyond {@code save_total_limit} (never the best one).</li>
 *   <li>{@link ai.llamafactory.core.train.checkpoint.TrainingPosition} records where the loop stands in the data;
 *       {@link ai.llamafactory.core.train.checkpoint.ModelFingerprint} records which model a checkpoint belongs to, so
 *       that resuming with another model is refused.</li>
 *   <li>{@link ai.llamafactory.core.train.checkpoint.OutputDirectoryRules} decides from {@code output_dir},
 *       {@code overwrite_output_dir} and {@link ai.llamafactory.core.train.checkpoint.ResumeFromCheckpoint} whether a run
 *       starts fresh or resumes, as LLaMA-Factory does.</li>
 * </ul>
 *
 * <p>How the training loop uses it:
 * <pre>{@code
 * ModelFingerprint model = ModelFingerprint.ofConfigFile(modelDir.resolve("config.json"))
 *         .withMethod("finetuning_type", "lora").withMethod("lora_rank", "8");
 * ResumePlan plan = OutputDirectoryRules.decide(outputDir, overwriteOutputDir, ResumeFromCheckpoint.parse(value));
 * plan.checkpoint().ifPresent(c -> {
 *     c.requireSameModel(model);                 // TrainingException when it belongs to another model
 *     TrainingPosition position = c.trainingPosition();
 *     TrainerState state = c.trainerState();
 *     // load weights / adapter, optimizer and scheduler state from c.resolve(...)
 * });
 * CheckpointWriter writer = new CheckpointWriter(outputDir, model);
 * // every save_steps:
 * writer.write(step, files -> {
 *     adapterWriter.write(files.path("adapter_model.safetensors"));
 *     optimizerState.write(files.path(CheckpointLayout.OPTIMIZER_STATE));
 *     files.writeJson(CheckpointLayout.SCHEDULER_STATE, schedulerState);
 *     files.writeTrainingPosition(position);
 *     files.writeTrainerState(recorder.checkpointSnapshot(last));
 * });
 * CheckpointFinder.rotate(outputDir, saveTotalLimit, recorder.snapshot().bestModelCheckpoint().orElse(null));
 * }</pre>
 *
 * <p>{@link ai.llamafactory.api.annotation.Internal Internal}: public for the other modules of this project only, not
 * API; left out of the published javadoc.
 */
@Internal
package ai.llamafactory.core.train.checkpoint;

import ai.llamafactory.api.annotation.Internal;
