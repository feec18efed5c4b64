package ai.llamafactory.peft.freeze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.loader.DjlModelLoader;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.nn.Param;
import ai.llamafactory.peft.PeftTestSupport;
import ai.llamafactory.peft.TrainableParameters;
import ai.llamafactory.testing.Conformance;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Freeze tuning selects LLaMA-Factory's parameters; full tuning trains everything. */
class FreezeTuningTest {

    private static CausalLm llama() {
        return DjlModelLoader.load(PeftTestSupport.llama(), ComputePolicy.cpu());
    }

    @Test
    void defaultTrainsTheLastTwoLayersEntirely() {
        try (CausalLm model = llama()) {
            List<String> trainable =
                    FreezeTuning.apply(model, FreezeConfig.builder().build());
            assertThat(trainable).hasSize(2 * 9).allMatch(n -> n.startsWith("model.layers."));
            assertThat(model.parameters().get("model.embed_tokens.weight").isTrainable())
                    .isFalse();
            assertThat(model.parameters().get("lm_head.weight").isTrainable()).isFalse();
        }
    }

    @Test
    void lastOrFirstLayersAndChosenModules() {
        try (CausalLm model = llama()) {
            assertThat(FreezeTuning.apply(
                            model, FreezeConfig.builder().trainableLayers(1).build()))
                    .hasSize(9)
                    .allMatch(n -> n.startsWith("model.layers.1."));
            assertThat(FreezeTuning.apply(
                            model, FreezeConfig.builder().trainableLayers(-1).build()))
                    .hasSize(9)
                    .allMatch(n -> n.startsWith("model.layers.0."));
            assertThat(FreezeTuning.apply(
                            model, FreezeConfig.builder().trainableLayers(-5).build()))
                    .hasSize(18);
            assertThat(FreezeTuning.apply(
                            model,
                            FreezeConfig.builder()
                                    .trainableLayers(1)
                                    .trainableModules(List.of("mlp"))
                                    .extraModules(List.of("embed_tokens"))
                                    .build()))
                    .containsExactly(
                            "model.embed_tokens.weight",
                            "model.layers.1.mlp.gate_proj.weight",
                            "model.layers.1.mlp.up_proj.weight",
                            "model.layers.1.mlp.down_proj.weight");
            // LLaMA-Factory matches extra modules by substring: 'norm' also trains every layer's norms.
            assertThat(FreezeTuning.apply(
                            model,
                            FreezeConfig.builder()
                                    .trainableLayers(1)
                                    .trainableModules(List.of("self_attn"))
                                    .extraModules(List.of("norm"))
                                    .build()))
                    .contains(
                            "model.norm.weight",
                            "model.layers.0.input_layernorm.weight",
                            "model.layers.1.self_attn.q_proj.weight")
                    .doesNotContain("model.layers.0.self_attn.q_proj.weight", "model.layers.1.mlp.up_proj.weight");
        }
    }

    @Test
    void llamaProTrainsTheExpandedBlocks() {
        FreezeConfig one =
                FreezeConfig.builder().trainableLayers(1).llamaPro(true).build();
        assertThat(FreezeTuning.trainableLayerIds(2, one)).containsExactly(1);
        assertThat(FreezeTuning.trainableLayerIds(
                        8,
                        FreezeConfig.builder().trainableLayers(4).llamaPro(true).build()))
                .containsExactly(1, 3, 5, 7);
        assertThatThrownBy(() -> FreezeTuning.trainableLayerIds(
                        8,
                        FreezeConfig.builder().trainableLayers(3).llamaPro(true).build()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("8 must be divisible by 3");
    }

    @Test
    void unknownModulesListTheNamesThereAre() {
        try (CausalLm model = llama()) {
            assertThatThrownBy(() -> FreezeTuning.apply(
                            model,
                            FreezeConfig.builder()
                                    .trainableModules(List.of("attention"))
                                    .build()))
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessage("freeze_trainable_modules: module 'attention' is not found, please choose from "
                            + "[input_layernorm, mlp, post_attention_layernorm, self_attn] or 'all'");
            assertThatThrownBy(() -> FreezeTuning.apply(
                            model,
                            FreezeConfig.builder().extraModules(List.of("wte")).build()))
                    .hasMessage("freeze_extra_modules: module 'wte' is not found, please choose from "
                            + "[embed_tokens, lm_head, norm]");
        }
    }

    @Test
    void onlySelectedParametersReceiveGradientsAndFullTuningTrainsAll() {
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = llama()) {
            Map<String, NDArray> g =
                    Conformance.readGolden(PeftTestSupport.llama().resolve("golden.safetensors"), m);
            List<String> trainable = FreezeTuning.apply(
                    model, FreezeConfig.builder().trainableLayers(1).build());
            PeftTestSupport.backward(model, g);
            Map<String, float[]> grads = PeftTestSupport.takeGradients(model.parameters());
            assertThat(grads.keySet()).containsExactlyElementsOf(trainable);
            assertThat(grads.values()).allMatch(v -> PeftTestSupport.maxAbs(v) > 0);
            assertThat(FreezeTuning.trainableArrays(model)).hasSize(9);
            TrainableParameters counts = FreezeTuning.full(model);
            assertThat(counts.trainable()).isEqualTo(counts.total()).isEqualTo(158016);
            assertThat(counts.format())
                    .isEqualTo("trainable params: 158,016 || all params: 158,016 || trainable%: " + "100.0000");
            assertThat(model.parameters().values()).allMatch(Param::isTrainable);
        }
    }
}
