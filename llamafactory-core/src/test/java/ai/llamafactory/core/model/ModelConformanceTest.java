package ai.llamafactory.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.loader.DjlModelLoader;
import ai.llamafactory.core.loss.CausalLmLoss;
import ai.llamafactory.testing.Conformance;
import ai.llamafactory.testing.TensorAssertions;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * For every checkpoint under {@code models/} of the conformance root: load it with the default loader, feed the
 * golden {@code input_ids} and {@code attention_mask}, and compare with transformers' logits (max abs diff <= 2e-6 at
 * non-padded positions) and loss (<= 2e-6), fp32 on CPU. One test per folder.
 */
class ModelConformanceTest {
    /** Logits: measured at most 2.4e-7 over the six checkpoints (fp32, CPU); the bound leaves headroom. */
    static final double LOGITS_TOLERANCE = 2e-6;
    /** Loss: measured at most 7.0e-7 (llama). */
    static final double LOSS_TOLERANCE = 2e-6;

    @TestFactory
    Stream<DynamicTest> everyConformanceModelMatchesTransformers() {
        Conformance.requireFolder("models");
        return Conformance.folders("models").stream()
                .map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
    }

    private static void check(Path dir) {
        DjlEngine.get();
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = DjlModelLoader.load(dir, ComputePolicy.cpu())) {
            Map<String, NDArray> g = Conformance.readGolden(dir.resolve("golden.safetensors"), m);
            try (NDManager step = m.newSubManager()) {
                NDArray ids = g.get("input_ids").duplicate();
                ids.attach(step);
                NDArray mask = g.get("attention_mask");
                NDArray hidden = model.hiddenStates(ForwardInput.of(ids, mask));
                NDArray logits = model.logits(hidden);
                NDArray valid = mask.toType(DataType.FLOAT32, false).expandDims(-1);
                float maxDiff =
                        logits.sub(g.get("logits")).abs().mul(valid).max().getFloat();
                CausalLmLoss.Result r = CausalLmLoss.compute(
                        hidden, model.lmHeadWeight(), g.get("labels"), CausalLmLoss.Options.defaults());
                double lossDiff = Math.abs(r.loss() - g.get("loss").getFloat());
                TensorAssertions.assertWithin(dir.getFileName() + " logits", maxDiff, LOGITS_TOLERANCE);
                TensorAssertions.assertWithin(dir.getFileName() + " loss", lossDiff, LOSS_TOLERANCE);
            }
        }
    }
}
