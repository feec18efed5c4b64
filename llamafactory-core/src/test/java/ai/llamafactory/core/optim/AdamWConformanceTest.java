package ai.llamafactory.core.optim;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.testing.Conformance;
import ai.llamafactory.testing.TensorAssertions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One AdamW step on the PEFT adapters of the conformance data equals torch.optim.AdamW (lr 1e-2, betas 0.9/0.999,
 * eps 1e-8, weight decay 0.01) within 1e-6, one case per folder under {@code adapters/}. As the conformance README
 * specifies, the step starts from the saved adapter and the golden gradients ({@code grad.<peft name>}); the gradients
 * themselves are checked by peft's {@code AdapterConformanceTest}. Golden tensors are looked up by PEFT's in-memory
 * names, which for a DoRA magnitude vector is {@code ...lora_magnitude_vector.default.weight}.
 */
class AdamWConformanceTest {
    /** Measured max |java - torch|: 1.5e-8 on each of the three adapters (fp32, CPU). */
    private static final double TOLERANCE = 1e-6;

    /** @return the adapter folders of the conformance data (fails when there is none) */
    static Stream<String> adapterFolders() {
        return Conformance.folders("adapters").stream().map(p -> p.getFileName().toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("adapterFolders")
    void oneStepMatchesTorchAdamW(String folder) {
        Path dir = Conformance.requireFolder("adapters/" + folder);
        try (NDManager manager = DjlEngine.get().newBaseManager()) {
            Map<String, NDArray> adapter = Conformance.readGolden(dir.resolve("adapter_model.safetensors"), manager);
            Map<String, NDArray> golden = Conformance.readGolden(dir.resolve("golden.safetensors"), manager);
            check(folder, manager, adapter, golden);
        }
    }

    /**
     * The conformance adapters are plain LoRA, so this case gives llama_lora DoRA magnitude vectors named as PEFT
     * saves them ({@code ...lora_magnitude_vector}): for each {@code lora_B} [out, r], its first column with torch's
     * gradient and torch's AdamW result for that column. AdamW's step is elementwise, so those are exactly the
     * reference values of a vector holding them; the case fails unless the gradients are found under PEFT's
     * {@code ...lora_magnitude_vector.default.weight} names.
     */
    @Test
    void doraMagnitudeVectorsStepLikeTorch() {
        Path dir = Conformance.requireFolder("adapters/llama_lora");
        try (NDManager manager = DjlEngine.get().newBaseManager()) {
            Map<String, NDArray> adapter = Conformance.readGolden(dir.resolve("adapter_model.safetensors"), manager);
            Map<String, NDArray> golden = Conformance.readGolden(dir.resolve("golden.safetensors"), manager);
            Map<String, NDArray> magnitudes = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : adapter.entrySet()) {
                String saved = e.getKey();
                if (!saved.endsWith(".lora_B.weight")) {
                    continue;
                }
                String magnitude =
                        saved.substring(0, saved.length() - ".lora_B.weight".length()) + ".lora_magnitude_vector";
                magnitudes.put(magnitude, column0(e.getValue(), magnitude));
                for (String kind : List.of("grad.", "after_adamw.")) {
                    NDArray reference = golden.get(kind + peftName(saved));
                    assertThat(reference)
                            .as("golden %s%s", kind, peftName(saved))
                            .isNotNull();
                    golden.put(kind + peftName(magnitude), column0(reference, kind + peftName(magnitude)));
                }
            }
            assertThat(magnitudes).hasSize(14);
            adapter.putAll(magnitudes);
            check("llama_lora + DoRA magnitude vectors", manager, adapter, golden);
        }
    }

    @Test
    void peftNamesOfSavedAdapterTensors() {
        assertThat(peftName("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"))
                .isEqualTo("base_model.model.model.layers.0.self_attn.q_proj.lora_A.default.weight");
        assertThat(peftName("base_model.model.model.layers.0.self_attn.q_proj.lora_magnitude_vector"))
                .isEqualTo("base_model.model.model.layers.0.self_attn.q_proj.lora_magnitude_vector.default.weight");
    }

    /**
     * PEFT's in-memory name of a tensor of {@code adapter_model.safetensors}: {@code ...lora_A.weight ->
     * ...lora_A.default.weight}; a DoRA magnitude, saved as {@code ...lora_magnitude_vector}, is
     * {@code ...lora_magnitude_vector.default.weight} (a module with a {@code weight} since PEFT 0.12).
     */
    static String peftName(String savedName) {
        if (savedName.endsWith(".lora_magnitude_vector")) {
            return savedName + ".default.weight";
        }
        int dot = savedName.lastIndexOf('.');
        return savedName.substring(0, dot) + ".default" + savedName.substring(dot);
    }

    private static NDArray column0(NDArray matrix, String name) {
        NDArray column = matrix.get(":, 0").duplicate();
        column.setName(name);
        return column;
    }

    private static void check(
            String label, NDManager manager, Map<String, NDArray> adapter, Map<String, NDArray> golden) {
        Map<String, NDArray> params = new LinkedHashMap<>();
        Map<String, NDArray> grads = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : adapter.entrySet()) {
            NDArray g = golden.get("grad." + peftName(e.getKey()));
            assertThat(g)
                    .as("golden gradient grad.%s (%s)", peftName(e.getKey()), label)
                    .isNotNull();
            e.getValue().setRequiresGradient(true);
            params.put(e.getKey(), e.getValue());
            grads.put(e.getKey(), g);
        }
        assertThat(params).isNotEmpty();
        assertThat(golden.keySet().stream().filter(k -> k.startsWith("grad.")).count())
                .as("every golden gradient has an adapter tensor (%s)", label)
                .isEqualTo(params.size());
        OptimTestSupport.setGradients(manager, params, grads);

        ParamGroup all =
                ParamGroup.builder("all").params(params).weightDecay(0.01).build();
        try (AdamW adamW = new AdamW(
                List.of(all),
                AdamWConfig.builder().beta1(0.9).beta2(0.999).epsilon(1e-8).build())) {
            adamW.step(1e-2);
            for (String name : params.keySet()) {
                assertThat(adamW.stepCount(name)).isEqualTo(1);
            }
        }
        double worst = 0;
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray expected = golden.get("after_adamw." + peftName(e.getKey()));
            assertThat(expected)
                    .as("golden after_adamw.%s", peftName(e.getKey()))
                    .isNotNull();
            double diff = TensorAssertions.maxAbsDiff(e.getValue(), expected);
            assertThat(diff).as("max |java - torch| of %s", e.getKey()).isLessThanOrEqualTo(TOLERANCE);
            worst = Math.max(worst, diff);
            try (NDArray g = JniUtils.getGradient((PtNDArray) e.getValue())) {
                assertThat(g.abs().max().getFloat())
                        .as("gradient of %s zeroed", e.getKey())
                        .isZero();
            }
        }
        TensorAssertions.assertWithin("AdamW step " + label + " (" + params.size() + " tensors)", worst, TOLERANCE);
    }
}
