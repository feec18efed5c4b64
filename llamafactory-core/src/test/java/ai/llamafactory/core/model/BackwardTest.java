package ai.llamafactory.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.loader.DjlModelLoader;
import ai.llamafactory.core.loss.CausalLmLoss;
import ai.llamafactory.core.nn.Param;
import ai.llamafactory.testing.Conformance;
import ai.llamafactory.testing.TensorAssertions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chunked loss's analytic gradient must equal plain autograd through the full logits (log-softmax + gather +
 * masked mean), for every parameter, with tied (qwen3) and untied (llama, phi3) output projections; frozen
 * parameters get no gradient.
 */
class BackwardTest {

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen3", "phi3"})
    void chunkedLossGradientEqualsAutograd(String name) {
        DjlEngine.get();
        Path dir = Conformance.requireFolder("models").resolve(name);
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> g = Conformance.readGolden(dir.resolve("golden.safetensors"), m);
            try (CausalLm model = DjlModelLoader.load(dir, ComputePolicy.cpu())) {
                model.setAllTrainable(true);
                Param frozen = model.parameters().get("model.layers.0.input_layernorm.weight");
                frozen.setTrainable(false);

                Map<String, float[]> chunked = gradients(model, g, true);
                Map<String, float[]> reference = gradients(model, g, false);
                assertThat(chunked.keySet())
                        .isEqualTo(reference.keySet())
                        .doesNotContain("model.layers.0.input_layernorm.weight");
                double worst = 0;
                for (String p : reference.keySet()) {
                    float[] a = chunked.get(p);
                    float[] b = reference.get(p);
                    double maxDiff = 0;
                    double maxRef = 0;
                    for (int i = 0; i < a.length; i++) {
                        maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
                        maxRef = Math.max(maxRef, Math.abs(b[i]));
                    }
                    assertThat(maxDiff).as(p).isLessThanOrEqualTo(1e-6 + 1e-4 * maxRef);
                    worst = Math.max(worst, maxDiff);
                    assertThat(maxRef).as(p + " has a non-zero gradient").isGreaterThan(0);
                }
                TensorAssertions.assertWithin(name + " chunked-loss gradients vs autograd", worst, 1e-6);
            }
        }
    }

    private static Map<String, float[]> gradients(CausalLm model, Map<String, NDArray> g, boolean chunked) {
        Map<String, float[]> out = new HashMap<>();
        try (NDManager step = model.manager().newSubManager()) {
            NDArray ids = g.get("input_ids").duplicate();
            ids.attach(step);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray hidden = model.hiddenStates(ForwardInput.of(ids, g.get("attention_mask")));
                if (chunked) {
                    // Two rows per chunk: exercises chunking and gradient accumulation over chunks.
                    CausalLmLoss.Result r = CausalLmLoss.compute(
                            hidden,
                            model.lmHeadWeight(),
                            g.get("labels"),
                            new CausalLmLoss.Options(2L * model.config().vocabSize(), false, 0));
                    TensorAssertions.assertWithin(
                            model.config().modelType() + " chunked loss",
                            Math.abs(r.loss() - g.get("loss").getFloat()),
                            ModelConformanceTest.LOSS_TOLERANCE);
                    gc.backward(r.backwardTarget());
                } else {
                    gc.backward(referenceLoss(model.logits(hidden), g.get("labels")));
                }
            }
            for (Map.Entry<String, Param> e : model.parameters().entrySet()) {
                if (e.getValue().isTrainable()) {
                    try (NDArray grad = e.getValue().array().getGradient()) {
                        out.put(e.getKey(), grad.toFloatArray());
                        grad.subi(grad);
                    }
                }
            }
        }
        return out;
    }

    /** Hugging Face's loss written the plain way: full log-softmax, gather, masked mean. */
    private static NDArray referenceLoss(NDArray logits, NDArray labels) {
        long t = logits.getShape().get(1);
        NDArray shiftedLogits = logits.get(":, :{}, :", t - 1);
        NDArray shiftedLabels = labels.get(":, 1:");
        NDArray valid = shiftedLabels.neq(-100).toType(DataType.FLOAT32, false);
        NDArray safeLabels = shiftedLabels.clip(0, Long.MAX_VALUE).expandDims(-1);
        NDArray logp = shiftedLogits.logSoftmax(-1).gather(safeLabels, -1).squeeze(-1);
        return logp.mul(valid).sum().neg().div(valid.sum());
    }
}
