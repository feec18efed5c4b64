/** The Phi-3 family: fused q/k/v and gate/up projections. *
 * <p>{@link ai.llamafactory.api.annotation.Internal Internal}: public for the other modules of this project only, not
 * API; left out of the published javadoc.
 */
@Internal
package ai.llamafactory.core.model.phi3;

import ai.llamafactory.api.annotation.Internal;
