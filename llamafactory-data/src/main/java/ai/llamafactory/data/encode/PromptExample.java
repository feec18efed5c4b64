package ai.llamafactory.data.encode;

import java.util.Objects;

/**
 * A prompt for generation (prediction, PPO rollouts), with the reference response when the dataset has one.
 *
 * @param inputIds the prompt ids, ending with the opening of the assistant turn
 * @param referenceIds the reference response ids (empty when there is none); not aligned with the prompt
 */
public record PromptExample(int[] inputIds, int[] referenceIds) {
    /** Checks for nulls. */
    public PromptExample {
        Objects.requireNonNull(inputIds, "inputIds");
        Objects.requireNonNull(referenceIds, "referenceIds");
    }
}
