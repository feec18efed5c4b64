package ai.llamafactory.data.encode;

import java.util.Objects;

/**
 * A preference pair for DPO and reward modelling: chosen and rejected share the prompt and are truncated to the same
 * response length.
 *
 * @param chosenInputIds prompt + chosen response
 * @param chosenLabels {@code -100} on the prompt, the chosen response ids after it
 * @param rejectedInputIds prompt + rejected response
 * @param rejectedLabels {@code -100} on the prompt, the rejected response ids after it
 */
public record PairwiseExample(int[] chosenInputIds, int[] chosenLabels, int[] rejectedInputIds, int[] rejectedLabels) {
    /** Checks for nulls and equal lengths of ids and labels. */
    public PairwiseExample {
        Objects.requireNonNull(chosenInputIds, "chosenInputIds");
        Objects.requireNonNull(chosenLabels, "chosenLabels");
        Objects.requireNonNull(rejectedInputIds, "rejectedInputIds");
        Objects.requireNonNull(rejectedLabels, "rejectedLabels");
        if (chosenInputIds.length != chosenLabels.length || rejectedInputIds.length != rejectedLabels.length) {
            throw new IllegalArgumentException("ids and labels differ in length");
        }
    }
}
