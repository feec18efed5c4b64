/**
 * Immutable configuration values: the six argument classes of LLaMA-Factory ({@link
 * ai.llamafactory.api.config.ModelArguments}, {@link ai.llamafactory.api.config.DataArguments}, {@link
 * ai.llamafactory.api.config.FinetuningArguments}, {@link ai.llamafactory.api.config.TrainingArguments}, {@link
 * ai.llamafactory.api.config.GeneratingArguments}, {@link ai.llamafactory.api.config.ExportArguments}), each built with
 * a builder that checks its values, and {@link ai.llamafactory.api.config.FineTuneConfig}, which holds all six, checks
 * them together, and reads and writes LLaMA-Factory's YAML/JSON files. Enums hold every choice; LLaMA-Factory's
 * snake_case keys appear only where files are read and written, and in error messages.
 */
package ai.llamafactory.api.config;
