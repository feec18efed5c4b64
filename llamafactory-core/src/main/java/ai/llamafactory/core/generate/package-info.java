/**
 * Text generation on a {@link ai.llamafactory.core.model.CausalLm}: prefill, then one token at a time with a KV cache,
 * for batches of prompts of different lengths (left padding), with greedy decoding or seeded sampling (temperature,
 * top-k, top-p, min-p, repetition penalty), stop tokens and stop strings, streaming with incremental detokenisation
 * and cancellation.
 *
 * <p>The {@link ai.llamafactory.core.generate.Generator} works on token ids. Text enters only through a
 * {@link ai.llamafactory.core.generate.Detokenizer} (any tokenizer's {@code decode}), so chat templates and
 * tokenizers plug in from the outside.
 */
package ai.llamafactory.core.generate;
