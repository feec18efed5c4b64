package ai.llamafactory.core.optim;

import static ai.llamafactory.core.optim.AdamWTest.assertClose;
import static ai.llamafactory.core.optim.OptimTestSupport.param;
import static ai.llamafactory.core.optim.OptimTestSupport.setGradientValues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.core.engine.DjlEngine;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Adafactor against transformers' Adafactor update evaluated in doubles. */
class AdafactorTest {
    private static final float[] W_MATRIX = {0.5f, -1.0f, 0.25f, 2.0f, -0.75f, 1.5f}; // 2 x 3
    private static final float[] W_VECTOR = {0.3f, -0.6f, 0.9f, 1.2f};
    private static final float[][] G_MATRIX = {
        {0.2f, -0.4f, 1.0f, 0.05f, -2.0f, 0.6f},
        {-0.1f, 0.3f, 0.7f, -0.9f, 0.4f, 0.02f},
        {1.2f, -0.5f, 0.0f, 0.3f, 0.8f, -0.6f}
    };
    private static final float[][] G_VECTOR = {
        {0.5f, -0.2f, 0.01f, 3.0f}, {-0.4f, 0.6f, 0.2f, -1.0f}, {0.1f, 0.1f, -0.3f, 0.5f}
    };

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

    /** transformers' Adafactor for one tensor (1-D or rows x cols), in doubles. */
    private static final class Reference {
        final double[] w;
        final int rows;
        final int cols;
        final double[] rowAvg;
        final double[] colAvg;
        final double[] avgSq;
        final double[] expAvg;
        final AdafactorConfig c;
        long t;

        Reference(float[] w0, int rows, int cols, AdafactorConfig c) {
            this.w = new double[w0.length];
            for (int i = 0; i < w0.length; i++) {
                w[i] = w0[i];
            }
            this.rows = rows;
            this.cols = cols;
            this.rowAvg = new double[rows];
            this.colAvg = new double[cols];
            this.avgSq = new double[w0.length];
            this.expAvg = new double[w0.length];
            this.c = c;
        }

        static double rms(double[] x) {
            double s = 0;
            for (double v : x) {
                s += v * v;
            }
            return Math.sqrt(s) / Math.sqrt(x.length);
        }

        void step(float[] gf, double lr, double wd) {
            t++;
            double[] g = new double[gf.length];
            for (int i = 0; i < g.length; i++) {
                g[i] = gf[i];
            }
            double rho = lr;
            if (c.relativeStep()) {
                double minStep = c.warmupInit() ? 1e-6 * t : 1e-2;
                rho = Math.min(minStep, 1.0 / Math.sqrt(t));
            }
            double alpha = c.scaleParameter() ? Math.max(c.eps2(), rms(w)) * rho : rho;
            double b2t = 1.0 - Math.pow(t, c.decayRate());
            double[] u = new double[g.length];
            if (rows > 1) {
                for (int r = 0; r < rows; r++) {
                    double mean = 0;
                    for (int k = 0; k < cols; k++) {
                        mean += (g[r * cols + k] * g[r * cols + k] + c.eps1()) / cols;
                    }
                    rowAvg[r] = b2t * rowAvg[r] + (1 - b2t) * mean;
                }
                for (int k = 0; k < cols; k++) {
                    double mean = 0;
                    for (int r = 0; r < rows; r++) {
                        mean += (g[r * cols + k] * g[r * cols + k] + c.eps1()) / rows;
                    }
                    colAvg[k] = b2t * colAvg[k] + (1 - b2t) * mean;
                }
                double rowMean = 0;
                for (double v : rowAvg) {
                    rowMean += v / rows;
                }
                for (int r = 0; r < rows; r++) {
                    for (int k = 0; k < cols; k++) {
                        u[r * cols + k] = g[r * cols + k] / Math.sqrt(rowAvg[r] / rowMean) / Math.sqrt(colAvg[k]);
                    }
                }
            } else {
                for (int i = 0; i < g.length; i++) {
                    avgSq[i] = b2t * avgSq[i] + (1 - b2t) * (g[i] * g[i] + c.eps1());
                    u[i] = g[i] / Math.sqrt(avgSq[i]);
                }
            }
            double scale = Math.max(1.0, rms(u) / c.clipThreshold());
            for (int i = 0; i < u.length; i++) {
                u[i] = u[i] / scale * alpha;
            }
            if (c.beta1().isPresent()) {
                double b1 = c.beta1().getAsDouble();
                for (int i = 0; i < u.length; i++) {
                    expAvg[i] = b1 * expAvg[i] + (1 - b1) * u[i];
                    u[i] = expAvg[i];
                }
            }
            for (int i = 0; i < w.length; i++) {
                w[i] += -wd * alpha * w[i];
                w[i] -= u[i];
            }
        }
    }

