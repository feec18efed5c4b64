package ai.llamafactory.peft.lora;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.llamafactory.core.config.ModelConfig;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.loader.DjlModelLoader;
import ai.llamafactory.core.loss.CausalLmLoss;
import ai.llamafactory.core.model.Architecture;
import ai.llamafactory.core.model.Architectures;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.model.ForwardInput;
import ai.llamafactory.core.model.RandomWeights;
import ai.llamafactory.core.nn.Param;
import ai.llamafactory.core.optim.AdamW;
import ai.llamafactory.core.optim.AdamWConfig;
import ai.llamafactory.peft.PeftTestSupport;
import ai.llamafactory.testing.Conformance;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Training with adapters does not leak native arrays; fp32 adapters train on an fp16 base. */
class LoraMemoryAndPrecisionTest {

    @Test
    void liveArrayCountStaysFlatOverTrainingStepsWithEveryAdapterFeature() throws Exception {
        DjlEngine.get();
        String json = "{\"model_type\":\"qwen3\",\"vocab_size\":128,\"hidden_size\":32,\"intermediate_size\":64,"
                + "\"num_hidden_layers\":2,\"num_attention_heads\":4,\"num_key_value_heads\":2,\"head_dim\":8,"
                + "\"max_position_embeddings\":64,\"tie_word_embeddings\":true}";
        Architecture arch = Architectures.forModelType("qwen3");
        ModelConfig cfg = ModelConfig.parse(new ObjectMapper().readTree(json), arch.configDefaults(), "test");
        try (NDManager root = NDManager.newBaseManager();
                CausalLm model =
                        arch.build(cfg, new RandomWeights(3, 0.02, false), ComputePolicy.cpu(), root.newSubManager())) {
            LoraModel lora = new LoraModel(model);
            lora.addAdapter(
                    "dora",
                    LoraConfig.builder()
                            .rank(4)
                            .useDora(true)
                            .dropout(0.1)
                            .additionalTargets(List.of("embed_tokens"))
                            .build());
            lora.addAdapter(
                    "plain",
                    LoraConfig.builder()
                            .rank(2)
                            .dropout(0.2)
                            .target(LoraTarget.names("o_proj"))
                            .build());
            lora.setActiveAdapters(List.of("dora", "plain"));
            model.setTraining(true);
            Random rnd = new Random(1);
            long before = 0;
            long after = 0;
            try (AdamW adamW = new AdamW(lora.paramGroups(1e-3, 0.01), AdamWConfig.defaults())) {
                for (int s = 0; s < 40; s++) {
                    if (s == 10) {
                        before = liveArrays();
                    }
                    lora.dropoutSeeds().setStepSeed(s);
                    try (NDManager step = root.newSubManager()) {
                        long[] ids = new long[2 * 16];
                        for (int i = 0; i < ids.length; i++) {
                            ids[i] = rnd.nextInt(128);
                        }
                        NDArray in = step.create(ids, new Shape(2, 16));
                        try (GradientCollector gc = DjlEngine.get().newGradientCollector()) {
                            NDArray hidden = model.hiddenStates(ForwardInput.of(in, null));
                            CausalLmLoss.Result r = CausalLmLoss.compute(
                                    hidden, model.lmHeadWeight(step), in, CausalLmLoss.Options.defaults());
                            gc.backward(r.backwardTarget());
                        }
                        adamW.step(1e-3);
                        if (s % 20 == 0) {
                            try (LoraModel.AdapterScope ignored = lora.adaptersDisabled()) {
                                model.logits(model.hiddenStates(ForwardInput.of(in, null)));
                            }
                        }
                    }
                    if (s == 39) {
                        after = liveArrays();
                    }
                }
            }
            System.out.println("live native arrays after step 10: " + before + ", after step 40: " + after);
            assertThat(after).isLessThanOrEqualTo(before);
        }
    }

    private static long liveArrays() {
        try (NDManager probe = NDManager.newBaseManager()) {
            return ((BaseNDManager) probe.getParentManager()).getManagedArrays().size();
        }
    }

    @Test
    void fp32AdaptersTrainOnAHalfPrecisionBase() {
        DjlEngine.get();
        ComputePolicy mixed = new ComputePolicy(Device.cpu(), DataType.FLOAT16, DataType.FLOAT32, DataType.FLOAT32);
        try (NDManager m = NDManager.newBaseManager();
                CausalLm half = DjlModelLoader.load(PeftTestSupport.llama(), mixed);
                CausalLm full = DjlModelLoader.load(PeftTestSupport.llama(), ComputePolicy.cpu())) {
            Map<String, NDArray> g =
                    Conformance.readGolden(PeftTestSupport.llama().resolve("golden.safetensors"), m);
            assertThat(half.parameters()
                            .get("model.layers.0.self_attn.q_proj.weight")
                            .array()
                            .getDataType())
                    .isEqualTo(DataType.FLOAT16);
            LoraModel l16 = new LoraModel(half);
            LoraModel l32 = new LoraModel(full);
            for (LoraModel l : List.of(l16, l32)) {
                l.addAdapter(
                        "default", LoraConfig.builder().rank(4).useDora(true).build());
                PeftTestSupport.randomize(l.adapterParameters("default"), ".lora_B.", 5, 0.05);
            }
            Param a16 = l16.adapterParameters("default").get("model.layers.0.self_attn.q_proj.lora_A.default.weight");
            assertThat(a16.array().getDataType()).isEqualTo(DataType.FLOAT32);
            double loss16 = PeftTestSupport.backward(half, g);
            double loss32 = PeftTestSupport.backward(full, g);
            assertThat(loss16).isCloseTo(loss32, org.assertj.core.data.Offset.offset(5e-3));
            Map<String, float[]> g16 = PeftTestSupport.takeGradients(l16.adapterParameters("default"));
            Map<String, float[]> g32 = PeftTestSupport.takeGradients(l32.adapterParameters("default"));
            for (String k : g32.keySet()) {
                double scale = PeftTestSupport.maxAbs(g32.get(k));
                assertThat(PeftTestSupport.maxDiff(g16.get(k), g32.get(k)))
                        .as(k)
                        .isLessThan(0.05 * scale + 1e-6);
            }
            // Merging into the fp16 base keeps the base dtype.
            l16.mergeAndUnload();
            assertThat(half.parameters()
                            .get("model.layers.0.self_attn.q_proj.weight")
                            .array()
                            .getDataType())
                    .isEqualTo(DataType.FLOAT16);
        }
    }
}
