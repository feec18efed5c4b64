/**
 * The module tree models are built from: named {@link ai.llamafactory.core.nn.Param}s inside
 * {@link ai.llamafactory.core.nn.Module}s whose dotted paths are Hugging Face checkpoint names, and the basic layers.
 */
package ai.llamafactory.core.nn;
