/** The Gemma family (Gemma 1). *
 * <p>{@link ai.llamafactory.api.annotation.Internal Internal}: public for the other modules of this project only, not
 * API; left out of the published javadoc.
 */
@Internal
package ai.llamafactory.core.model.gemma;

import ai.llamafactory.api.annotation.Internal;
