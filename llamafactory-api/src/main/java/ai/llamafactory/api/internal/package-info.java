/**
 * Small helpers that several modules share (text distances used for "did you mean" suggestions).
 *
 * <p>{@link ai.llamafactory.api.annotation.Internal Internal}: public for the other modules of this project only, not
 * API; left out of the published javadoc.
 */
@Internal
package ai.llamafactory.api.internal;

import ai.llamafactory.api.annotation.Internal;
