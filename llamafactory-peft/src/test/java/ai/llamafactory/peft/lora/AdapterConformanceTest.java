package ai.llamafactory.peft.lora;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.llamafactory.core.Conformance;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.loader.DjlModelLoader;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.nn.Param;
import ai.llamafactory.core.optim.AdamW;
import ai.llamafactory.core.optim.AdamWConfig;
import ai.llamafactory.core.optim.ParamGroup;
import ai.llamafactory.peft.PeftTestSupport;
import java.nio.file.Files;
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
 * positions &lt;= 1e-4) and loss (&lt;= 1e-5) equal PEFT's, merged logits equal {@code merged_logits} (&lt;= 1e-4),
 * the gradient of the loss with respect to every adapter tensor equals {@code grad.<name>} (&lt;= 1e-5 absolute or
 * 1e-4 relative), and one AdamW step (lr 1e-2, betas 0.9/0.999, eps 1e-8, weight decay 0.01) over the adapter's
 * parameters, from the golden gradients as the reference step was, equals {@code after_adamw.<name>} (&lt;= 1e-6). One test per folder; any model family, LoRA, rsLoRA or DoRA.
 */
class AdapterConformanceTest {

    @TestFactory
    Stream<DynamicTest> everyConformanceAdapterMatchesPeft() {
        Conformance.requireFolder("adapters");
        return Conformance.folders("adapters").stream()
                .filter(d -> Files.isRegularFile(d.resolve("golden.safetensors")))
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
                double logitsDiff = PeftTestSupport.maxMaskedDiff(f.logits(), g.get("logits").toFloatArray(), mask);
                double lossDiff = Math.abs(f.loss() - g.get("loss").getFloat());
                assertThat(logitsDiff).as("max |logits - golden|").isLessThanOrEqualTo(1e-4);
                assertThat(lossDiff).as("|loss - golden|").isLessThanOrEqualTo(1e-5);

                double loss = PeftTestSupport.backward(model, g);
                assertThat(Math.abs(loss - g.get("loss").getFloat())).isLessThanOrEqualTo(1e-5);
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
                    double diff = PeftTestSupport.maxDiff(got, want);
                    double scale = PeftTestSupport.maxAbs(want);
                    assertThat(diff <= 1e-5 || diff <= 1e-4 * scale)
                            .as("gradient of %s: max diff %.3g (max |grad| %.3g)", peft, diff, scale).isTrue();
                    worstGrad = Math.max(worstGrad, diff);
                    // The AdamW step starts from the golden gradient (as the reference did): its first step is
                    // lr * g / (|g| + eps), so for |g| ~ 1e-7 a float32 summation-order difference of 1e-9 in g
                    // already moves the result by ~1e-6; the optimizer is checked, the gradient was checked above.
                    try (NDArray grad = e.getValue().array().getGradient()) {
                        grad.subi(grad).addi(expected);
                    }
                    arrays.put(e.getKey(), e.getValue().array());
                }
                assertThat(g.keySet().stream().filter(k -> k.startsWith("grad.")).count())
                        .as("every golden gradient has an adapter tensor").isEqualTo(params.size());

                ParamGroup all = ParamGroup.builder("all").params(arrays).weightDecay(0.01).build();
                double worstStep = 0;
                try (AdamW adamW = new AdamW(List.of(all), AdamWConfig.builder().beta1(0.9).beta2(0.999)
                        .epsilon(1e-8).build())) {
                    adamW.step(1e-2);
                }
                for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
                    String peft = PeftNames.inMemory(e.getKey());
                    float[] want = g.get("after_adamw." + peft).toFloatArray();
                    double diff = PeftTestSupport.maxDiff(e.getValue().toFloatArray(), want);
                    assertThat(diff).as("after AdamW, %s", peft).isLessThanOrEqualTo(1e-6);
                    worstStep = Math.max(worstStep, diff);
                }
                System.out.printf("%s: max|logits - golden| = %.3g, |loss - golden| = %.3g, max grad diff = %.3g, "
                        + "max AdamW diff = %.3g (%d tensors)%n", dir.getFileName(), logitsDiff, lossDiff, worstGrad,
                        worstStep, arrays.size());
            }
            try (CausalLm model = DjlModelLoader.load(base, ComputePolicy.cpu())) {
                LoraModel lora = new LoraModel(model);
                lora.loadAdapter(LoraModel.DEFAULT_ADAPTER, dir, false);
                CausalLm merged = lora.mergeAndUnload();
                assertThat(merged.parameters().keySet()).allMatch(k -> !k.contains("lora_") && !k.contains("base_layer"));
                PeftTestSupport.Forward f = PeftTestSupport.forward(merged, g);
                double diff = PeftTestSupport.maxMaskedDiff(f.logits(), g.get("merged_logits").toFloatArray(), mask);
                System.out.printf("%s: max|merged logits - golden| = %.3g%n", dir.getFileName(), diff);
                assertThat(diff).as("max |merged logits - golden|").isLessThanOrEqualTo(1e-4);
            }
        }
    }
}
