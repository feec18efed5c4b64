package ai.llamafactory.api.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * One training sequence for stages {@code pt} and {@code sft}: a text block, a supervised example, or several
 * examples packed into one row. All arrays have the same length. Equality compares the array contents.
 *
 * @param inputIds token ids
 * @param labels the ids to learn, {@link EncodedRecord#IGNORE_INDEX} where no loss is taken
 * @param attentionMask 1 for tokens (and for the padding of packed rows, as LLaMA-Factory); with neat packing the
 *     1-based index of the packed example each token belongs to, 0 on padding
 * @param positionIds each token's position within its example, restarting at 0 for each packed example
 */
public record EncodedSequence(int[] inputIds, int[] labels, int[] attentionMask, int[] positionIds)
        implements EncodedRecord {

    /** Checks that the arrays are present and equally long. */
    public EncodedSequence {
        Objects.requireNonNull(inputIds, "inputIds");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(attentionMask, "attentionMask");
        Objects.requireNonNull(positionIds, "positionIds");
        if (labels.length != inputIds.length
                || attentionMask.length != inputIds.length
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
     * @param labels labels, as long as the ids
     * @return the sequence
     */
    public static EncodedSequence of(int[] inputIds, int[] labels) {
        int[] mask = new int[inputIds.length];
        int[] positions = new int[inputIds.length];
        Arrays.fill(mask, 1);
        for (int i = 0; i < positions.length; i++) {
            positions[i] = i;
        }
        return new EncodedSequence(inputIds, labels, mask, positions);
    }

    /** @return the number of tokens */
    public int length() {
        return inputIds.length;
    }

    @Override
    public Kind kind() {
        return Kind.SEQUENCE;
    }

    @Override
    public int tokenCount() {
        return inputIds.length;
    }

    @Override
    public int labelCount() {
        return EncodedRecord.countLabels(labels);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncodedSequence s
                && Arrays.equals(inputIds, s.inputIds)
                && Arrays.equals(labels, s.labels)
                && Arrays.equals(attentionMask, s.attentionMask)
                && Arrays.equals(positionIds, s.positionIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                Arrays.hashCode(inputIds),
                Arrays.hashCode(labels),
                Arrays.hashCode(attentionMask),
                Arrays.hashCode(positionIds));
    }

    @Override
    public String toString() {
        return "EncodedSequence[" + inputIds.length + " tokens, " + labelCount() + " labels]";
    }
}
