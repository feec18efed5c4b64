package ai.llamafactory.data.encode;

import java.util.Objects;

/**
 * One training sequence (possibly several packed examples). All arrays have the same length.
 *
 * @param inputIds token ids
 * @param labels learned token ids, {@link SupervisedEncoder#IGNORE_INDEX} where no loss is taken
 * @param attentionMask 1 for tokens and 0 for padding; with neat packing the sub-sequence index (1, 2, 3...) of each
 *     token, so a block-diagonal causal mask can be built ({@link BatchCollator#blockDiagonalCausalMask})
 * @param positionIds position of each token within its (sub-)sequence, restarting at 0 for each packed example
 */
public record EncodedExample(int[] inputIds, int[] labels, int[] attentionMask, int[] positionIds) {
    /** Checks that the arrays are present and equally long. */
    public EncodedExample {
        Objects.requireNonNull(inputIds, "inputIds");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(attentionMask, "attentionMask");
        Objects.requireNonNull(positionIds, "positionIds");
        if (labels.length != inputIds.length || attentionMask.length != inputIds.length
                || positionIds.length != inputIds.length) {
            throw new IllegalArgumentException("lengths differ: input_ids " + inputIds.length + ", labels "
                    + labels.length + ", attention_mask " + attentionMask.length + ", position_ids "
                    + positionIds.length);
        }
    }

    /**
     * An unpacked sequence: attention mask of ones, positions 0..n-1.
     *
     * @param inputIds token ids
     * @param labels labels
     * @return the example
     */
    public static EncodedExample of(int[] inputIds, int[] labels) {
        int[] mask = new int[inputIds.length];
        int[] pos = new int[inputIds.length];
        for (int i = 0; i < pos.length; i++) {
            mask[i] = 1;
            pos[i] = i;
        }
        return new EncodedExample(inputIds, labels, mask, pos);
    }

    /** @return the number of tokens */
    public int length() {
        return inputIds.length;
    }
}
