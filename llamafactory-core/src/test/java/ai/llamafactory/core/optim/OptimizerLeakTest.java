package ai.llamafactory.core.optim;

import static ai.llamafactory.core.optim.OptimTestSupport.param;
import static ai.llamafactory.core.optim.OptimTestSupport.setGradientValues;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.llamafactory.api.config.LrSchedulerType;
import ai.llamafactory.core.engine.DjlEngine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** 100 training steps (gradients, clipping, schedule, optimizer) leave the number of live native arrays unchanged. */
class OptimizerLeakTest {

    static Stream<Arguments> optimizers() {
        Function<List<ParamGroup>, AbstractOptimizer> adamW = g -> new AdamW(g, AdamWConfig.defaults());
        Function<List<ParamGroup>, AbstractOptimizer> sgd =
                g -> new Sgd(g, SgdConfig.builder().momentum(0.9).nesterov(true).build());
        Function<List<ParamGroup>, AbstractOptimizer> adafactor =
                g -> new Adafactor(g, AdafactorConfig.builder().beta1(0.9).build());
        return Stream.of(Arguments.of("adamw", adamW), Arguments.of("sgd", sgd), Arguments.of("adafactor", adafactor));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void hundredStepsLeakNothing(String label, Function<List<ParamGroup>, AbstractOptimizer> factory) {
        NDManager system;
        try (NDManager probe = DjlEngine.get().newBaseManager()) {
            system = probe.getParentManager();
        }
        try (NDManager model = DjlEngine.get().newBaseManager()) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("model.layers.0.mlp.up_proj.weight", param(model, "w", new float[12], 3, 4));
            params.put("model.layers.0.mlp.up_proj.bias", param(model, "b", new float[3], 3));
            params.put("model.norm.weight", param(model, "n", new float[] {1f, 1f, 1f, 1f}, 4));
            List<ParamGroup> groups = ParamGroups.withWeightDecay(params, 0.01);
            LrScheduler scheduler = new LrScheduler(LrSchedule.builder(LrSchedulerType.COSINE, 1e-3)
                    .totalSteps(100)
                    .warmupRatio(0.1)
                    .build());
            try (AbstractOptimizer optimizer = factory.apply(groups)) {
                int modelArrays = -1;
                int stateArrays = -1;
                int systemArrays = -1;
                for (int step = 0; step < 100; step++) {
                    float[] gw = new float[12];
                    for (int i = 0; i < gw.length; i++) {
                        gw[i] = (float) Math.sin(step + i);
                    }
                    setGradientValues(
                            model,
                            params,
                            Map.of(
                                    "model.layers.0.mlp.up_proj.weight",
                                    gw,
                                    "model.layers.0.mlp.up_proj.bias",
                                    new float[] {0.1f, -0.2f, 0.3f},
                                    "model.norm.weight",
                                    new float[] {1f, 2f, 3f, 4f}));
                    GradientClipping.clipGlobalNorm(params.values(), 1.0);
                    optimizer.step(scheduler.currentLr());
                    scheduler.step();
                    if (step == 0) {
                        modelArrays = model.getManagedArrays().size();
                        stateArrays =
                                optimizer.stateManager().getManagedArrays().size();
                        systemArrays = system.getManagedArrays().size();
                        assertThat(stateArrays).isPositive();
                    }
                }
                assertThat(model.getManagedArrays())
                        .as("arrays in the model manager")
                        .hasSize(modelArrays);
                assertThat(optimizer.stateManager().getManagedArrays())
                        .as("arrays in the optimizer state")
                        .hasSize(stateArrays);
                assertThat(system.getManagedArrays())
                        .as("arrays in the whole process")
                        .hasSize(systemArrays);
                assertThat(optimizer.stepCount("model.norm.weight")).isEqualTo(100);
                System.out.printf(
                        "%s: 100 steps, live arrays model=%d state=%d process=%d%n",
                        label, modelArrays, stateArrays, systemArrays);
            }
        }
    }
}
