package ai.llamafactory.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.llamafactory.core.config.ModelConfig;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.loss.CausalLmLoss;
import ai.llamafactory.core.nn.Param;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** 200 forward+backward steps in per-step managers: the number of live native arrays must not grow. */
class MemoryDisciplineTest {

    @Test
    void liveArrayCountStaysFlatOver200Steps() throws Exception {
        DjlEngine.get();
        String json = "{\"model_type\":\"qwen3\",\"vocab_size\":128,\"hidden_size\":32,\"intermediate_size\":64,"
                + "\"num_hidden_layers\":2,\"num_attention_heads\":4,\"num_key_value_heads\":2,\"head_dim\":8,"
                + "\"max_position_embeddings\":64,\"tie_word_embeddings\":true}";
        Architecture arch = Architectures.forModelType("qwen3");
        ModelConfig cfg = ModelConfig.parse(new ObjectMapper().readTree(json), arch.configDefaults(), "test");
        try (NDManager root = NDManager.newBaseManager();
                CausalLm model =
                        arch.build(cfg, new RandomWeights(3, 0.02, false), ComputePolicy.cpu(), root.newSubManager())) {
            model.setAllTrainable(true);
            Random rnd = new Random(1);
            long before = 0;
            for (int s = 0; s < 200; s++) {
                if (s == 10) {
                    before = liveArrays();
                }
                try (NDManager step = root.newSubManager()) {
                    long[] ids = new long[2 * 16];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = rnd.nextInt(128);
                    }
                    NDArray in = step.create(ids, new Shape(2, 16));
                    NDArray mask = step.ones(new Shape(2, 16), ai.djl.ndarray.types.DataType.INT64);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray hidden = model.hiddenStates(ForwardInput.of(in, mask));
                        CausalLmLoss.Result r =
                                CausalLmLoss.compute(hidden, model.lmHeadWeight(), in, CausalLmLoss.Options.defaults());
                        gc.backward(r.backwardTarget());
                    }
                    for (Param p : model.parameters().values()) {
                        try (NDArray g = p.array().getGradient()) {
                            g.subi(g);
                        }
                    }
                }
            }
            long after = liveArrays();
            System.out.println("live native arrays after step 10: " + before + ", after step 200: " + after);
            assertThat(after).isLessThanOrEqualTo(before);
        }
    }

    /** Counts every live array of the process: the whole manager tree under DJL's system manager. */
    private static long liveArrays() {
        try (NDManager probe = NDManager.newBaseManager()) {
            return ((BaseNDManager) probe.getParentManager()).getManagedArrays().size();
        }
    }
}
