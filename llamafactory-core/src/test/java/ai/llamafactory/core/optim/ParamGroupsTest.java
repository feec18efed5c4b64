package ai.llamafactory.core.optim;

import static ai.llamafactory.core.optim.OptimTestSupport.param;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.core.engine.DjlEngine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Trainer's decay/no-decay split and LLaMA-Factory's LoRA+ groups. */
class ParamGroupsTest {
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = DjlEngine.get().newBaseManager();
    }

    @AfterEach
    void close() {
        if (manager != null) {
            manager.close();
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "model.embed_tokens.weight, true",
        "model.layers.0.self_attn.q_proj.weight, true",
        "model.layers.0.self_attn.q_proj.bias, false",
        "model.layers.0.input_layernorm.weight, false",
        "model.layers.0.post_attention_layernorm.weight, false",
        "model.norm.weight, false",
        "model.layers.3.self_attn.q_norm.weight, false",
        "model.layers.3.self_attn.k_norm.weight, false",
        "model.layers.0.mlp.down_proj.weight, true",
        "lm_head.weight, true",
        "base_model.model.model.layers.0.self_attn.q_proj.lora_A.default.weight, true",
        "base_model.model.model.layers.0.self_attn.q_proj.lora_B.default.weight, true",
        "transformer.h.0.ln_1.weight, true",
        "model.layers.0.RMSNorm.weight, false",
        "model.normalizer.weight, true",
        "encoder.LayerNorm.bias, false"
    })
    void decayRuleMatchesTheTrainer(String name, boolean decays) {
        assertThat(ParamGroups.appliesWeightDecay(name)).isEqualTo(decays);
    }

    @Test
    void defaultGroupsSplitDecayFromNoDecayInModelOrder() {
        Map<String, NDArray> trainable = new LinkedHashMap<>();
        trainable.put("model.layers.0.self_attn.q_proj.weight", param(manager, "q", new float[4], 2, 2));
        trainable.put("model.layers.0.self_attn.q_proj.bias", param(manager, "qb", new float[2], 2));
        trainable.put("model.layers.0.input_layernorm.weight", param(manager, "ln", new float[2], 2));
        trainable.put("lm_head.weight", param(manager, "lm", new float[4], 2, 2));
        List<ParamGroup> groups = ParamGroups.withWeightDecay(trainable, 0.01);
        assertThat(groups).extracting(ParamGroup::label).containsExactly(ParamGroups.DECAY, ParamGroups.NO_DECAY);
        assertThat(groups.get(0).params().keySet())
                .containsExactly("model.layers.0.self_attn.q_proj.weight", "lm_head.weight");
        assertThat(groups.get(0).weightDecay()).isEqualTo(0.01);
        assertThat(groups.get(1).params().keySet())
                .containsExactly("model.layers.0.self_attn.q_proj.bias", "model.layers.0.input_layernorm.weight");
        assertThat(groups.get(1).weightDecay()).isZero();
        assertThat(groups).allSatisfy(g -> assertThat(g.effectiveLr(3e-4)).isEqualTo(3e-4));
        // only decay parameters: a single group
        assertThat(ParamGroups.withWeightDecay(Map.of("lm_head.weight", trainable.get("lm_head.weight")), 0.1))
                .hasSize(1);
    }

    @Test
    void loraPlusGroups() {
        String prefix = "base_model.model.model.layers.0.";
        Map<String, NDArray> trainable = new LinkedHashMap<>();
        trainable.put(prefix + "self_attn.q_proj.lora_A.default.weight", param(manager, "a", new float[8], 2, 4));
        trainable.put(prefix + "self_attn.q_proj.lora_B.default.weight", param(manager, "b", new float[8], 4, 2));
        trainable.put(prefix + "input_layernorm.weight", param(manager, "ln", new float[4], 4));
        trainable.put(prefix + "mlp.up_proj.bias", param(manager, "bias", new float[4], 4));
        trainable.put(
                "base_model.model.model.embed_tokens.lora_embedding_A.default",
                param(manager, "ea", new float[8], 2, 4));
        trainable.put(
                "base_model.model.model.embed_tokens.lora_embedding_B.default",
                param(manager, "eb", new float[8], 4, 2));
        List<ParamGroup> groups = ParamGroups.loraPlus(trainable, 2e-4, 0.01, 16.0, 1e-6);
        assertThat(groups)
                .extracting(ParamGroup::label)
                .containsExactly(
                        ParamGroups.LORA_A, ParamGroups.LORA_B, ParamGroups.LORA_B_NO_DECAY, ParamGroups.EMBEDDING);
        ParamGroup a = groups.get(0);
        ParamGroup b = groups.get(1);
        ParamGroup bNoDecay = groups.get(2);
        ParamGroup embedding = groups.get(3);
        assertThat(a.params().keySet())
                .containsExactly(
                        prefix + "self_attn.q_proj.lora_A.default.weight",
                        "base_model.model.model.embed_tokens.lora_embedding_A.default");
        assertThat(b.params().keySet()).containsExactly(prefix + "self_attn.q_proj.lora_B.default.weight");
        assertThat(bNoDecay.params().keySet())
                .containsExactly(prefix + "input_layernorm.weight", prefix + "mlp.up_proj.bias");
        assertThat(embedding.params().keySet())
                .containsExactly("base_model.model.model.embed_tokens.lora_embedding_B.default");
        assertThat(a.effectiveLr(2e-4)).isEqualTo(2e-4);
        assertThat(b.effectiveLr(2e-4)).isCloseTo(3.2e-3, within(1e-15));
        assertThat(bNoDecay.effectiveLr(2e-4)).isCloseTo(3.2e-3, within(1e-15));
        assertThat(bNoDecay.weightDecay()).isZero();
        assertThat(embedding.effectiveLr(2e-4)).isCloseTo(1e-6, within(1e-18));
        // the embedding rate follows the schedule: half the base lr -> half the embedding lr
        assertThat(embedding.effectiveLr(1e-4)).isCloseTo(5e-7, within(1e-18));
        assertThat(List.of(a, b, embedding))
                .allSatisfy(g -> assertThat(g.weightDecay()).isEqualTo(0.01));
        assertThatThrownBy(() -> ParamGroups.loraPlus(trainable, 2e-4, 0.0, 0.0, 1e-6))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("loraplus_lr_ratio");
    }

    @Test
    void absoluteLearningRateIgnoresTheSchedule() {
        ParamGroup g = ParamGroup.builder("fixed")
                .param("w", param(manager, "w", new float[1], 1))
                .absoluteLr(1e-3)
                .build();
        assertThat(g.effectiveLr(5e-5)).isEqualTo(1e-3);
        assertThat(g.withParams(Map.of()).absoluteLr()).hasValue(1e-3);
        assertThatThrownBy(() -> ParamGroup.builder("dup")
                        .param("w", g.params().get("w"))
                        .param("w", g.params().get("w")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'w'");
    }
}
