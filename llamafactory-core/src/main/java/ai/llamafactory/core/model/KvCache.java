package ai.llamafactory.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of previous positions, per layer, for incremental decoding. The cache owns its tensors in its own
 * manager; close it when the generation ends.
 *
 * <p>Each layer's keys and values live in a buffer with room for more positions than are filled; a step writes its
 * new positions in place and attention reads a view of the filled part. A step therefore copies only its own keys
 * and values, not the whole history (which concatenation would, making long generations quadratic in memory
 * traffic). When a buffer is full it is reallocated with twice the room.
 */
public final class KvCache implements AutoCloseable {
    /** Positions reserved beyond the first fill, so that short generations never reallocate. */
    static final int INITIAL_HEADROOM = 256;

    private final NDArray[] keys;
    private final NDArray[] values;
    private final long[] lengths;
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
        this.lengths = new long[numLayers];
        this.manager = parent.newSubManager();
    }

    /** @return the number of cached positions (0 when empty) */
    public long length() {
        return lengths[0];
    }

    /** @return the number of positions the buffers can hold before they are reallocated (0 when empty) */
    public long capacity() {
        return keys[0] == null ? 0 : keys[0].getShape().get(2);
    }

    /**
     * Appends this step's keys and values and returns the full ones.
     *
     * @param layer layer index
     * @param k new keys [B, KV, T, D]
     * @param v new values [B, KV, T, D]
     * @return {all keys, all values}, [B, KV, past+T, D]: views of the cache's buffers, attached to k's manager (the
     *     step's); valid until the next append or select
     */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        long past = lengths[layer];
        long t = k.getShape().get(2);
        long total = past + t;
        if (keys[layer] == null || total > keys[layer].getShape().get(2)) {
            long room = keys[layer] == null ? total + INITIAL_HEADROOM : Math.max(total, 2 * past);
            keys[layer] = grow(keys[layer], k, past, room);
            values[layer] = grow(values[layer], v, past, room);
        }
        NDIndex slot = new NDIndex(":, :, {}:{}", past, total);
        keys[layer].set(slot, k);
        values[layer].set(slot, v);
        lengths[layer] = total;
        NDIndex filled = new NDIndex(":, :, :{}", total);
        NDArray allK = keys[layer].get(filled);
        NDArray allV = values[layer].get(filled);
        allK.attach(k.getManager());
        allV.attach(k.getManager());
        return new NDArray[] {allK, allV};
    }

    /** A zero buffer with room for {@code room} positions holding the first {@code filled} positions of old. */
    private NDArray grow(NDArray old, NDArray like, long filled, long room) {
        Shape s = like.getShape();
        NDArray buffer = manager.zeros(new Shape(s.get(0), s.get(1), room, s.get(3)), like.getDataType());
        if (old != null) {
            if (filled > 0) {
                NDIndex part = new NDIndex(":, :, :{}", filled);
                try (NDArray kept = old.get(part)) {
                    buffer.set(part, kept);
                }
            }
            old.close();
        }
        return buffer;
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

    /**
     * Removes the first {@code n} positions of every row (left padding that no remaining row needs any more).
     *
     * @param n number of leading positions to drop, at most {@link #length()}
     */
    public void dropLeading(long n) {
        if (n <= 0) {
            return;
        }
        if (n > lengths[0]) {
            throw new IllegalArgumentException("cannot drop " + n + " positions from a cache of " + lengths[0]);
        }
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                long kept = lengths[i] - n;
                keys[i] = shiftLeft(keys[i], n, kept);
                values[i] = shiftLeft(values[i], n, kept);
                lengths[i] = kept;
            }
        }
    }

    private NDArray shiftLeft(NDArray buffer, long n, long kept) {
        Shape s = buffer.getShape();
        NDArray shifted = manager.zeros(s, buffer.getDataType());
        if (kept > 0) {
            try (NDArray part = buffer.get(new NDIndex(":, :, {}:{}", n, n + kept))) {
                shifted.set(new NDIndex(":, :, :{}", kept), part);
            }
        }
        buffer.close();
        return shifted;
    }

    @Override
    public void close() {
        manager.close();
    }
}
