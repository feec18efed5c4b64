/**
 * The fine-tuning methods the core trainer runs ({@code finetuning_type: lora | freeze | full}), registered as a
 * {@link ai.llamafactory.core.tuning.TuningMethodProvider} with {@link java.util.ServiceLoader}, and the mapping of
 * LLaMA-Factory's arguments onto this module's settings ({@link ai.llamafactory.peft.method.PeftArguments}).
 *
 * <p>{@link ai.llamafactory.api.annotation.Internal Internal}: public for the other modules of this project only, not
 * API; left out of the published javadoc.
 */
@Internal
package ai.llamafactory.peft.method;

import ai.llamafactory.api.annotation.Internal;
