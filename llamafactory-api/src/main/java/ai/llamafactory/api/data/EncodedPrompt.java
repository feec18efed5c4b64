package ai.llamafactory.api.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A prompt for generation (prediction with {@code predict_with_generate}, PPO rollouts), ending with the opening of
 * the assistant turn, and the reference answer when the example has one. Equality compares the array contents.
 *
 * @param inputIds the prompt ids
 * @param referenceIds the reference answer ids (empty when there is none); not aligned with the prompt
 */
public record EncodedPrompt(int[] inputIds, int[] referenceIds) implements EncodedRecord {

    /** Checks for nulls. */
    public EncodedPrompt {
        Objects.requireNonNull(inputIds, "inputIds");
        Objects.requireNonNull(referenceIds, "referenceIds");
    }

    @Override
    public Kind kind() {
        return Kind.PROMPT;
    }

    /** @return the prompt length (the reference answer is not model input) */
    @Override
    public int tokenCount() {
        return inputIds.length;
    }

    /** @return 0: prompts carry no labels */
    @Override
    public int labelCount() {
        return 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncodedPrompt p
                && Arrays.equals(inputIds, p.inputIds)
                && Arrays.equals(referenceIds, p.referenceIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(inputIds), Arrays.hashCode(referenceIds));
    }

    @Override
    public String toString() {
        return "EncodedPrompt[" + inputIds.length + " tokens, reference " + referenceIds.length + " tokens]";
    }
}
