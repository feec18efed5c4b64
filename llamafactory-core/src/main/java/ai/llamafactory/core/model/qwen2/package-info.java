/** The Qwen2 family (Qwen2, Qwen2.5). *
 * <p>{@link ai.llamafactory.api.annotation.Internal Internal}: public for the other modules of this project only, not
 * API; left out of the published javadoc.
 */
@Internal
package ai.llamafactory.core.model.qwen2;

import ai.llamafactory.api.annotation.Internal;
