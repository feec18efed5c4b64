package ai.llamafactory.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.llamafactory.core.engine.EngineArrays;
import ai.llamafactory.data.encode.BatchCollator;

/**
 * A collated batch as tensors in a step's manager: ids, padding/segment mask, positions, labels.
 *
 * @param input the forward input
 * @param labels [B, T] int64 labels
 * @param targetTokens number of label positions that count after the shift (the loss's denominator share)
 */
public record BatchTensors(ForwardInput input, NDArray labels, long targetTokens) {

    /**
     * Moves a batch into tensors.
     *
     * @param batch the padded batch
     * @param manager the step's manager (its device receives the tensors)
     * @return the tensors
     */
    public static BatchTensors of(BatchCollator.Batch batch, NDManager manager) {
        int b = batch.size();
        int t = batch.length();
        Shape shape = new Shape(b, t);
        NDArray ids = EngineArrays.of(manager, flatten(batch.inputIds(), b, t), shape);
        NDArray mask = EngineArrays.of(manager, flatten(batch.attentionMask(), b, t), shape);
        NDArray pos = batch.positionIds() == null
                ? null
                : EngineArrays.of(manager, flatten(batch.positionIds(), b, t), shape);
        NDArray labels = EngineArrays.of(manager, flatten(batch.labels(), b, t), shape);
        return new BatchTensors(new ForwardInput(ids, mask, pos, null), labels, countTargets(batch.labels()));
    }

    /**
     * @param labels [B][T] labels
     * @return positions 1..T-1 whose label is not ignored (what the shifted loss averages over)
     */
    public static long countTargets(long[][] labels) {
        long n = 0;
        for (long[] row : labels) {
            for (int j = 1; j < row.length; j++) {
                if (row[j] != -100) {
                    n++;
                }
            }
        }
        return n;
    }

    private static long[] flatten(long[][] rows, int b, int t) {
        long[] out = new long[b * t];
        for (int i = 0; i < b; i++) {
            System.arraycopy(rows[i], 0, out, i * t, t);
        }
        return out;
    }
}
