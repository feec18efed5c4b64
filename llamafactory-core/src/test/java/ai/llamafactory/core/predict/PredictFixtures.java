package ai.llamafactory.core.predict;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.model.ForwardInput;
import java.util.Arrays;

/** Reference computations by a full forward of one unpadded sequence, in double precision on the host. */
final class PredictFixtures {
    private PredictFixtures() {}

    /**
     * @param model the model
     * @param ids one sequence
     * @return its logits [T][V]
     */
    static float[][] logits(CausalLm model, int[] ids) {
        boolean grad = DjlEngine.isGradMode();
        DjlEngine.setGradMode(false);
        try (NDManager step = model.manager().newSubManager()) {
            NDArray in = step.create(Arrays.stream(ids).asLongStream().toArray(), new Shape(1, ids.length));
            float[] all =
                    model.logits(model.hiddenStates(ForwardInput.of(in, null))).toFloatArray();
            int v = model.config().vocabSize();
            float[][] out = new float[ids.length][];
            for (int t = 0; t < ids.length; t++) {
                out[t] = Arrays.copyOfRange(all, t * v, (t + 1) * v);
            }
            return out;
        } finally {
            DjlEngine.setGradMode(grad);
        }
    }

    /**
     * @param logits one position's logits
     * @return log-softmax in double precision
     */
    static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float x : logits) {
            max = Math.max(max, x);
        }
        double sum = 0;
        for (float x : logits) {
            sum += Math.exp(x - max);
        }
        double lse = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] - lse;
        }
        return out;
    }
}
