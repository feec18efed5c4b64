package ai.llamafactory.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Keys and values of previous positions, per layer, for incremental decoding. The cache owns its tensors in its own
 * manager; close it when the generation ends.
 */
public final class KvCache implements AutoCloseable {
    private final NDArray[] keys;
    private final NDArray[] values;
    private final NDManager manager;

    /**
     * Creates an empty cache.
     *
     * @param numLayers number of decoder layers
     * @param parent manager whose device the cache lives on
     */
    public KvCache(int numLayers, NDManager parent) {
        this.keys = new NDArray[numLayers];
        this.values = new NDArray[numLayers];
        this.manager = parent.newSubManager();
    }

    /** @return the number of cached positions (0 when empty) */
    public long length() {
        return keys[0] == null ? 0 : keys[0].getShape().get(2);
    }

    /**
     * Appends this step's keys and values and returns the full ones.
     *
     * @param layer layer index
     * @param k new keys [B, KV, T, D]
     * @param v new values [B, KV, T, D]
     * @return {all keys, all values}, [B, KV, past+T, D], owned by the cache
     */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        NDArray nk = keys[layer] == null ? k.duplicate() : keys[layer].concat(k, 2);
        NDArray nv = values[layer] == null ? v.duplicate() : values[layer].concat(v, 2);
        nk.attach(manager);
        nv.attach(manager);
        if (keys[layer] != null) {
            keys[layer].close();
            values[layer].close();
        }
        keys[layer] = nk;
        values[layer] = nv;
        return new NDArray[] {nk, nv};
    }

    /**
     * Keeps only the given batch rows (drop finished sequences).
     *
     * @param rows int64 row indices
     */
    public void select(NDArray rows) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                NDArray k = keys[i].get(rows);
                NDArray v = values[i].get(rows);
                k.attach(manager);
                v.attach(manager);
                keys[i].close();
                values[i].close();
                keys[i] = k;
                values[i] = v;
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
