package ai.llamafactory.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.llamafactory.core.Conformance;
import ai.llamafactory.core.config.ModelConfig;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.loss.CausalLmLoss;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuickForwardTest {
    @Test
    void fp32Models() {
        DjlEngine.get();
        for (String name : new String[] {"llama", "qwen2", "qwen2_legacy_config", "qwen3", "phi3"}) {
            Path dir = Conformance.requireFolder("models").resolve(name);
            try (NDManager m = NDManager.newBaseManager()) {
                Map<String, NDArray> w = Conformance.readGolden(dir.resolve("model.safetensors"), m);
                Map<String, NDArray> g = Conformance.readGolden(dir.resolve("golden.safetensors"), m);
                String type = ModelConfig.readModelType(dir.resolve("config.json"));
                Architecture arch = Architectures.forModelType(type);
                ModelConfig cfg = ModelConfig.read(dir.resolve("config.json"), arch.configDefaults());
                CausalLm model = arch.build(cfg, new TestWeights(w), ComputePolicy.cpu(), m.newSubManager());
                try (NDManager step = m.newSubManager()) {
                    NDArray ids = g.get("input_ids").duplicate();
                    ids.attach(step);
                    NDArray hidden = model.hiddenStates(ForwardInput.of(ids, g.get("attention_mask")));
                    NDArray logits = model.logits(hidden);
                    NDArray mask = g.get("attention_mask").toType(ai.djl.ndarray.types.DataType.BOOLEAN, false);
                    NDArray diff = logits.sub(g.get("logits")).abs().max(new int[] {2});
                    float maxDiff = diff.mul(mask.toType(ai.djl.ndarray.types.DataType.FLOAT32, false)).max().getFloat();
                    CausalLmLoss.Result r = CausalLmLoss.compute(hidden, model.lmHeadWeight(), g.get("labels"),
                            CausalLmLoss.Options.defaults());
                    System.out.printf("%s: max|logits diff| %.3g loss %.7f golden %.7f%n", name, maxDiff, r.loss(),
                            g.get("loss").getFloat());
                    assertThat(maxDiff).isLessThan(1e-4f);
                    assertThat(Math.abs(r.loss() - g.get("loss").getFloat())).isLessThan(1e-5);
                }
                model.close();
            }
        }
    }
}
