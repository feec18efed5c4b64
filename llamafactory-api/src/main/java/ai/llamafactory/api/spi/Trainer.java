package ai.llamafactory.api.spi;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.run.CancellationToken;
import ai.llamafactory.api.run.TrainingListeners;
import ai.llamafactory.api.run.TrainingResult;

/**
 * The Trainer module of LLaMA-Factory's architecture: runs one training (or evaluation/prediction) described by a
 * {@link FineTuneConfig}. Obtained from a {@link TrainerProvider}.
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li>call {@code listeners.onTrainBegin} once, {@code onStep} after every optimizer step, {@code onLog} every
 *       {@code logging_steps}, {@code onEvaluate} after each evaluation, {@code onSave} after each checkpoint and
 *       {@code onTrainEnd} with the returned result;
 * <li>check {@link CancellationToken#isCancelled()} at least once per optimizer step; when cancelled, stop at the step
 *       boundary, write the final files as a finished run would, and return a result with
 *       {@link TrainingResult.StopReason#CANCELLED};
 *   <li>report failures as {@link ai.llamafactory.api.exception.LlamaFactoryException} subclasses: bad data as
 *       {@code DatasetException}, unreadable weights as {@code CheckpointException}, a diverging loss as
 *       {@code TrainingException};
 *   <li>write {@code training_args.yaml} ({@link FineTuneConfig#writeYaml}) into the output folder.
 * </ul>
 */
public interface Trainer {
    /**
     * Runs the training on the calling thread and returns when it ends.
     *
     * @param config the checked configuration
     * @param listeners the listeners to inform
     * @param cancellation asks the training to stop early
     * @return what the run produced
     */
    TrainingResult train(FineTuneConfig config, TrainingListeners listeners, CancellationToken cancellation);
}
