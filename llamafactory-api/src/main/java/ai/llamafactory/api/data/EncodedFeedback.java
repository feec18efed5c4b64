package ai.llamafactory.api.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A KTO example: the prompt with its own answer, and the same prompt with another example's answer (the mismatched
 * sequence that estimates the KL term). Equality compares the array contents.
 *
 * @param inputIds prompt + answer
 * @param labels {@link EncodedRecord#IGNORE_INDEX} on the prompt, the answer's ids after it
 * @param klInputIds prompt + mismatched answer
 * @param klLabels {@link EncodedRecord#IGNORE_INDEX} on the prompt, the mismatched answer's ids after it
 * @param desirable whether the answer is desirable ({@code kto_tag})
 */
public record EncodedFeedback(int[] inputIds, int[] labels, int[] klInputIds, int[] klLabels, boolean desirable)
        implements EncodedRecord {

    /** Checks for nulls and equal lengths of ids and labels. */
    public EncodedFeedback {
        Objects.requireNonNull(inputIds, "inputIds");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(klInputIds, "klInputIds");
        Objects.requireNonNull(klLabels, "klLabels");
        if (inputIds.length != labels.length || klInputIds.length != klLabels.length) {
            throw new IllegalArgumentException("ids and labels differ in length: " + inputIds.length + "/"
                    + labels.length + ", kl " + klInputIds.length + "/" + klLabels.length);
        }
    }

    @Override
    public Kind kind() {
        return Kind.FEEDBACK;
    }

    @Override
    public int tokenCount() {
        return inputIds.length + klInputIds.length;
    }

    @Override
    public int labelCount() {
        return EncodedRecord.countLabels(labels) + EncodedRecord.countLabels(klLabels);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncodedFeedback f
                && desirable == f.desirable
                && Arrays.equals(inputIds, f.inputIds)
                && Arrays.equals(labels, f.labels)
                && Arrays.equals(klInputIds, f.klInputIds)
                && Arrays.equals(klLabels, f.klLabels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                desirable,
                Arrays.hashCode(inputIds),
                Arrays.hashCode(labels),
                Arrays.hashCode(klInputIds),
                Arrays.hashCode(klLabels));
    }

    @Override
    public String toString() {
        return "EncodedFeedback[" + inputIds.length + " tokens, kl " + klInputIds.length + " tokens, "
                + (desirable ? "desirable" : "undesirable") + "]";
    }
}
