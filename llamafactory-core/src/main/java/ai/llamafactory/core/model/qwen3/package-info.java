/** The Qwen3 family (dense models). *
 * <p>{@link ai.llamafactory.api.annotation.Internal Internal}: public for the other modules of this project only, not
 * API; left out of the published javadoc.
 */
@Internal
package ai.llamafactory.core.model.qwen3;

import ai.llamafactory.api.annotation.Internal;
