package ai.llamafactory.core.optim;

import static ai.llamafactory.core.optim.AdamWTest.assertClose;
import static ai.llamafactory.core.optim.OptimTestSupport.param;
import static ai.llamafactory.core.optim.OptimTestSupport.setGradientValues;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.core.engine.DjlEngine;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SGD against torch.optim.SGD's update rule evaluated in doubles. */
class SgdTest {
    private static final float[] W0 = {1.0f, -2.0f, 0.5f};
    private static final float[][] GRADS = {
        {0.5f, -1.0f, 2.0f}, {-0.25f, 0.75f, 1.0f}, {1.5f, 0.0f, -3.0f}, {0.1f, 0.2f, 0.3f}
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

    @ParameterizedTest(name = "momentum={0} dampening={1} nesterov={2} weight_decay={3}")
    @CsvSource({
        "0.0, 0.0, false, 0.0",
        "0.0, 0.0, false, 0.1",
        "0.9, 0.0, false, 0.0",
        "0.9, 0.5, false, 0.0",
        "0.9, 0.0, true, 0.0",
        "0.8, 0.0, true, 0.05",
        "0.7, 0.3, false, 0.2"
    })
    void followsTorchSgd(double momentum, double dampening, boolean nesterov, double weightDecay) {
        double lr = 0.1;
        NDArray w = param(manager, "w", W0, 3);
        Map<String, NDArray> params = Map.of("w", w);
        double[] ref = {W0[0], W0[1], W0[2]};
        double[] buf = null;
        SgdConfig cfg = SgdConfig.builder()
                .momentum(momentum)
                .dampening(dampening)
                .nesterov(nesterov)
                .build();
        try (Sgd sgd = new Sgd(
                List.of(ParamGroup.builder("all")
                        .params(params)
                        .weightDecay(weightDecay)
                        .build()),
                cfg)) {
            for (float[] g : GRADS) {
                setGradientValues(manager, params, Map.of("w", g));
                sgd.step(lr);
                // torch.optim.SGD, written out
                double[] d = new double[3];
                for (int i = 0; i < 3; i++) {
                    d[i] = g[i] + weightDecay * ref[i];
                }
                if (momentum != 0) {
                    if (buf == null) {
                        buf = d.clone();
                    } else {
                        for (int i = 0; i < 3; i++) {
                            buf[i] = momentum * buf[i] + (1 - dampening) * d[i];
                        }
                    }
                    for (int i = 0; i < 3; i++) {
                        d[i] = nesterov ? d[i] + momentum * buf[i] : buf[i];
                    }
                }
                for (int i = 0; i < 3; i++) {
                    ref[i] -= lr * d[i];
                }
                assertClose(w, ref, 1e-6);
            }
        }
    }

    @Test
    void handComputedMomentumExample() {
        // w = 1, g = 1 twice, lr 0.1, momentum 0.9: buf 1 then 1.9; w = 1 - 0.1 - 0.19 = 0.71
        NDArray w = param(manager, "w", new float[] {1f}, 1);
        Map<String, NDArray> params = Map.of("w", w);
        try (Sgd sgd = new Sgd(
                List.of(ParamGroup.builder("all").params(params).build()),
                SgdConfig.builder().momentum(0.9).build())) {
            for (int s = 0; s < 2; s++) {
                setGradientValues(manager, params, Map.of("w", new float[] {1f}));
                sgd.step(0.1);
            }
            assertClose(w, new double[] {0.71}, 1e-7);
            // Nesterov from the same start: d = g + 0.9 buf -> 1.9 then 1 + 0.9*1.9 = 2.71; w = 1 - 0.19 - 0.271
        }
        NDArray v = param(manager, "v", new float[] {1f}, 1);
        Map<String, NDArray> p2 = Map.of("v", v);
        try (Sgd sgd = new Sgd(
                List.of(ParamGroup.builder("all").params(p2).build()),
                SgdConfig.builder().momentum(0.9).nesterov(true).build())) {
            for (int s = 0; s < 2; s++) {
                setGradientValues(manager, p2, Map.of("v", new float[] {1f}));
                sgd.step(0.1);
            }
            assertClose(v, new double[] {0.539}, 1e-7);
        }
    }

    @Test
    void nesterovNeedsMomentumWithoutDampening() {
        assertThatThrownBy(() -> SgdConfig.builder().nesterov(true).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("nesterov");
        assertThatThrownBy(() -> SgdConfig.builder()
                        .momentum(0.9)
                        .dampening(0.1)
                        .nesterov(true)
                        .build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("dampening 0.1");
        assertThatThrownBy(() -> SgdConfig.builder().momentum(-1).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("momentum");
    }
}
