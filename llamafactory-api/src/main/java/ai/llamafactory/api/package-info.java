/**
 * The fluent API of LlamaFactory for Java: {@link ai.llamafactory.api.FineTune} describes and runs a fine-tuning,
 * {@link ai.llamafactory.api.TrainingListener} receives progress, {@link ai.llamafactory.api.TrainingHandle} and
 * {@link ai.llamafactory.api.CancellationToken} stop a run from another thread, and
 * {@link ai.llamafactory.api.TrainingResult} is what it produced. Configuration values live in
 * {@link ai.llamafactory.api.config}; trainers plug in through {@link ai.llamafactory.api.spi}. This module has no
 * engine (DJL) types.
 */
package ai.llamafactory.api;
