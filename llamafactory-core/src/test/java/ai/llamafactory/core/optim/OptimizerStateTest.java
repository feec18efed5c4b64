package ai.llamafactory.core.optim;

import static ai.llamafactory.core.optim.OptimTestSupport.param;
import static ai.llamafactory.core.optim.OptimTestSupport.setGradientValues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.llamafactory.api.config.OptimizerType;
import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.engine.NativeMemoryDebug;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Saving and restoring optimizer state by parameter name; continuation is bit-identical. */
class OptimizerStateTest {
    private static final float[] M0 = {0.5f, -1f, 0.25f, 2f, -0.75f, 1.5f};
    private static final float[] V0 = {0.3f, -0.6f, 0.9f};

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

    static Stream<Arguments> optimizers() {
        Function<List<ParamGroup>, Optimizer> adamW = g -> new AdamW(g, AdamWConfig.defaults());
        Function<List<ParamGroup>, Optimizer> sgd =
                g -> new Sgd(g, SgdConfig.builder().momentum(0.9).dampening(0.1).build());
        Function<List<ParamGroup>, Optimizer> adafactor = g -> new Adafactor(
                g, AdafactorConfig.builder().relativeStep(false).beta1(0.9).build());
        Function<List<ParamGroup>, Optimizer> adafactorRelative =
                g -> new Adafactor(g, AdafactorConfig.builder().warmupInit(true).build());
        return Stream.of(
                Arguments.of("adamw", adamW),
                Arguments.of("sgd", sgd),
                Arguments.of("adafactor", adafactor),
                Arguments.of("adafactor_relative", adafactorRelative));
    }

    private Map<String, NDArray> params(float[] m, float[] v) {
        Map<String, NDArray> p = new LinkedHashMap<>();
        p.put("model.m.weight", param(manager, "m", m, 2, 3));
        p.put("model.v.bias", param(manager, "v", v, 3));
        return p;
    }

    private static List<ParamGroup> groups(Map<String, NDArray> p) {
        return List.of(
                ParamGroup.builder("decay")
                        .param("model.m.weight", p.get("model.m.weight"))
                        .weightDecay(0.1)
                        .build(),
                ParamGroup.builder("no_decay")
                        .param("model.v.bias", p.get("model.v.bias"))
                        .lrMultiplier(2)
                        .build());
    }

