package ai.llamafactory.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A dense layer {@code y = x W^T + b} with the weight in PyTorch's [out, in] layout, so Hugging Face weights are used
 * as stored.
 */
public class Linear extends Module implements WeightedModule {
    private final Param weight;
    private final Param bias;

    /**
     * Creates the layer.
     *
     * @param weight [out, in]
     * @param bias [out], or null for none
     */
    public Linear(NDArray weight, NDArray bias) {
        if (weight.getShape().dimension() != 2) {
            throw new IllegalArgumentException("linear weight must be 2-D, got " + weight.getShape());
        }
        this.weight = addParam(new Param("weight", weight));
        this.bias = bias == null ? null : addParam(new Param("bias", bias));
    }

    /** @return the weight parameter, [out, in] */
    public Param weight() {
        return weight;
    }

    /** @return the bias parameter, or null */
    public Param bias() {
        return bias;
    }

    /** @return the input width */
    public long inFeatures() {
        return weight.array().getShape().get(1);
    }

    /** @return the output width */
    public long outFeatures() {
        return weight.array().getShape().get(0);
    }

    /**
     * @param scope unused: the weight is the parameter itself
     * @return the weight array
     */
    @Override
    public NDArray effectiveWeight(NDManager scope) {
        return weight.array();
    }

    /** @return the weight parameter */
    @Override
    public Param baseWeight() {
        return weight;
    }

    @Override
    public NDArray forward(NDArray x) {
        return ai.djl.nn.core.Linear.linear(x, weight.array(), bias == null ? null : bias.array())
                .singletonOrThrow();
    }
}
