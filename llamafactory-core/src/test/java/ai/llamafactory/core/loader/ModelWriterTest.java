package ai.llamafactory.core.loader;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.llamafactory.core.checkpoint.SafetensorsDtype;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.model.ForwardInput;
import ai.llamafactory.testing.Conformance;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model written by ModelWriter loads back with identical logits, also when sharded. */
class ModelWriterTest {
    @TempDir
    Path tmp;

    @Test
    void saveAndReloadShardedGivesIdenticalLogits() {
        DjlEngine.get();
        Path src = Conformance.requireFolder("models").resolve("qwen3");
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = DjlModelLoader.load(src, ComputePolicy.cpu())) {
            java.util.List<Path> files = ModelWriter.save(model, tmp, SafetensorsDtype.F32, 200_000);
            assertThat(files).hasSizeGreaterThan(1);
            assertThat(tmp.resolve("model.safetensors.index.json")).exists();
            assertThat(tmp.resolve("generation_config.json")).exists();
            try (CausalLm back = DjlModelLoader.load(tmp, ComputePolicy.cpu())) {
                Map<String, NDArray> g = Conformance.readGolden(src.resolve("golden.safetensors"), m);
                try (NDManager step = m.newSubManager()) {
                    NDArray ids = g.get("input_ids").duplicate();
                    ids.attach(step);
                    float[] a = model.logits(model.hiddenStates(ForwardInput.of(ids, null)))
                            .toFloatArray();
                    float[] b = back.logits(back.hiddenStates(ForwardInput.of(ids, null)))
                            .toFloatArray();
                    assertThat(b).containsExactly(a);
                }
            }
        }
    }
}
