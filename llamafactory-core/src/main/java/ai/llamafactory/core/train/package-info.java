/**
 * The training loop for stages pt and sft: batching, gradient accumulation, clipping, optimizer and schedule,
 * evaluation, checkpoints with exact resume, and run outputs.
 */
package ai.llamafactory.core.train;
