/**
 * Turning aligned examples into model inputs for each stage, exactly as LLaMA-Factory's processors do: supervised
 * (multi-turn, {@code infer_seqlen} truncation, prompt labels {@code -100}, {@code train_on_prompt},
 * {@code mask_history}, efficient eos), pairwise (DPO/RM), feedback (KTO, with mismatched KL completions),
 * pre-training (text + eos, packed into blocks), unsupervised (prompts for generation); greedy-knapsack packing and
 * neat packing; collation into padded batches. Everything is plain {@code int[]}/{@code long[]} arrays.
 */
package ai.llamafactory.data.encode;
