package ai.llamafactory.api.run;

import java.nio.file.Path;

/**
 * Sent once before the first step.
 *
 * @param maxSteps the number of optimizer steps the run will take (from {@code max_steps} or the epochs)
 * @param epochs the number of epochs planned
 * @param trainExamples the number of training examples (sequences after packing); -1 when streaming
 * @param trainableParameters the number of parameters that receive gradients
 * @param totalParameters the number of parameters of the model, adapters included
 * @param outputDir the run's output folder
 */
public record TrainBeginEvent(
        long maxSteps,
        double epochs,
        long trainExamples,
        long trainableParameters,
        long totalParameters,
        Path outputDir) {}
