package ai.llamafactory.api.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A preference pair for stages {@code rm} and {@code dpo}: the shared prompt followed by the chosen answer, and by the
 * rejected answer. Both are unpadded (attention mask of ones, positions from 0). Equality compares the array contents.
 *
 * @param chosenInputIds prompt + chosen answer
 * @param chosenLabels {@link EncodedRecord#IGNORE_INDEX} on the prompt, the chosen answer's ids after it
 * @param rejectedInputIds prompt + rejected answer
 * @param rejectedLabels {@link EncodedRecord#IGNORE_INDEX} on the prompt, the rejected answer's ids after it
 */
public record EncodedPair(int[] chosenInputIds, int[] chosenLabels, int[] rejectedInputIds, int[] rejectedLabels)
        implements EncodedRecord {

    /** Checks for nulls and equal lengths of ids and labels. */
    public EncodedPair {
        Objects.requireNonNull(chosenInputIds, "chosenInputIds");
        Objects.requireNonNull(chosenLabels, "chosenLabels");
        Objects.requireNonNull(rejectedInputIds, "rejectedInputIds");
        Objects.requireNonNull(rejectedLabels, "rejectedLabels");
        if (chosenInputIds.length != chosenLabels.length || rejectedInputIds.length != rejectedLabels.length) {
            throw new IllegalArgumentException("ids and labels differ in length: chosen " + chosenInputIds.length
                    + "/" + chosenLabels.length + ", rejected " + rejectedInputIds.length + "/"
                    + rejectedLabels.length);
        }
    }

    @Override
    public Kind kind() {
        return Kind.PAIR;
    }

    @Override
    public int tokenCount() {
        return chosenInputIds.length + rejectedInputIds.length;
    }

    @Override
    public int labelCount() {
        return EncodedRecord.countLabels(chosenLabels) + EncodedRecord.countLabels(rejectedLabels);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncodedPair p
                && Arrays.equals(chosenInputIds, p.chosenInputIds)
                && Arrays.equals(chosenLabels, p.chosenLabels)
                && Arrays.equals(rejectedInputIds, p.rejectedInputIds)
                && Arrays.equals(rejectedLabels, p.rejectedLabels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                Arrays.hashCode(chosenInputIds),
                Arrays.hashCode(chosenLabels),
                Arrays.hashCode(rejectedInputIds),
                Arrays.hashCode(rejectedLabels));
    }

    @Override
    public String toString() {
        return "EncodedPair[chosen " + chosenInputIds.length + " tokens, rejected " + rejectedInputIds.length
                + " tokens]";
    }
}
