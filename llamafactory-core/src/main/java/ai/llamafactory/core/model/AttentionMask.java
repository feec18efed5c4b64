package ai.llamafactory.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.llamafactory.core.engine.EngineArrays;

/**
 * Builds the additive attention mask (0 where a query may attend to a key, a large negative value where it may not)
 * from causality, the padding/segment mask and an optional sliding window.
 *
 * <p>The padding mask holds 0 for padding and a positive segment id for real tokens: 1 everywhere for ordinary
 * batches, 1, 2, 3... per packed sub-sequence for neat packing. A query attends to a key only when both carry the same
 * non-zero id, so packed sequences never see each other. Every query may attend to its own position, so rows of
 * padding never become fully masked (which would give NaN in softmax and poison gradients).
 *
 * <p>A single query (one decoding step with a KV cache) is the last of the S positions, so causality allows every
 * key: the mask then only carries padding, segments and the window, and it is skipped entirely (null) when none of
 * them hides a key. This keeps the per-token work of incremental decoding small.
 */
public final class AttentionMask {
    private AttentionMask() {}

    /**
     * Builds the mask.
     *
     * @param manager manager for the result (the step's)
     * @param paddingMask [B, S] int tensor (0 = padding, >0 = segment id), or null when every key is valid
     * @param batch B
     * @param queryLength T (queries are the last T of the S positions)
     * @param keyLength S
     * @param slidingWindow window size, or 0 for none
     * @param dtype dtype of the attention scores
     * @return additive mask [B or 1, 1, T, S], or null when every key is visible to every query (a single query
     *     without padding and without a window shorter than S)
     */
    public static NDArray build(
            NDManager manager,
            NDArray paddingMask,
            long batch,
            long queryLength,
            long keyLength,
            int slidingWindow,
            DataType dtype) {
        if (queryLength == 1) {
            return singleQuery(manager, paddingMask, keyLength, slidingWindow, dtype);
        }
        long past = keyLength - queryLength;
        try (NDManager tmp = manager.newSubManager()) {
            NDArray q = tmp.arange(past, keyLength, 1, DataType.INT64).reshape(queryLength, 1);
            NDArray k = tmp.arange(0, keyLength, 1, DataType.INT64).reshape(1, keyLength);
            NDArray allowed = k.lte(q);
            if (slidingWindow > 0) {
                allowed = allowed.logicalAnd(EngineArrays.withScalar(q.sub(k), slidingWindow, NDArray::lt));
            }
            NDArray diagonal = k.eq(q);
            if (paddingMask != null) {
                NDArray m = paddingMask;
                if (m.getDataType() != DataType.INT64) {
                    m = m.toType(DataType.INT64, false);
                    m.attach(tmp);
                }
                NDArray mq = m.get(new NDIndex(":, {}:", past)).expandDims(2);
                NDArray mk = m.expandDims(1);
                NDArray keyIsToken = EngineArrays.withScalar(mk, 0, NDArray::neq);
                allowed = allowed.expandDims(0).logicalAnd(mq.eq(mk)).logicalAnd(keyIsToken);
                diagonal = diagonal.expandDims(0);
            } else {
                allowed = allowed.expandDims(0);
                diagonal = diagonal.expandDims(0);
            }
            allowed = allowed.logicalOr(diagonal);
            NDArray additive = additive(allowed, dtype).expandDims(1);
            additive.attach(manager);
            return additive;
        }
    }

    /**
     * The mask of one decoding step: the query is position S-1, so causality hides nothing.
     *
     * @return [B or 1, 1, 1, S], or null when nothing is hidden
     */
    private static NDArray singleQuery(
            NDManager manager, NDArray paddingMask, long keyLength, int slidingWindow, DataType dtype) {
        boolean windowHides = slidingWindow > 0 && keyLength > slidingWindow;
        if (paddingMask == null && !windowHides) {
            return null;
        }
        try (NDManager tmp = manager.newSubManager()) {
            NDArray allowed;
            if (paddingMask != null) {
                NDArray m = paddingMask;
                if (m.getDataType() != DataType.INT64) {
                    m = m.toType(DataType.INT64, false);
                    m.attach(tmp);
                }
                NDArray mq = m.get(new NDIndex(":, {}:", keyLength - 1));
                allowed = m.eq(mq).logicalAnd(EngineArrays.withScalar(m, 0, NDArray::neq));
            } else {
                allowed = tmp.ones(new Shape(1, keyLength), DataType.BOOLEAN);
            }
            if (windowHides) {
                // q - k < window with q = S-1, i.e. k >= S - window; the query's own key is always inside.
                NDArray k = tmp.arange(0, keyLength, 1, DataType.INT64).reshape(1, keyLength);
                allowed = allowed.logicalAnd(EngineArrays.withScalar(k, keyLength - slidingWindow, NDArray::gte));
            }
            // The query always sees itself (its own key is the last one), as in the general mask.
            NDArray self = EngineArrays.withScalar(
                    tmp.arange(0, keyLength, 1, DataType.INT64).reshape(1, keyLength), keyLength - 1, NDArray::eq);
            allowed = allowed.logicalOr(self);
            NDArray additive = additive(allowed, dtype).expandDims(1).expandDims(1);
            additive.attach(manager);
            return additive;
        }
    }

    /**
     * @param allowed boolean mask, true where a query may attend to a key
     * @param dtype score dtype
     * @return 0 where allowed, {@link #maskValue(DataType)} elsewhere, in {@code dtype}
     */
    private static NDArray additive(NDArray allowed, DataType dtype) {
        NDArray blocked = EngineArrays.withScalar(allowed.toType(dtype, false), 1, NDArray::sub);
        return EngineArrays.withScalar(blocked, -maskValue(dtype), NDArray::mul);
    }

    /**
     * @param dtype score dtype
     * @return the value added to masked scores: the dtype's lowest finite value (halved for fp16 so that adding a
     *     negative score cannot overflow to -inf)
     */
    public static float maskValue(DataType dtype) {
        return dtype == DataType.FLOAT16 ? -32752f : -Float.MAX_VALUE;
    }
}