    private void runAgainstReference(AdafactorConfig cfg, double weightDecay, double[] lrs) {
        NDArray m = param(manager, "m", W_MATRIX, 2, 3);
        NDArray v = param(manager, "v", W_VECTOR, 4);
        Map<String, NDArray> params = Map.of("m", m, "v", v);
        Reference rm = new Reference(W_MATRIX, 2, 3, cfg);
        Reference rv = new Reference(W_VECTOR, 1, 4, cfg);
        try (Adafactor opt = new Adafactor(
                List.of(ParamGroup.builder("all")
                        .param("m", m)
                        .param("v", v)
                        .weightDecay(weightDecay)
                        .build()),
                cfg)) {
            for (int s = 0; s < lrs.length; s++) {
                setGradientValues(manager, params, Map.of("m", G_MATRIX[s], "v", G_VECTOR[s]));
                opt.step(lrs[s]);
                rm.step(G_MATRIX[s], lrs[s], weightDecay);
                rv.step(G_VECTOR[s], lrs[s], weightDecay);
                assertClose(m, rm.w, 2e-6);
                assertClose(v, rv.w, 2e-6);
            }
        }
    }

    @Test
    void trainerDefaultsUseTheGivenLearningRate() {
        runAgainstReference(AdafactorConfig.trainerDefaults(), 0.0, new double[] {1e-2, 5e-2, 2e-2});
    }

    @Test
    void classDefaultsUseRelativeStepAndParameterScale() {
        // lr is ignored with relative_step: rho = min(1e-2, 1/sqrt(t)) = 1e-2
        runAgainstReference(AdafactorConfig.builder().build(), 0.0, new double[] {123.0, 0.0, 7.0});
    }

    @Test
    void warmupInitBeta1WeightDecayAndTighterClip() {
        AdafactorConfig cfg = AdafactorConfig.builder()
                .warmupInit(true)
                .beta1(0.9)
                .clipThreshold(0.5)
                .decayRate(-0.6)
                .eps(1e-20, 1e-2)
                .build();
        runAgainstReference(cfg, 0.1, new double[] {0.0, 0.0, 0.0});
        runAgainstReference(
                AdafactorConfig.builder().relativeStep(false).beta1(0.5).build(), 0.05, new double[] {0.1, 0.2, 0.3});
    }

    @Test
    void handComputedFirstStepOfAVector() {
        // 1-D, t = 1: beta2_t = 1 - 1^-0.8 = 0, so V = g^2 + eps1 and u = g / |g| = sign(g);
        // rms(u) = 1 <= clip 1, so w = w - lr * sign(g)
        NDArray v = param(manager, "v", new float[] {1f, 1f}, 2);
        Map<String, NDArray> params = Map.of("v", v);
        try (Adafactor opt = new Adafactor(
                List.of(ParamGroup.builder("all").params(params).build()), AdafactorConfig.trainerDefaults())) {
            setGradientValues(manager, params, Map.of("v", new float[] {0.003f, -40f}));
            opt.step(0.1);
        }
        assertClose(v, new double[] {0.9, 1.1}, 1e-6);
    }

    @Test
    void factoredStateHasRowAndColumnShapes() {
        NDArray m = param(manager, "m", new float[24], 2, 3, 4);
        Map<String, NDArray> params = Map.of("m", m);
        try (Adafactor opt = new Adafactor(
                        List.of(ParamGroup.builder("all").params(params).build()), AdafactorConfig.trainerDefaults());
                NDManager out = DjlEngine.get().newBaseManager()) {
            float[] g = new float[24];
            for (int i = 0; i < g.length; i++) {
                g[i] = (i % 5) - 2.5f;
            }
            setGradientValues(manager, params, Map.of("m", g));
            opt.step(0.01);
            Map<String, NDArray> slots = opt.exportState(out).tensors().get("m");
            assertThat(slots.keySet()).containsExactlyInAnyOrder(Adafactor.EXP_AVG_SQ_ROW, Adafactor.EXP_AVG_SQ_COL);
            assertThat(slots.get(Adafactor.EXP_AVG_SQ_ROW).getShape()).isEqualTo(new Shape(2, 3));
            assertThat(slots.get(Adafactor.EXP_AVG_SQ_COL).getShape()).isEqualTo(new Shape(2, 4));
        }
    }

    @Test
    void warmupInitRequiresRelativeStep() {
        assertThatThrownBy(() -> AdafactorConfig.builder()
                        .relativeStep(false)
                        .warmupInit(true)
                        .build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("warmup_init");
        assertThatThrownBy(() -> AdafactorConfig.builder().decayRate(0.8).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("decay_rate");
    }
}
