/**
 * The fluent API of LlamaFactory for Java: {@link ai.llamafactory.api.FineTune} describes and runs a fine-tuning and
 * {@link ai.llamafactory.api.TrainingHandle} follows a run started on another thread. What a run reports and how it
 * is stopped ({@link ai.llamafactory.api.run.TrainingListener}, {@link ai.llamafactory.api.run.CancellationToken},
 * {@link ai.llamafactory.api.run.TrainingResult}) live in {@link ai.llamafactory.api.run}; configuration values in
 * {@link ai.llamafactory.api.config}; trainers, data workers, model loaders and chat models plug in through
 * {@link ai.llamafactory.api.spi}. This package sits on top of the others (none of them depends on it), and the
 * module has no engine (DJL) types.
 */
package ai.llamafactory.api;
