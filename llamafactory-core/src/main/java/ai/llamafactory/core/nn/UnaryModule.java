package ai.llamafactory.core.nn;

import ai.djl.ndarray.NDArray;

/** A module with one input and one output tensor: linear layers, norms, adapters wrapping them. */
public interface UnaryModule {
    /**
     * Applies the module.
     *
     * @param x the input; the output attaches to x's manager
     * @return the output
     */
    NDArray forward(NDArray x);
}
