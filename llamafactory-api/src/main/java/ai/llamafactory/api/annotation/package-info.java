/**
 * Annotations that describe the status of code rather than its behaviour: {@link
 * ai.llamafactory.api.annotation.Internal} marks what is public for the modules' sake only. This package depends on
 * nothing, so every package of every module may use it.
 */
package ai.llamafactory.api.annotation;
