package ai.llamafactory.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.HashMap;
import java.util.Map;

/**
 * What every layer of one forward shares: rotary cos/sin, the attention masks (one per window size, built lazily),
 * the KV cache.
 */
public final class LayerContext {
    private final NDManager manager;
    private final NDArray paddingMask;
    private final long batch;
    private final long queryLength;
    private final long keyLength;
    private final DataType dtype;
    private final NDArray[] cosSin;
    private final KvCache cache;
    private final Map<Integer, NDArray> masks = new HashMap<>();
    private final Map<Integer, Boolean> built = new HashMap<>();

    LayerContext(
            NDManager manager,
            NDArray paddingMask,
            long batch,
            long queryLength,
            long keyLength,
            DataType dtype,
            NDArray[] cosSin,
            KvCache cache) {
        this.manager = manager;
        this.paddingMask = paddingMask;
        this.batch = batch;
        this.queryLength = queryLength;
        this.keyLength = keyLength;
        this.dtype = dtype;
        this.cosSin = cosSin;
        this.cache = cache;
    }

    /** @return rotary {cos, sin} for this forward's positions */
    public NDArray[] cosSin() {
        return cosSin;
    }

    /** @return the KV cache, or null */
    public KvCache cache() {
        return cache;
    }

    /**
     * @param slidingWindow window of the asking layer, 0 for full attention
     * @return the additive mask for that layer, or null when it would hide nothing (see {@link AttentionMask})
     */
    public NDArray mask(int slidingWindow) {
        if (built.containsKey(slidingWindow)) {
            return masks.get(slidingWindow);
        }
        NDArray mask = AttentionMask.build(manager, paddingMask, batch, queryLength, keyLength, slidingWindow, dtype);
        masks.put(slidingWindow, mask);
        built.put(slidingWindow, Boolean.TRUE);
        return mask;
    }
}
