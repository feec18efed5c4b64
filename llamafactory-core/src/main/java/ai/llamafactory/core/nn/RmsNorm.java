package ai.llamafactory.core.nn;

import ai.djl.ndarray.NDArray;
import ai.llamafactory.core.kernel.Kernels;

/** Root-mean-square layer normalisation, computed in fp32 as Hugging Face does. */
public class RmsNorm extends Module implements UnaryModule {
    private final Param weight;
    private final double eps;
    private final boolean unitOffset;

    /**
     * Creates the norm.
     *
     * @param weight the scale [D]
     * @param eps added to the mean square
     * @param unitOffset true for Gemma's {@code (1 + weight)} scaling
     */
    public RmsNorm(NDArray weight, double eps, boolean unitOffset) {
        this.weight = addParam(new Param("weight", weight));
        this.eps = eps;
        this.unitOffset = unitOffset;
    }

    @Override
    public NDArray forward(NDArray x) {
        return Kernels.rmsNorm(x, weight.array(), eps, unitOffset);
    }
}
