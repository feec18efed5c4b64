package ai.llamafactory.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.llamafactory.core.config.ModelConfig;
import ai.llamafactory.core.config.RopeType;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.loss.CausalLmLoss;
import ai.llamafactory.core.nn.Param;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Behaviour that golden files do not cover: padding sides, sliding windows, packing masks, every family. */
class DecoderBehaviourTest {
    static final long[] SEQ = {5, 17, 42, 8, 91, 3, 64, 22, 7, 50};

    @BeforeAll
    static void engine() {
        DjlEngine.get();
    }

    @Test
    void leftPaddingGivesTheSameLogitsAsNoPadding() {
        ModelConfig cfg = TinyModels.config("llama", "");
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = TinyModels.build(cfg, m)) {
            float[] plain = lastLogits(model, m, SEQ, null, null);
            long[] padded = new long[SEQ.length + 3];
            long[] mask = new long[SEQ.length + 3];
            long[] pos = new long[SEQ.length + 3];
            for (int i = 0; i < SEQ.length; i++) {
                padded[i + 3] = SEQ[i];
                mask[i + 3] = 1;
                pos[i + 3] = i;
            }
            float[] left = lastLogits(model, m, padded, mask, pos);
            assertThat(maxDiff(plain, left)).isLessThan(1e-5);
        }
    }

    @Test
    void rightPaddingDoesNotChangeRealPositions() {
        ModelConfig cfg = TinyModels.config("qwen2", "");
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = TinyModels.build(cfg, m)) {
            float[] plain = allLogits(model, m, SEQ, null);
            long[] padded = java.util.Arrays.copyOf(SEQ, SEQ.length + 4);
            long[] mask = new long[padded.length];
            java.util.Arrays.fill(mask, 0, SEQ.length, 1);
            float[] right = allLogits(model, m, padded, mask);
            assertThat(maxDiff(plain, java.util.Arrays.copyOf(right, plain.length)))
                    .isLessThan(1e-5);
        }
    }

    @Test
    void slidingWindowHidesTokensOutsideTheWindow() {
        // One layer so that the receptive field is exactly the window.
        ModelConfig cfg = TinyModels.config("mistral", ",\"num_hidden_layers\":1,\"sliding_window\":4");
        assertThat(cfg.slidingWindow(0)).contains(4);
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = TinyModels.build(cfg, m)) {
            long[] changedEarly = SEQ.clone();
            changedEarly[0] = 1;
            changedEarly[1] = 2;
            long[] changedInside = SEQ.clone();
            changedInside[SEQ.length - 3] = 1;
            float[] base = lastLogits(model, m, SEQ, null, null);
            assertThat(maxDiff(base, lastLogits(model, m, changedEarly, null, null)))
                    .isLessThan(1e-6);
            assertThat(maxDiff(base, lastLogits(model, m, changedInside, null, null)))
                    .isGreaterThan(1e-4);
        }
        ModelConfig full = TinyModels.config("mistral", ",\"num_hidden_layers\":1,\"sliding_window\":null");
        assertThat(full.slidingWindow(0)).isEmpty();
    }

    @Test
    void packedSegmentsDoNotSeeEachOther() {
        ModelConfig cfg = TinyModels.config("qwen3", ",\"head_dim\":16");
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = TinyModels.build(cfg, m)) {
            long[] a = {5, 17, 42, 8};
            long[] b = {91, 3, 64, 22, 7, 50};
            float[] alone = lastLogits(model, m, b, null, null);
            long[] packed = new long[a.length + b.length];
            long[] seg = new long[packed.length];
            long[] pos = new long[packed.length];
            for (int i = 0; i < packed.length; i++) {
                packed[i] = i < a.length ? a[i] : b[i - a.length];
                seg[i] = i < a.length ? 1 : 2;
                pos[i] = i < a.length ? i : i - a.length;
            }
            assertThat(maxDiff(alone, lastLogits(model, m, packed, seg, pos))).isLessThan(1e-5);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "mistral", "qwen2", "qwen3", "gemma", "phi3"})
    void everyFamilyTrainsOneStep(String type) {
        ModelConfig cfg = TinyModels.config(type, "");
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = TinyModels.build(cfg, m)) {
            model.setAllTrainable(true);
            try (NDManager step = m.newSubManager()) {
                NDArray ids = step.create(SEQ, new Shape(1, SEQ.length));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    CausalLmLoss.Result r = CausalLmLoss.compute(
                            model.hiddenStates(ForwardInput.of(ids, null)),
                            model.lmHeadWeight(),
                            ids,
                            CausalLmLoss.Options.defaults());
                    assertThat(r.loss()).isBetween(1.0, 10.0);
                    gc.backward(r.backwardTarget());
                }
                for (java.util.Map.Entry<String, Param> e : model.parameters().entrySet()) {
                    try (NDArray g = e.getValue().array().getGradient()) {
                        assertThat(g.abs().sum().getFloat())
                                .as(type + " " + e.getKey())
                                .isGreaterThan(0f);
                    }
                }
            }
        }
    }

    @Test
    void ropeScalingVariants() {
        ModelConfig llama3 = TinyModels.config(
                "llama",
                ",\"head_dim\":64,\"rope_scaling\":{\"rope_type\":\"llama3\","
                        + "\"factor\":8.0,\"low_freq_factor\":1.0,\"high_freq_factor\":4.0,"
                        + "\"original_max_position_embeddings\":8192},\"rope_theta\":500000.0");
        assertThat(llama3.rope().type()).isEqualTo(RopeType.LLAMA3);
        try (NDManager m = NDManager.newBaseManager()) {
            RotaryEmbedding r = new RotaryEmbedding(llama3.rope(), 64, 131072, m, DataType.FLOAT32);
            float[] inv = r.inverseFrequencies(16);
            double base0 = 1.0;
            // Highest frequency (wavelength 2*pi < 8192/4) is unchanged; lowest is divided by the factor.
            assertThat((double) inv[0]).isCloseTo(base0, org.assertj.core.data.Offset.offset(1e-7));
            double lowest = 1.0 / Math.pow(500000.0, 62.0 / 64);
            assertThat((double) inv[31]).isCloseTo(lowest / 8.0, org.assertj.core.data.Percentage.withPercentage(1e-3));

            ModelConfig yarn = TinyModels.config(
                    "qwen2",
                    ",\"rope_scaling\":{\"type\":\"yarn\",\"factor\":4.0,"
                            + "\"original_max_position_embeddings\":32768}");
            RotaryEmbedding y = new RotaryEmbedding(yarn.rope(), 8, 131072, m, DataType.FLOAT32);
            assertThat(y.attentionScaling())
                    .isCloseTo(0.1 * Math.log(4.0) + 1, org.assertj.core.data.Offset.offset(1e-12));

            ModelConfig linear = TinyModels.config("llama", ",\"rope_scaling\":{\"type\":\"linear\",\"factor\":2.0}");
            RotaryEmbedding l = new RotaryEmbedding(linear.rope(), 8, 64, m, DataType.FLOAT32);
            RotaryEmbedding d =
                    new RotaryEmbedding(TinyModels.config("llama", "").rope(), 8, 64, m, DataType.FLOAT32);
            assertThat(l.inverseFrequencies(8)[1]).isEqualTo(d.inverseFrequencies(8)[1] / 2f);

            ModelConfig dynamic = TinyModels.config("llama", ",\"rope_scaling\":{\"type\":\"dynamic\",\"factor\":2.0}");
            RotaryEmbedding dy = new RotaryEmbedding(dynamic.rope(), 8, 64, m, DataType.FLOAT32);
            assertThat(dy.inverseFrequencies(64)).containsExactly(d.inverseFrequencies(64));
            assertThat(dy.inverseFrequencies(128)[1]).isLessThan(d.inverseFrequencies(128)[1]);
        }
    }

    private static float[] lastLogits(CausalLm model, NDManager m, long[] ids, long[] mask, long[] pos) {
        float[] all = allLogits(model, m, ids, mask, pos);
        int v = model.config().vocabSize();
        return java.util.Arrays.copyOfRange(all, all.length - v, all.length);
    }

    private static float[] allLogits(CausalLm model, NDManager m, long[] ids, long[] mask) {
        return allLogits(model, m, ids, mask, null);
    }

    private static float[] allLogits(CausalLm model, NDManager m, long[] ids, long[] mask, long[] pos) {
        try (NDManager step = m.newSubManager()) {
            Shape s = new Shape(1, ids.length);
            NDArray in = step.create(ids, s);
            NDArray maskArr = mask == null ? null : step.create(mask, s);
            NDArray posArr = pos == null ? null : step.create(pos, s);
            return model.logits(model.hiddenStates(new ForwardInput(in, maskArr, posArr, null)))
                    .toFloatArray();
        }
    }

    private static double maxDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }
}