    private static Map<String, float[]> gradsOf(int step) {
        float[] gm = new float[6];
        float[] gv = new float[3];
        for (int i = 0; i < 6; i++) {
            gm[i] = (float) Math.sin(1.3 * step + i) * (i + 1);
        }
        for (int i = 0; i < 3; i++) {
            gv[i] = (float) Math.cos(0.7 * step - i);
        }
        return Map.of("model.m.weight", gm, "model.v.bias", gv);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void savedStateContinuesBitIdentically(
            String label, Function<List<ParamGroup>, Optimizer> factory, @TempDir Path dir) {
        saveLoadAndContinue(factory, dir, 7, () -> {});
    }

    /**
     * Regression test for the resume crashes of issue 10: the state read back from disk must own its memory. It
     * used to live in direct buffers the garbage collector frees (DJL's NDList.decode, then an alias instead of a
     * copy); a collection after loading, and buffers of the same sizes reusing the freed memory, then turned the
     * AdamW moments into garbage.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void loadedStateSurvivesAGarbageCollection(
            String label, Function<List<ParamGroup>, Optimizer> factory, @TempDir Path dir) {
        List<java.nio.ByteBuffer> reuse = new java.util.ArrayList<>();
        saveLoadAndContinue(factory, dir, 5, () -> {
            NativeMemoryDebug.fullCollection("after loading optimizer state");
            for (int i = 0; i < 4096; i++) {
                java.nio.ByteBuffer junk = java.nio.ByteBuffer.allocateDirect(4 + (i % 64) * 4);
                while (junk.hasRemaining()) {
                    junk.put((byte) 0xFF); // NaN in every float
                }
                reuse.add(junk);
            }
        });
        assertThat(reuse).hasSize(4096);
    }

    /**
     * Steps an optimizer three times, saves its state, loads it into a second optimizer over a copy of the
     * parameters, runs {@code afterLoad}, then steps both up to {@code steps} and requires bit-identical parameters.
     */
    private void saveLoadAndContinue(
            Function<List<ParamGroup>, Optimizer> factory, Path dir, int steps, Runnable afterLoad) {
        Map<String, NDArray> a = params(M0, V0);
        try (Optimizer original = factory.apply(groups(a))) {
            for (int s = 0; s < 3; s++) {
                setGradientValues(manager, a, gradsOf(s));
                original.step(0.01 * (s + 1));
            }
            original.saveState(dir);
            assertThat(dir.resolve(OptimizerState.TENSOR_FILE)).isRegularFile();
            assertThat(dir.resolve(OptimizerState.META_FILE)).isRegularFile();

            Map<String, NDArray> b = params(
                    a.get("model.m.weight").toFloatArray(),
                    a.get("model.v.bias").toFloatArray());
            try (Optimizer resumed = factory.apply(groups(b))) {
                resumed.loadState(dir);
                assertThat(resumed.stepCount("model.m.weight")).isEqualTo(3);
                afterLoad.run();
                for (int s = 3; s < steps; s++) {
                    setGradientValues(manager, a, gradsOf(s));
                    setGradientValues(manager, b, gradsOf(s));
                    original.step(0.01 * (s + 1));
                    resumed.step(0.01 * (s + 1));
                    for (String name : a.keySet()) {
                        assertThat(b.get(name).toFloatArray())
                                .as("%s after step %d", name, s + 1)
                                .containsExactly(a.get(name).toFloatArray());
                    }
                }
            }
        }
    }

    @Test
    void freshOptimizerDiffersFromResumedOne() {
        Map<String, NDArray> a = params(M0, V0);
        Map<String, NDArray> b = params(M0, V0);
        try (AdamW first = new AdamW(groups(a), AdamWConfig.defaults());
                AdamW second = new AdamW(groups(b), AdamWConfig.defaults())) {
            for (int s = 0; s < 2; s++) {
                setGradientValues(manager, a, gradsOf(s));
                first.step(0.01);
            }
            // b starts from a's weights but with empty moments
            b.get("model.m.weight").set(a.get("model.m.weight").toFloatArray());
            b.get("model.v.bias").set(a.get("model.v.bias").toFloatArray());
            setGradientValues(manager, a, gradsOf(2));
            setGradientValues(manager, b, gradsOf(2));
            first.step(0.01);
            second.step(0.01);
            assertThat(b.get("model.m.weight").toFloatArray())
                    .isNotEqualTo(a.get("model.m.weight").toFloatArray());
        }
    }

    @Test
    void exportedSnapshotIsACopyKeyedByName() {
        Map<String, NDArray> a = params(M0, V0);
        try (AdamW adamW = new AdamW(groups(a), AdamWConfig.defaults());
                NDManager out = DjlEngine.get().newBaseManager()) {
            setGradientValues(manager, a, gradsOf(0));
            adamW.step(0.01);
            OptimizerState snapshot = adamW.exportState(out);
            float[] before =
                    snapshot.tensors().get("model.m.weight").get(AdamW.EXP_AVG).toFloatArray();
            setGradientValues(manager, a, gradsOf(1));
            adamW.step(0.01);
            assertThat(snapshot.tensors()
                            .get("model.m.weight")
                            .get(AdamW.EXP_AVG)
                            .toFloatArray())
                    .containsExactly(before);
            assertThat(snapshot.steps()).containsEntry("model.m.weight", 1L).containsEntry("model.v.bias", 1L);
            assertThat(snapshot.tensors().get("model.v.bias").keySet())
                    .containsExactlyInAnyOrder(AdamW.EXP_AVG, AdamW.EXP_AVG_SQ);
            // restoring the older snapshot rewinds the step counts
            adamW.loadState(snapshot);
            assertThat(adamW.stepCount("model.m.weight")).isEqualTo(1);
        }
    }

    @Test
    void rejectsStateThatDoesNotFit(@TempDir Path dir) throws IOException {
        Map<String, NDArray> a = params(M0, V0);
        try (AdamW adamW = new AdamW(groups(a), AdamWConfig.defaults());
                Sgd sgd = new Sgd(groups(a), SgdConfig.builder().momentum(0.9).build());
                NDManager out = DjlEngine.get().newBaseManager()) {
            setGradientValues(manager, a, gradsOf(0));
            sgd.step(0.01);
            OptimizerState sgdState = sgd.exportState(out);
            assertThatThrownBy(() -> adamW.loadState(sgdState))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("sgd")
                    .hasMessageContaining("adamw_torch");

            OptimizerState unknown =
                    new OptimizerState(OptimizerType.ADAMW_TORCH, Map.of("model.x.weight", 1L), Map.of());
            assertThatThrownBy(() -> adamW.loadState(unknown))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("model.x.weight");

            NDArray wrongShape = out.zeros(new Shape(3, 2));
            OptimizerState badShape = new OptimizerState(
                    OptimizerType.ADAMW_TORCH,
                    Map.of("model.m.weight", 1L),
                    Map.of("model.m.weight", Map.of(AdamW.EXP_AVG, wrongShape)));
            assertThatThrownBy(() -> adamW.loadState(badShape))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("model.m.weight:exp_avg")
                    .hasMessageContaining("(3, 2)");

            NDArray ok = out.zeros(new Shape(2, 3));
            OptimizerState badSlot = new OptimizerState(
                    OptimizerType.ADAMW_TORCH,
                    Map.of("model.m.weight", 1L),
                    Map.of("model.m.weight", Map.of("momentum_buffer", ok)));
            assertThatThrownBy(() -> adamW.loadState(badSlot))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("momentum_buffer");
            OptimizerState noSteps = new OptimizerState(
                    OptimizerType.ADAMW_TORCH, Map.of(), Map.of("model.m.weight", Map.of(AdamW.EXP_AVG, ok)));
            assertThatThrownBy(() -> adamW.loadState(noSteps))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("no step count");
            // nothing was changed by the rejected loads
            assertThat(adamW.stepCount("model.m.weight")).isZero();

            assertThatThrownBy(() -> adamW.loadState(dir))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(OptimizerState.META_FILE);
            sgd.saveState(dir);
            Files.writeString(dir.resolve(OptimizerState.META_FILE), "{\"format_version\": 7}");
            assertThatThrownBy(() -> sgd.loadState(dir))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("format_version");
            sgd.saveState(dir);
            NDArray stray = out.zeros(new Shape(1));
            stray.setName("no_separator");
            try (OutputStream os = Files.newOutputStream(dir.resolve(OptimizerState.TENSOR_FILE))) {
                new NDList(stray).encode(os, NDList.Encoding.SAFETENSORS);
            }
            assertThatThrownBy(() -> sgd.loadState(dir))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("no_separator");
        }
    }

    @Test
    void stateSavedBeforeTheFirstStepIsEmpty(@TempDir Path dir) {
        Map<String, NDArray> a = params(M0, V0);
        try (AdamW adamW = new AdamW(groups(a), AdamWConfig.defaults())) {
            adamW.saveState(dir);
            adamW.loadState(dir);
            assertThat(adamW.stepCount("model.m.weight")).isZero();
            setGradientValues(manager, a, gradsOf(0));
            adamW.step(0.01);
            assertThat(adamW.stepCount("model.m.weight")).isEqualTo(1);
        }
    }

    @Test
    void optimizerTypeKeys() {
        // one OptimizerType (the api's): the core maps each optim value to the algorithm it runs
        assertThat(Optimizer.algorithm(OptimizerType.fromKey("adamw_torch"))).isEqualTo(OptimizerType.ADAMW_TORCH);
        assertThat(Optimizer.algorithm(OptimizerType.fromKey("ADAMW_TORCH_FUSED")))
                .isEqualTo(OptimizerType.ADAMW_TORCH);
        assertThat(Optimizer.algorithm(OptimizerType.fromKey("adafactor"))).isEqualTo(OptimizerType.ADAFACTOR);
        assertThatThrownBy(() -> Optimizer.algorithm(OptimizerType.fromKey("adamw_8bit")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("adamw_8bit");
    }
}
