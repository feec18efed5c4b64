package ai.llamafactory.data.encode;

import java.util.Objects;

/**
 * A KTO example: the prompt with its own response, and the same prompt with another example's response (the
 * mismatched pair used to estimate the KL term).
 *
 * @param inputIds prompt + response
 * @param labels {@code -100} on the prompt, the response ids after it
 * @param klInputIds prompt + mismatched response
 * @param klLabels {@code -100} on the prompt, the mismatched response ids after it
 * @param desirable whether the response is desirable ({@code kto_tag})
 */
public record KtoExample(int[] inputIds, int[] labels, int[] klInputIds, int[] klLabels, boolean desirable) {
    /** Checks for nulls and equal lengths of ids and labels. */
    public KtoExample {
        Objects.requireNonNull(inputIds, "inputIds");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(klInputIds, "klInputIds");
        Objects.requireNonNull(klLabels, "klLabels");
        if (inputIds.length != labels.length || klInputIds.length != klLabels.length) {
            throw new IllegalArgumentException("ids and labels differ in length");
        }
    }
}
