package ai.llamafactory.peft.lora;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.loader.DjlModelLoader;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.nn.Param;
import ai.llamafactory.core.optim.AdamW;
import ai.llamafactory.core.optim.AdamWConfig;
import ai.llamafactory.core.optim.ParamGroup;
import ai.llamafactory.peft.PeftTestSupport;
import ai.llamafactory.testing.Conformance;
import ai.llamafactory.testing.TensorAssertions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * For every adapter folder under {@code adapters/} of the conformance root (base model: the {@code models/} folder
 * named like the adapter folder up to its last underscore): base + adapter logits (max abs diff at non-padded
 * positions &lt;= 2e-6) and loss (&lt;= 2e-6) equal PEFT's, merged logits equal {@code merged_logits} (&lt;= 2e-6),
 * the gradient of the loss with respect to every adapter tensor equals {@code grad.<name>} (&lt;= 1e-6 absolute),
 * and one AdamW step (lr 1e-2, betas 0.9/0.999, eps 1e-8, weight decay 0.01) over the adapter's parameters, from the
 * golden gradients as the reference step was (as the conformance README specifies), equals
 * {@code after_adamw.<name>} (&lt;= 1e-6). One test per folder; any model family, LoRA, rsLoRA or DoRA. Each bound
 * check prints the measured difference.
 */
class AdapterConformanceTest {
    /** Logits, merged logits and loss against PEFT's. */
    private static final double LOGITS_TOLERANCE = 2e-6;

    private static final double LOSS_TOLERANCE = 2e-6;
    /** Adapter gradients and the AdamW step. */
    private static final double GRADIENT_TOLERANCE = 1e-6;

    private static final double ADAMW_TOLERANCE = 1e-6;

    @TestFactory
    Stream<DynamicTest> everyConformanceAdapterMatchesPeft() {
        return Conformance.folders("adapters").stream()
                .map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
    }

    private static void check(Path dir) {
        DjlEngine.get();
        Path base = PeftTestSupport.baseModelOf(dir);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> g = Conformance.readGolden(dir.resolve("golden.safetensors"), m);
            NDArray mask = g.get("attention_mask");
            try (CausalLm model = DjlModelLoader.load(base, ComputePolicy.cpu())) {
                LoraModel lora = new LoraModel(model);
                lora.loadAdapter(LoraModel.DEFAULT_ADAPTER, dir, true);
                model.setTraining(true);

                PeftTestSupport.Forward f = PeftTestSupport.forward(model, g);
                double logitsDiff = PeftTestSupport.maxMaskedDiff(
                        f.logits(), g.get("logits").toFloatArray(), mask);
                double lossDiff = Math.abs(f.loss() - g.get("loss").getFloat());
                String name = dir.getFileName().toString();
                TensorAssertions.assertWithin(name + " logits", logitsDiff, LOGITS_TOLERANCE);
                TensorAssertions.assertWithin(name + " loss", lossDiff, LOSS_TOLERANCE);

                double loss = PeftTestSupport.backward(model, g);
                TensorAssertions.assertWithin(
                        name + " loss (train mode, backward)",
                        Math.abs(loss - g.get("loss").getFloat()),
                        LOSS_TOLERANCE);
                Map<String, Param> params = lora.adapterParameters(LoraModel.DEFAULT_ADAPTER);
                assertThat(params).isNotEmpty();
                Map<String, NDArray> arrays = new LinkedHashMap<>();
                double worstGrad = 0;
                for (Map.Entry<String, Param> e : params.entrySet()) {
                    String peft = PeftNames.inMemory(e.getKey());
                    NDArray expected = g.get("grad." + peft);
                    assertThat(expected).as("golden gradient of %s", peft).isNotNull();
                    float[] want = expected.toFloatArray();
                    float[] got;
                    try (NDArray grad = e.getValue().array().getGradient()) {
                        got = grad.toFloatArray();
                    }
                    double diff = TensorAssertions.maxAbsDiff(got, want);
                    assertThat(diff)
                            .as("gradient of %s: max diff (max |grad| %.3g)", peft, TensorAssertions.maxAbs(want))
                            .isLessThanOrEqualTo(GRADIENT_TOLERANCE);
                    worstGrad = Math.max(worstGrad, diff);
                    // The AdamW step starts from the golden gradient (as the reference did): its first step is
                    // lr * g / (|g| + eps), so for |g| ~ 1e-7 a float32 summation-order difference of 1e-9 in g
                    // already moves the result by ~1e-6; the optimizer is checked, the gradient was checked above.
                    try (NDArray grad = e.getValue().array().getGradient()) {
                        grad.subi(grad).addi(expected);
                    }
                    arrays.put(e.getKey(), e.getValue().array());
                }
                assertThat(g.keySet().stream()
                                .filter(k -> k.startsWith("grad."))
                                .count())
                        .as("every golden gradient has an adapter tensor")
                        .isEqualTo(params.size());

                ParamGroup all = ParamGroup.builder("all")
                        .params(arrays)
                        .weightDecay(0.01)
                        .build();
                double worstStep = 0;
                try (AdamW adamW = new AdamW(
                        List.of(all),
                        AdamWConfig.builder()
                                .beta1(0.9)
                                .beta2(0.999)
                                .epsilon(1e-8)
                                .build())) {
                    adamW.step(1e-2);
                }
                for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
                    String peft = PeftNames.inMemory(e.getKey());
                    float[] want = g.get("after_adamw." + peft).toFloatArray();
                    double diff = PeftTestSupport.maxDiff(e.getValue().toFloatArray(), want);
                    assertThat(diff).as("after AdamW, %s", peft).isLessThanOrEqualTo(ADAMW_TOLERANCE);
                    worstStep = Math.max(worstStep, diff);
                }
                TensorAssertions.assertWithin(
                        name + " adapter gradients (" + arrays.size() + " tensors)", worstGrad, GRADIENT_TOLERANCE);
                TensorAssertions.assertWithin(
                        name + " AdamW step (" + arrays.size() + " tensors)", worstStep, ADAMW_TOLERANCE);
            }
            try (CausalLm model = DjlModelLoader.load(base, ComputePolicy.cpu())) {
                LoraModel lora = new LoraModel(model);
                lora.loadAdapter(LoraModel.DEFAULT_ADAPTER, dir, false);
                CausalLm merged = lora.mergeAndUnload();
                assertThat(merged.parameters().keySet())
                        .allMatch(k -> !k.contains("lora_") && !k.contains("base_layer"));
                PeftTestSupport.Forward f = PeftTestSupport.forward(merged, g);
                double diff = PeftTestSupport.maxMaskedDiff(
                        f.logits(), g.get("merged_logits").toFloatArray(), mask);
                TensorAssertions.assertWithin(dir.getFileName() + " merged logits", diff, LOGITS_TOLERANCE);
            }
        }
    }
}
