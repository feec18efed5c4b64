package ai.llamafactory.api.run;

/**
 * Sent after every optimizer step.
 *
 * @param step the optimizer steps taken so far (1 after the first)
 * @param maxSteps the number of steps the run will take
 * @param epoch the epochs completed so far, fractional
 * @param loss the training loss of this step (mean over its micro-batches)
 * @param learningRate the learning rate this step used
 * @param gradNorm the gradient norm before clipping; NaN when not computed
 * @param tokens the number of tokens (non-padding) this step trained on
 */
public record StepEvent(
        long step, long maxSteps, double epoch, double loss, double learningRate, double gradNorm, long tokens) {}
