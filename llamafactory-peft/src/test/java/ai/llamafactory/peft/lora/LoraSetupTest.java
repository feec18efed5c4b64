package ai.llamafactory.peft.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.loader.DjlModelLoader;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.peft.PeftTestSupport;
import ai.llamafactory.testing.Conformance;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LLaMA-Factory's handling of adapter lists and new adapters, and PiSSA's conversion to plain LoRA. */
class LoraSetupTest {
    private static Map<String, NDArray> golden;
    private static Path first;
    private static Path second;

    @TempDir
    Path tmp;

    @BeforeAll
    static void setUp() {
        DjlEngine.get();
        Path adapters = Conformance.requireFolder("adapters");
        first = adapters.resolve("llama_lora");
        second = adapters.resolve("llama_rslora");
        golden = Conformance.readGolden(
                PeftTestSupport.llama().resolve("golden.safetensors"), NDManager.newBaseManager());
    }

    private static CausalLm llama() {
        return DjlModelLoader.load(PeftTestSupport.llama(), ComputePolicy.cpu());
    }

    private static LoraSetup.Request request(List<Path> paths, boolean trainable, boolean create, boolean quantized) {
        return new LoraSetup.Request(LoraConfig.builder().rank(4).build(), paths, trainable, create, quantized);
    }

    /** Both adapters applied at once, unmerged: the reference for every merge order. */
    private static float[] bothAdapters() {
        try (CausalLm model = llama()) {
            LoraModel lora = new LoraModel(model);
            lora.loadAdapter("a", first, false);
            lora.loadAdapter("b", second, false);
            lora.setActiveAdapters(List.of("a", "b"));
            return PeftTestSupport.forward(model, golden).logits();
        }
    }

    @Test
    void trainingMergesAllButTheLastAdapterAndResumesTheLast() {
        float[] reference = bothAdapters();
        try (CausalLm model = llama()) {
            LoraModel lora = LoraSetup.apply(model, request(List.of(first, second), true, false, false));
            assertThat(lora.adapters()).containsOnlyKeys("default");
            assertThat(lora.adapter("default").config().useRslora())
                    .as("the last one is resumed")
                    .isTrue();
            assertThat(lora.adapter("default").trainable()).isTrue();
            assertThat(lora.parameterCounts().trainable())
                    .isEqualTo(lora.adapterParameters("default").values().stream()
                            .mapToLong(p -> p.size())
                            .sum());
            assertThat(PeftTestSupport.maxDiff(
                            PeftTestSupport.forward(model, golden).logits(), reference))
                    .isLessThan(1e-5);
        }
    }

    @Test
    void newAdapterGoesOnTopOfAllMergedOnes() {
        float[] reference = bothAdapters();
        try (CausalLm model = llama()) {
            LoraModel lora = LoraSetup.apply(model, request(List.of(first, second), true, true, false));
            assertThat(lora.adapters()).containsOnlyKeys("default");
            assertThat(lora.adapter("default").config().useRslora()).isFalse();
            assertThat(lora.adapter("default").config().target()).isEqualTo(LoraTarget.all());
            assertThat(PeftTestSupport.maxDiff(
                            PeftTestSupport.forward(model, golden).logits(), reference))
                    .isLessThan(1e-5);
        }
    }

    @Test
    void inferenceMergesEverythingAndTrainingWithoutAdaptersCreatesOne() {
        float[] reference = bothAdapters();
        try (CausalLm model = llama()) {
            LoraModel lora = LoraSetup.apply(model, request(List.of(first, second), false, false, false));
            assertThat(lora.adapters()).isEmpty();
            assertThat(model.parameters().keySet()).noneMatch(k -> k.contains("lora_"));
            assertThat(PeftTestSupport.maxDiff(
                            PeftTestSupport.forward(model, golden).logits(), reference))
                    .isLessThan(1e-5);
        }
        try (CausalLm model = llama()) {
            LoraModel lora = LoraSetup.apply(model, request(List.of(), true, false, false));
            assertThat(lora.adapters()).containsOnlyKeys("default");
            assertThat(lora.parameterCounts().trainable()).isPositive();
        }
    }

    @Test
    void quantizedBaseTakesExactlyOneUnmergedAdapter() {
        try (CausalLm model = llama()) {
            assertThatThrownBy(() -> LoraSetup.apply(model, request(List.of(first, second), true, false, true)))
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining("a quantized model accepts only one adapter, got 2");
            assertThatThrownBy(() -> LoraSetup.apply(model, request(List.of(first), true, true, true)))
                    .hasMessageContaining("create_new_adapter: cannot create a new adapter upon a quantized model");
            LoraModel lora = LoraSetup.apply(model, request(List.of(first), false, false, true));
            assertThat(lora.adapters()).containsOnlyKeys("default");
            assertThat(lora.adapter("default").trainable()).isFalse();
        }
    }

    @Test
    void pissaAdapterConvertsToALoraForTheOriginalBase() throws Exception {
        Path init = tmp.resolve("pissa_init");
        Path converted = tmp.resolve("pissa_converted");
        float[] trained;
        try (CausalLm model = llama()) {
            LoraModel lora = new LoraModel(model);
            lora.addAdapter(
                    "default", LoraConfig.builder().rank(4).alpha(8).pissa(8).build());
            lora.saveAdapter("default", init, null);
            // "Training": move A and B away from their initial values.
            PeftTestSupport.randomize(lora.adapterParameters("default"), ".lora_B.", 31, 0.05);
            PeftTestSupport.randomize(lora.adapterParameters("default"), ".lora_A.", 32, 0.05);
            trained = PeftTestSupport.forward(model, golden).logits();
            lora.savePissaConverted("default", converted, init, "tiny-llama");
        }
        JsonNode cfg = new ObjectMapper()
                .readTree(converted.resolve("adapter_config.json").toFile());
        assertThat(cfg.get("r").asInt()).isEqualTo(8);
        assertThat(cfg.get("lora_alpha").asInt()).isEqualTo(16);
        assertThat(cfg.get("init_lora_weights").asBoolean()).isTrue();
        try (CausalLm original = llama()) {
            new LoraModel(original).loadAdapter("default", converted, false);
            double diff = PeftTestSupport.maxDiff(
                    PeftTestSupport.forward(original, golden).logits(), trained);
            assertThat(diff).isLessThan(1e-4);
        }
    }
}
