package ai.llamafactory.core.optim;

import static ai.llamafactory.core.optim.OptimTestSupport.doubles;
import static ai.llamafactory.core.optim.OptimTestSupport.param;
import static ai.llamafactory.core.optim.OptimTestSupport.setGradientValues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.core.engine.DjlEngine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** AdamW against torch.optim.AdamW's formulas evaluated in doubles. */
class AdamWTest {
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = DjlEngine.get().newBaseManager();
    }

    @AfterEach
    void close() {
        if (manager != null) {
            manager.close();
        }
    }

    /** torch.optim.AdamW for one tensor, in doubles. */
    private static final class Reference {
        final double[] w;
        final double[] m;
        final double[] v;
        final double b1;
        final double b2;
        final double eps;
        long t;

        Reference(double[] w, double b1, double b2, double eps) {
            this.w = w.clone();
            this.m = new double[w.length];
            this.v = new double[w.length];
            this.b1 = b1;
            this.b2 = b2;
            this.eps = eps;
        }

        void step(double[] g, double lr, double wd) {
            t++;
            for (int i = 0; i < w.length; i++) {
                w[i] *= 1 - lr * wd;
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                w[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @Test
    void groupsWithMultiplierAbsoluteLrAndWeightDecayFollowTorchOverSeveralSteps() {
        float[] a0 = {0.5f, -1.25f, 2.0f, 0.001f};
        float[] b0 = {-0.3f, 0.7f};
        float[] c0 = {1.5f, -2.5f, 0.25f};
        NDArray a = param(manager, "a", a0, 2, 2);
        NDArray b = param(manager, "b", b0, 2);
        NDArray c = param(manager, "c", c0, 3);
        Map<String, NDArray> params = new LinkedHashMap<>(Map.of("a", a, "b", b, "c", c));
        List<ParamGroup> groups = List.of(
                ParamGroup.builder("decay").param("a", a).weightDecay(0.1).build(),
                ParamGroup.builder("lora_b").param("b", b).lrMultiplier(4.0).build(),
                ParamGroup.builder("fixed")
                        .param("c", c)
                        .absoluteLr(1e-3)
                        .weightDecay(0.5)
                        .build());
        AdamWConfig cfg =
                AdamWConfig.builder().beta1(0.8).beta2(0.95).epsilon(1e-6).build();
        Reference ra = new Reference(toDoubles(a0), 0.8, 0.95, 1e-6);
        Reference rb = new Reference(toDoubles(b0), 0.8, 0.95, 1e-6);
        Reference rc = new Reference(toDoubles(c0), 0.8, 0.95, 1e-6);
        double[] baseLrs = {1e-2, 5e-3, 2e-2, 1e-2, 0.0};
        try (AdamW adamW = new AdamW(groups, cfg)) {
            for (int s = 0; s < baseLrs.length; s++) {
                float[] ga = {0.1f * (s + 1), -0.02f, 3.0f - s, -1e-4f};
                float[] gb = {-0.5f + 0.2f * s, 0.25f};
                float[] gc = {0.01f, -0.03f * s, 1.0f};
                setGradientValues(manager, params, Map.of("a", ga, "b", gb, "c", gc));
                adamW.step(baseLrs[s]);
                ra.step(toDoubles(ga), baseLrs[s], 0.1);
                rb.step(toDoubles(gb), baseLrs[s] * 4.0, 0.0);
                rc.step(toDoubles(gc), 1e-3, 0.5);
                assertClose(a, ra.w, 2e-6);
                assertClose(b, rb.w, 2e-6);
                assertClose(c, rc.w, 2e-6);
            }
            assertThat(adamW.stepCount("a")).isEqualTo(5);
        }
    }

    @Test
    void parameterWithoutGradientIsSkippedAndKeepsItsOwnStepCount() {
        float[] a0 = {1f, 2f};
        float[] b0 = {-1f, 0.5f};
        NDArray a = param(manager, "a", a0, 2);
        NDArray b = param(manager, "b", b0, 2);
        Map<String, NDArray> params = Map.of("a", a, "b", b);
        Reference ra = new Reference(toDoubles(a0), 0.9, 0.999, 1e-8);
        Reference rb = new Reference(toDoubles(b0), 0.9, 0.999, 1e-8);
        try (AdamW adamW = new AdamW(
                List.of(ParamGroup.builder("all")
                        .params(new LinkedHashMap<>(params))
                        .weightDecay(0.01)
                        .build()),
                AdamWConfig.defaults())) {
            for (int s = 0; s < 3; s++) {
                float[] ga = {0.3f, -0.7f * (s + 1)};
                setGradientValues(manager, params, Map.of("a", ga));
                adamW.step(0.05);
                ra.step(toDoubles(ga), 0.05, 0.01);
            }
            assertThat(doubles(b)).containsExactly(-1.0, 0.5);
            assertThat(adamW.stepCount("a")).isEqualTo(3);
            assertThat(adamW.stepCount("b")).isZero();

            // b's first gradient: its bias correction uses t = 1, not the optimizer's 4th step
            float[] ga = {0.1f, 0.1f};
            float[] gb = {2f, -3f};
            setGradientValues(manager, params, Map.of("a", ga, "b", gb));
            adamW.step(0.05);
            ra.step(toDoubles(ga), 0.05, 0.01);
            rb.step(toDoubles(gb), 0.05, 0.01);
            assertClose(a, ra.w, 1e-6);
            assertClose(b, rb.w, 1e-6);
            assertThat(adamW.stepCount("b")).isEqualTo(1);
        }
    }

    @Test
    void stepZeroesGradientsAndRestoresGradMode() {
        NDArray a = param(manager, "a", new float[] {1f, 2f}, 2);
        Map<String, NDArray> params = Map.of("a", a);
        try (AdamW adamW =
                new AdamW(List.of(ParamGroup.builder("all").params(params).build()), AdamWConfig.defaults())) {
            setGradientValues(manager, params, Map.of("a", new float[] {5f, -5f}));
            DjlEngine.setGradMode(true);
            adamW.step(0.1);
            assertThat(DjlEngine.isGradMode()).isTrue();
            DjlEngine.setGradMode(false);
            adamW.step(0.1);
            assertThat(DjlEngine.isGradMode()).isFalse();
            try (NDArray g = JniUtils.getGradient((PtNDArray) a)) {
                assertThat(doubles(g)).containsExactly(0.0, 0.0);
            }
            // zero gradient after the reset: the second step still moved the weight (momentum), as torch does
            assertThat(adamW.stepCount("a")).isEqualTo(2);
        }
    }

    @Test
    void zeroGradClearsWithoutUpdating() {
        NDArray a = param(manager, "a", new float[] {1f, 2f}, 2);
        Map<String, NDArray> params = Map.of("a", a);
        try (AdamW adamW =
                new AdamW(List.of(ParamGroup.builder("all").params(params).build()), AdamWConfig.defaults())) {
            setGradientValues(manager, params, Map.of("a", new float[] {5f, -5f}));
            adamW.zeroGrad();
            try (NDArray g = JniUtils.getGradient((PtNDArray) a)) {
                assertThat(doubles(g)).containsExactly(0.0, 0.0);
            }
            assertThat(doubles(a)).containsExactly(1.0, 2.0);
            assertThat(adamW.stepCount("a")).isZero();
        }
    }

    @Test
    void fp16WeightsKeepFp32Moments() {
        NDArray a = manager.create(new float[] {0.5f, -1f, 2f, 4f}).toType(DataType.FLOAT16, false);
        a.setRequiresGradient(true);
        Map<String, NDArray> params = Map.of("a", a);
        float[] g = {1e-3f, -2f, 0.5f, 3e-5f};
        Reference ref = new Reference(new double[] {0.5, -1, 2, 4}, 0.9, 0.999, 1e-8);
        try (AdamW adamW = new AdamW(
                        List.of(ParamGroup.builder("all")
                                .params(params)
                                .weightDecay(0.01)
                                .build()),
                        AdamWConfig.defaults());
                NDManager out = DjlEngine.get().newBaseManager()) {
            setGradientValues(manager, params, Map.of("a", g));
            adamW.step(0.1);
            ref.step(toDoubles(g), 0.1, 0.01);
            assertThat(a.getDataType()).isEqualTo(DataType.FLOAT16);
            assertClose(a, ref.w, 2e-3);
            OptimizerState state = adamW.exportState(out);
            NDArray v = state.tensors().get("a").get(AdamW.EXP_AVG_SQ);
            assertThat(v.getDataType()).isEqualTo(DataType.FLOAT32);
            // (1 - 0.999) * (3e-5)^2 ~ 9e-13 (the fp16 gradient is ~2.998e-5) is below fp16's smallest subnormal; fp32
            // keeps it
            assertThat(v.toFloatArray()[3]).isCloseTo(9e-13f, withinPercentage(1));
        }
    }

    @Test
    void rejectsInvalidConfigurationAndParameters() {
        assertThatThrownBy(() -> AdamWConfig.builder().beta1(1.0).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("adam_beta1")
                .hasMessageContaining("1.0");
        assertThatThrownBy(() -> AdamWConfig.builder().epsilon(-1).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("adam_epsilon");
        NDArray frozen = manager.create(new float[] {1f});
        assertThatThrownBy(() -> new AdamW(
                        List.of(ParamGroup.builder("g").param("frozen", frozen).build()), AdamWConfig.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("frozen");
        NDArray a = param(manager, "a", new float[] {1f}, 1);
        assertThatThrownBy(() -> new AdamW(
                        List.of(
                                ParamGroup.builder("g1").param("a", a).build(),
                                ParamGroup.builder("g2").param("a2", a).build()),
                        AdamWConfig.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same array");
        assertThatThrownBy(() -> ParamGroup.builder("g").weightDecay(-0.1))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("weight_decay");
        AdamW adamW = new AdamW(List.of(ParamGroup.builder("g").param("a", a).build()), AdamWConfig.defaults());
        assertThatThrownBy(() -> adamW.step(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        adamW.close();
        adamW.close(); // idempotent
        assertThatThrownBy(() -> adamW.step(0.1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    static void assertClose(NDArray actual, double[] expected, double tolerance) {
        double[] got = doubles(actual);
        assertThat(got).hasSameSizeAs(expected);
        for (int i = 0; i < got.length; i++) {
            assertThat(got[i]).as("element %d", i).isCloseTo(expected[i], within(tolerance));
        }
    }
}
