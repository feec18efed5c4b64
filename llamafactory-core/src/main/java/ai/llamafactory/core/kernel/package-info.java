/**
 * Differentiable kernels written in TorchScript and generated at run time, for operations DJL's NDArray API does not
 * offer (fused attention, differentiable dtype casts, fused norms).
 */
package ai.llamafactory.core.kernel;
