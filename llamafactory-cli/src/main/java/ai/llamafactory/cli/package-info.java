/**
 * The {@code llamafactory} command-line tool, after LLaMA-Factory's {@code llamafactory-cli}: {@code train},
 * {@code export}, {@code chat}, {@code api}, {@code env}, {@code version} and {@code help}, each taking a LLaMA-Factory
 * YAML file and {@code key=value} overrides where LLaMA-Factory does. {@link ai.llamafactory.cli.LlamaFactoryCli} is
 * the entry point; {@link ai.llamafactory.cli.TrainingProgressBar} draws training progress on a terminal or as log
 * lines.
 *
 * <p>Exit codes ({@link ai.llamafactory.cli.ExitCodes}): 0 success, 1 runtime failure, 2 usage or configuration error.
 *
 * <p>{@link ai.llamafactory.api.annotation.Internal Internal}: public for the other modules of this project only, not
 * API; left out of the published javadoc.
 */
@Internal
package ai.llamafactory.cli;

import ai.llamafactory.api.annotation.Internal;
