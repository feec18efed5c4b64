/**
 * Differentiable kernels written in TorchScript and generated at run time, for operations DJL's NDArray API does not
 * offer (fused attention, differentiable dtype casts, fused norms).
 *
 * <p>{@link ai.llamafactory.api.annotation.Internal Internal}: public for the other modules of this project only, not
 * API; left out of the published javadoc.
 */
@Internal
package ai.llamafactory.core.kernel;

import ai.llamafactory.api.annotation.Internal;
