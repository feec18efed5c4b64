package ai.llamafactory.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.llamafactory.core.engine.DjlEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pieces incremental decoding relies on: the single-query mask and the in-place growing KV cache. */
class IncrementalDecodingPartsTest {

    @BeforeAll
    static void engine() {
        DjlEngine.get();
    }

    @Test
    void singleQueryMaskEqualsTheLastRowOfTheFullMask() {
        try (NDManager m = NDManager.newBaseManager()) {
            long s = 9;
            long[][] paddings = {
                {0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, // left padding, 2 rows
                {1, 1, 1, 2, 2, 2, 2, 2, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1}, // packed segments; padding
            };
            for (long[] p : paddings) {
                for (int window : new int[] {0, 4, 20}) {
                    NDArray pm = m.create(p, new Shape(2, s));
                    NDArray full = AttentionMask.build(m, pm, 2, s, s, window, DataType.FLOAT32);
                    NDArray lastRow = full.get(new NDIndex(":, :, -1:, :"));
                    NDArray single = AttentionMask.build(m, pm, 2, 1, s, window, DataType.FLOAT32);
                    assertThat(single.getShape()).isEqualTo(new Shape(2, 1, 1, s));
                    assertThat(single.toFloatArray()).as("window " + window).containsExactly(lastRow.toFloatArray());
                }
            }
            // No padding: nothing to hide unless the window is shorter than the keys.
            assertThat(AttentionMask.build(m, null, 3, 1, s, 0, DataType.FLOAT32))
                    .isNull();
            assertThat(AttentionMask.build(m, null, 3, 1, s, 9, DataType.FLOAT32))
                    .isNull();
            NDArray windowed = AttentionMask.build(m, null, 3, 1, s, 4, DataType.FLOAT32);
            NDArray fullWindowed = AttentionMask.build(m, null, 1, s, s, 4, DataType.FLOAT32);
            assertThat(windowed.toFloatArray())
                    .containsExactly(
                            fullWindowed.get(new NDIndex(":, :, -1:, :")).toFloatArray());
            float[] w = windowed.toFloatArray();
            assertThat(w[4]).isEqualTo(-Float.MAX_VALUE);
            assertThat(w[5]).isZero();
        }
    }

    @Test
    void chunkedPrefillWithCacheAndLeftPaddingEqualsOneForward() {
        // Queries are the last T of S positions: a second chunk of 4 queries over 9 keys, rows left-padded by 0 and 3.
        DjlEngine.setGradMode(false);
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = TinyModels.build(TinyModels.config("llama", ""), m)) {
            long[] ids = {5, 17, 42, 8, 91, 3, 64, 22, 7, 0, 0, 0, 11, 12, 13, 14, 15, 16};
            long[] mask = {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1};
            long[] pos = {0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1, 1, 0, 1, 2, 3, 4, 5};
            Shape shape = new Shape(2, 9);
            NDArray idArr = m.create(ids, shape);
            NDArray maskArr = m.create(mask, shape);
            NDArray posArr = m.create(pos, shape);
            NDArray full = model.logits(model.hiddenStates(new ForwardInput(idArr, maskArr, posArr, null)));
            try (KvCache cache = new KvCache(model.config().numLayers(), m)) {
                NDIndex first = new NDIndex(":, :5");
                NDIndex second = new NDIndex(":, 5:");
                model.hiddenStates(new ForwardInput(idArr.get(first), maskArr.get(first), posArr.get(first), cache));
                assertThat(cache.length()).isEqualTo(5);
                NDArray chunk = model.logits(
                        model.hiddenStates(new ForwardInput(idArr.get(second), maskArr, posArr.get(second), cache)));
                float diff =
                        chunk.sub(full.get(new NDIndex(":, 5:, :"))).abs().max().getFloat();
                assertThat(diff).isLessThan(1e-5f);
            }
        }
    }

    @Test
    void cacheGrowsInPlaceKeepsItsContentsAndDropsRows() {
        DjlEngine.setGradMode(false);
        try (NDManager m = NDManager.newBaseManager();
                KvCache cache = new KvCache(1, m)) {
            int first = 3;
            NDArray k0 = m.arange(0f, 2 * 2 * first * 4).reshape(2, 2, first, 4);
            NDArray[] kv = cache.append(0, k0, k0.neg());
            assertThat(cache.length()).isEqualTo(first);
            assertThat(cache.capacity()).isEqualTo(first + KvCache.INITIAL_HEADROOM);
            assertThat(kv[0].toFloatArray()).containsExactly(k0.toFloatArray());
            // Past the headroom the buffers are reallocated; every position written must still be there.
            NDList written = new NDList(k0);
            for (int step = 0; step < KvCache.INITIAL_HEADROOM + 5; step++) {
                NDArray k = m.full(new Shape(2, 2, 1, 4), step + 1000f);
                kv = cache.append(0, k, k.neg());
                written.add(k);
                assertThat(kv[0].getShape()).isEqualTo(new Shape(2, 2, first + step + 1, 4));
            }
            NDArray expected = NDArrays.concat(written, 2);
            assertThat(kv[0].toFloatArray()).containsExactly(expected.toFloatArray());
            assertThat(kv[1].toFloatArray()).containsExactly(expected.neg().toFloatArray());
            assertThat(cache.length()).isEqualTo(first + KvCache.INITIAL_HEADROOM + 5);
            assertThat(cache.capacity()).isGreaterThanOrEqualTo(cache.length());
            // Drop batch row 0: row 1's history stays.
            NDArray row1Before = kv[0].get(new NDIndex("1:2")).duplicate();
            cache.select(m.create(new long[] {1}));
            NDArray k = m.full(new Shape(1, 2, 1, 4), -7f);
            kv = cache.append(0, k, k);
            assertThat(kv[0].getShape()).isEqualTo(new Shape(1, 2, first + KvCache.INITIAL_HEADROOM + 6, 4));
            assertThat(kv[0].get(new NDIndex(":, :, :-1")).toFloatArray()).containsExactly(row1Before.toFloatArray());
            // Drop the 10 oldest positions: the rest moves to the front, appends continue after it.
            NDArray before = kv[0].get(new NDIndex(":, :, 10:")).duplicate();
            long length = cache.length();
            cache.dropLeading(10);
            assertThat(cache.length()).isEqualTo(length - 10);
            NDArray k2 = m.full(new Shape(1, 2, 1, 4), 5f);
            kv = cache.append(0, k2, k2);
            assertThat(kv[0].get(new NDIndex(":, :, :-1")).toFloatArray()).containsExactly(before.toFloatArray());
            assertThat(kv[0].get(new NDIndex(":, :, -1:")).toFloatArray()).containsExactly(k2.toFloatArray());
        }
    }
}
