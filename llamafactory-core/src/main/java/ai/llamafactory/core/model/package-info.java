/**
 * Decoder-only causal language models on DJL NDArray ops: the shared Llama-style decoder, attention with
 * grouped-query heads and rotary positions, masks, KV cache, and the {@link ai.llamafactory.core.model.Architecture}
 * registry. One sub-package per model family.
 */
package ai.llamafactory.core.model;
