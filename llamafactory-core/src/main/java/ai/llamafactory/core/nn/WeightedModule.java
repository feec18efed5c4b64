package ai.llamafactory.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A module whose output is defined by one weight matrix that may be computed from several tensors: a {@link Linear}
 * ({@code [out, in]}), an {@link Embedding} ({@code [vocab, hidden]}), or an adapter wrapped around either (LoRA adds
 * {@code scaling * B A} to the frozen weight; a trainable copy replaces it). The causal LM asks its output projection
 * for {@link #effectiveWeight(NDManager)} so that the chunked loss sees the adapted weight whatever wraps
 * {@code lm_head}.
 */
public interface WeightedModule extends UnaryModule {
    /**
     * The weight this module currently applies, differentiable with respect to every trainable tensor it is made of.
     * For a plain layer this is the parameter's array itself; a wrapper that has to compute it attaches the new tensor
     * to {@code scope}.
     *
     * @param scope the manager that receives a computed weight (a per-step manager); unused by plain layers
     * @return the weight, in the base layer's layout
     */
    NDArray effectiveWeight(NDManager scope);

    /**
     * The frozen parameter the effective weight is derived from ({@code weight} of the innermost plain layer). Its
     * Hugging Face name is the module's path plus {@code .weight}.
     *
     * @return the base weight parameter
     */
    Param baseWeight();
}
