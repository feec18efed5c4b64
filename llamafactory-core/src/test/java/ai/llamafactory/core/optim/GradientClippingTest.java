package ai.llamafactory.core.optim;

import static ai.llamafactory.core.optim.OptimTestSupport.doubles;
import static ai.llamafactory.core.optim.OptimTestSupport.param;
import static ai.llamafactory.core.optim.OptimTestSupport.setGradientValues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.llamafactory.core.engine.DjlEngine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** clip_grad_norm_ semantics: global L2 norm, scale by max/(norm+1e-6) only when below 1, norm returned. */
class GradientClippingTest {
    private NDManager manager;
    private Map<String, NDArray> params;

    @BeforeEach
    void open() {
        manager = DjlEngine.get().newBaseManager();
        params = new LinkedHashMap<>();
        params.put("a", param(manager, "a", new float[] {0f, 0f}, 2));
        params.put("b", param(manager, "b", new float[] {0f}, 1));
    }

    @AfterEach
    void close() {
        if (manager != null) {
            manager.close();
        }
    }

    private double[] grad(String name) {
        try (NDArray g = JniUtils.getGradient((PtNDArray) params.get(name))) {
            return doubles(g);
        }
    }

    @Test
    void scalesAllGradientsWhenTheGlobalNormExceedsTheLimit() {
        setGradientValues(manager, params, Map.of("a", new float[] {3f, -4f}, "b", new float[] {12f}));
        double norm = GradientClipping.clipGlobalNorm(params.values(), 1.0);
        assertThat(norm).isCloseTo(13.0, within(1e-6));
        double coef = 1.0 / (13.0 + 1e-6);
        assertThat(grad("a")).containsExactly(new double[] {3 * coef, -4 * coef}, within(1e-7));
        assertThat(grad("b")).containsExactly(new double[] {12 * coef}, within(1e-7));
        // the clipped global norm is max_norm
        assertThat(GradientClipping.globalNorm(params.values())).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void leavesGradientsAloneBelowTheLimit() {
        setGradientValues(manager, params, Map.of("a", new float[] {3f, -4f}, "b", new float[] {12f}));
        assertThat(GradientClipping.clipGlobalNorm(params.values(), 20.0)).isCloseTo(13.0, within(1e-6));
        assertThat(grad("a")).containsExactly(3.0, -4.0);
        assertThat(grad("b")).containsExactly(12.0);
    }

    @Test
    void clipsNegativeGradientsToo() {
        // DJL's optClipGrad only clamps from above; the global norm treats signs alike
        setGradientValues(manager, params, Map.of("a", new float[] {-5f, -5f}, "b", new float[] {-5f}));
        double norm = GradientClipping.clipGlobalNorm(params.values(), 1.0);
        assertThat(norm).isCloseTo(Math.sqrt(75), within(1e-5));
        double expected = -5.0 / (Math.sqrt(75) + 1e-6);
        assertThat(grad("a")).containsExactly(new double[] {expected, expected}, within(1e-7));
        assertThat(grad("b")).containsExactly(new double[] {expected}, within(1e-7));
    }

    @Test
    void nonFiniteNormIsReturnedAndGradientsAreUntouched() {
        setGradientValues(manager, params, Map.of("a", new float[] {Float.NaN, 1f}, "b", new float[] {2f}));
        assertThat(GradientClipping.clipGlobalNorm(params.values(), 1.0)).isNaN();
        assertThat(grad("b")).containsExactly(2.0);
        assertThat(grad("a")[1]).isEqualTo(1.0);

        NDArray c = param(manager, "c", new float[] {0f}, 1);
        NDArray d = param(manager, "d", new float[] {0f}, 1);
        Map<String, NDArray> cd = Map.of("c", c, "d", d);
        setGradientValues(manager, cd, Map.of("c", new float[] {Float.POSITIVE_INFINITY}, "d", new float[] {3f}));
        assertThat(GradientClipping.clipGlobalNorm(cd.values(), 1.0)).isInfinite();
        try (NDArray g = JniUtils.getGradient((PtNDArray) d)) {
            assertThat(doubles(g)).containsExactly(3.0);
        }
    }

    @Test
    void parametersWithoutGradientAreIgnored() {
        assertThat(GradientClipping.clipGlobalNorm(params.values(), 1.0)).isZero();
        assertThat(GradientClipping.clipGlobalNorm(List.of(), 1.0)).isZero();
        setGradientValues(manager, params, Map.of("b", new float[] {-2f}));
        assertThat(GradientClipping.clipGlobalNorm(params.values(), 1.0)).isCloseTo(2.0, within(1e-6));
        assertThat(grad("b")[0]).isCloseTo(-1.0, within(1e-6));
    }

    @Test
    void leavesNoArraysBehindAndRejectsBadLimits() {
        setGradientValues(manager, params, Map.of("a", new float[] {3f, -4f}, "b", new float[] {12f}));
        int before = manager.getManagedArrays().size();
        for (int i = 0; i < 20; i++) {
            GradientClipping.clipGlobalNorm(params.values(), 0.5);
        }
        assertThat(manager.getManagedArrays()).hasSize(before);
        assertThatThrownBy(() -> GradientClipping.clipGlobalNorm(params.values(), 0.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max_grad_norm");
        assertThatThrownBy(() -> GradientClipping.clipGlobalNorm(params.values(), Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
