package ai.llamafactory.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.llamafactory.api.exception.TrainingException;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.nn.Param;
import ai.llamafactory.core.optim.Optimizer;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether the state of a run is sound enough to be saved as a checkpoint, so that a checkpoint is only
 * "good" (and resumed from, and named as the last good one when training later fails) if training can go on from it.
 *
 * <p>Sound means: every trainable parameter's elements, and their squares, are finite in fp32 (a weight beyond
 * {@code sqrt(Float.MAX_VALUE)}, about 1.8e19, overflows the first norm or attention score it enters: a diverged
 * run, not a model), and every optimizer state tensor is finite.
 */
final class TrainingHealth {
    /** The largest magnitude whose square is finite in fp32. */
    static final double MAX_SOUND_MAGNITUDE = Math.sqrt(Float.MAX_VALUE);

    private TrainingHealth() {}

    /**
     * Checks the state before a checkpoint is written.
     *
     * @param step the global step the checkpoint would be written at
     * @param trainable the trainable parameters by Hugging Face name
     * @param optimizer the optimizer
     * @param lastCheckpointNote the trainer's note naming the last good checkpoint
     * @throws TrainingException naming the step, the first unsound tensor and the last good checkpoint
     */
    static void requireSound(int step, Map<String, Param> trainable, Optimizer optimizer, String lastCheckpointNote) {
        Optional<String> problem = firstUnsoundParameter(trainable);
        if (problem.isEmpty()) {
            problem = optimizer.firstNonFiniteState().map(s -> "optimizer state '" + s + "' holds NaN or infinity");
        }
        if (problem.isPresent()) {
            throw new TrainingException("training diverged before step " + step + ": " + problem.get() + "; checkpoint-"
                    + step + " was not written and training stopped" + lastCheckpointNote);
        }
    }

    /**
     * @param trainable the parameters
     * @return a description of the first parameter that is not sound, or empty
     */
    static Optional<String> firstUnsoundParameter(Map<String, Param> trainable) {
        boolean grad = DjlEngine.isGradMode();
        DjlEngine.setGradMode(false);
        try {
            for (Map.Entry<String, Param> e : trainable.entrySet()) {
                NDArray w = e.getValue().array();
                try (NDManager scratch = w.getManager().newSubManager()) {
                    NDArray abs = w.abs();
                    abs.attach(scratch);
                    NDArray max = abs.max();
                    if (max.getDataType() != DataType.FLOAT32) {
                        max = max.toType(DataType.FLOAT32, false);
                    }
                    float m = max.getFloat();
                    if (!(m <= MAX_SOUND_MAGNITUDE)) {
                        return Optional.of("parameter '" + e.getKey() + "' has "
                                + (Float.isNaN(m)
                                        ? "NaN values"
                                        : "elements of magnitude " + m + " (above " + (float) MAX_SOUND_MAGNITUDE
                                                + ")"));
                    }
                }
            }
            return Optional.empty();
        } finally {
            DjlEngine.setGradMode(grad);
        }
    }
}
