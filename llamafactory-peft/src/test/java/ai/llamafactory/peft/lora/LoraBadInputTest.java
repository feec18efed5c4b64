package ai.llamafactory.peft.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.core.checkpoint.SafetensorsCheckpoint;
import ai.llamafactory.core.checkpoint.SafetensorsWriter;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.loader.DjlModelLoader;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.peft.PeftTestSupport;
import ai.llamafactory.testing.Conformance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input is refused with a message naming the field, tensor, shapes or module names, and changes nothing. */
class LoraBadInputTest {
    @TempDir
    Path tmp;

    private static CausalLm llama() {
        return DjlModelLoader.load(PeftTestSupport.llama(), ComputePolicy.cpu());
    }

    @Test
    void targetThatMatchesNothingListsTheAvailableModules() {
        try (CausalLm model = llama()) {
            LoraModel lora = new LoraModel(model);
            assertThatThrownBy(() -> lora.addAdapter(
                            "a",
                            LoraConfig.builder()
                                    .target(LoraTarget.parse("q_proj,vproj"))
                                    .build()))
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining("lora_target: 'vproj' matches no linear module")
                    .hasMessageContaining("[down_proj, gate_proj, k_proj, lm_head, o_proj, q_proj, up_proj, v_proj]");
            assertThatThrownBy(() -> lora.addAdapter(
                            "a",
                            LoraConfig.builder()
                                    .target(LoraTarget.regex(".*attn\\.qq_proj"))
                                    .build()))
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining("'.*attn\\.qq_proj' matches no linear module")
                    .hasMessageContaining("available: [down_proj");
            assertThatThrownBy(() -> lora.addAdapter(
                            "a",
                            LoraConfig.builder()
                                    .target(LoraTarget.names("q_proj"))
                                    .layersToTransform(List.of(7))
                                    .build()))
                    .hasMessageContaining("in layers [7]");
            assertThatThrownBy(() -> lora.addAdapter(
                            "a",
                            LoraConfig.builder()
                                    .target(LoraTarget.names("embed_tokens"))
                                    .build()))
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining("'model.embed_tokens' is an embedding");
            assertThatThrownBy(() -> lora.addAdapter(
                            "a",
                            LoraConfig.builder()
                                    .additionalTargets(List.of("norm"))
                                    .build()))
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining("additional_target: 'norm' is a RmsNorm");
            assertThatThrownBy(() -> lora.addAdapter(
                            "a",
                            LoraConfig.builder()
                                    .additionalTargets(List.of("head"))
                                    .build()))
                    .hasMessageContaining(
                            "additional_target: 'head' matches no module; available: [embed_tokens, lm_head]");
            assertThatThrownBy(() -> lora.addAdapter(
                            "a",
                            LoraConfig.builder()
                                    .target(LoraTarget.names("lm_head"))
                                    .additionalTargets(List.of("lm_head"))
                                    .build()))
                    .hasMessageContaining("'lm_head' is also a lora_target");
            assertThat(model.parameters().keySet())
                    .as("nothing was changed")
                    .noneMatch(k -> k.contains("lora_") || k.contains("base_layer") || k.contains("modules_to_save"));
        }
    }

    @Test
    void rankAlphaAndDropoutOutOfRangeNameTheField() {
        assertThatThrownBy(() -> LoraConfig.builder().rank(0).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("lora_rank: must be > 0, got 0");
        assertThatThrownBy(() -> LoraConfig.builder().rank(-4).build()).hasMessage("lora_rank: must be > 0, got -4");
        assertThatThrownBy(() -> LoraConfig.builder().alpha(0).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("lora_alpha: must be a finite number > 0, got 0.0");
        assertThatThrownBy(() -> LoraConfig.builder().alpha(-16).build())
                .hasMessage("lora_alpha: must be a finite number > 0, got -16.0");
        assertThatThrownBy(() -> LoraConfig.builder().dropout(1.0).build())
                .hasMessage("lora_dropout: must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> LoraConfig.builder().pissa(-2).build())
                .hasMessage("pissa_iter: must be >= -1 (-1 = exact SVD), got -2");
        assertThatThrownBy(() -> LoraConfig.builder().loraplusLrRatio(0).build())
                .hasMessageContaining("loraplus_lr_ratio");
        assertThatThrownBy(() ->
                        LoraConfig.builder().rankPattern(Map.of("q_proj", 0)).build())
                .hasMessage("rank_pattern: rank of 'q_proj' must be > 0, got 0");
        assertThatThrownBy(() -> LoraTarget.parse(" ")).hasMessageContaining("lora_target: empty value");
        assertThatThrownBy(() -> LoraTarget.regex("(")).hasMessageContaining("invalid regular expression '('");
    }

    @Test
    void adapterWhoseShapesDoNotFitNamesTensorAndShapes() {
        Path adapter = Conformance.requireFolder("adapters").resolve("llama_lora");
        try (CausalLm qwen3 = DjlModelLoader.load(PeftTestSupport.model("qwen3"), ComputePolicy.cpu())) {
            LoraModel lora = new LoraModel(qwen3);
            assertThatThrownBy(() -> lora.loadAdapter("default", adapter, true))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("tensor 'base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight' "
                            + "has shape [64, 4] but the base model needs [128, 4]")
                    .hasMessageContaining("(module model.layers.0.self_attn.q_proj: in 64, out 128, r 4)");
            assertThat(lora.adapters()).isEmpty();
            assertThat(qwen3.parameters().keySet()).noneMatch(k -> k.contains("lora_"));
        }
    }

    @Test
    void missingAndUnexpectedTensorsAreNamed() throws Exception {
        Path source = Conformance.requireFolder("adapters").resolve("llama_lora");
        Path missing = tmp.resolve("missing");
        Path extra = tmp.resolve("extra");
        String dropped = "base_model.model.model.layers.1.mlp.up_proj.lora_B.weight";
        String added = "base_model.model.model.layers.0.mlp.up_proj.lora_C.weight";
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(source.resolve("adapter_model.safetensors"))) {
            SafetensorsWriter w1 = new SafetensorsWriter();
            SafetensorsWriter w2 = new SafetensorsWriter();
            for (String n : ckpt.names()) {
                var info = ckpt.info(n);
                if (!n.equals(dropped)) {
                    w1.add(n, info.dtype(), info.shape(), ckpt.tensorBytes(n));
                }
                w2.add(n, info.dtype(), info.shape(), ckpt.tensorBytes(n));
            }
            w2.add(added, ckpt.info(dropped).dtype(), ckpt.info(dropped).shape(), ckpt.tensorBytes(dropped));
            for (Path p : List.of(missing, extra)) {
                Files.createDirectories(p);
                Files.copy(source.resolve("adapter_config.json"), p.resolve("adapter_config.json"));
            }
            w1.write(missing.resolve("adapter_model.safetensors"));
            w2.write(extra.resolve("adapter_model.safetensors"));
        }
        try (CausalLm model = llama()) {
            LoraModel lora = new LoraModel(model);
            assertThatThrownBy(() -> lora.loadAdapter("default", missing, true))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("tensor '" + dropped + "' is missing");
            assertThatThrownBy(() -> lora.loadAdapter("default", extra, true))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(added)
                    .hasMessageContaining("do not belong to any module");
            assertThatThrownBy(() -> lora.loadAdapter("default", tmp.resolve("nowhere"), true))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("has no adapter_config.json");
        }
    }

    @Test
    void unsupportedAdapterConfigurationsAreRefused() throws Exception {
        Path dir = tmp.resolve("ia3");
        Files.createDirectories(dir);
        Path cfg = dir.resolve("adapter_config.json");
        for (Map.Entry<String, String> c : Map.of(
                        "{\"peft_type\": \"IA3\", \"r\": 4}", "peft_type 'IA3' is not supported (only LORA)",
                        "{\"r\": 4, \"bias\": \"all\"}", "bias other than 'none' is not supported",
                        "{\"r\": 4, \"fan_in_fan_out\": true}", "fan_in_fan_out is not supported",
                        "{\"r\": \"four\"}", "field 'r' must be an integer",
                        "{\"r\": 0, \"target_modules\": [\"q_proj\"]}", "lora_rank: must be > 0, got 0",
                        "{\"r\": 4, \"lora_alpha\": -1, \"target_modules\": [\"q_proj\"]}", "lora_alpha: must be",
                        "{\"r\": 4, ", "cannot read adapter configuration")
                .entrySet()) {
            Files.writeString(cfg, c.getKey());
            assertThatThrownBy(() -> AdapterConfigJson.read(cfg, "llama"))
                    .as(c.getKey())
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(c.getValue())
                    .hasMessageContaining(cfg.toString());
        }
    }

    @Test
    void incompatibleCombinationsAreRefused() {
        try (CausalLm model = llama()) {
            LoraModel quantized = new LoraModel(model, true);
            assertThatThrownBy(() -> quantized.addAdapter(
                            "a", LoraConfig.builder().pissa(16).build()))
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining("pissa_init: PiSSA cannot be initialised on a quantized base model");
            assertThatThrownBy(() -> quantized.addAdapter(
                            "a", LoraConfig.builder().useDora(true).build()))
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining("use_dora: DoRA is not compatible with a quantized base model");
            LoraModel lora = new LoraModel(model);
            lora.addAdapter("a", LoraConfig.builder().build());
            assertThatThrownBy(() -> lora.addAdapter("a", LoraConfig.builder().build()))
                    .hasMessageContaining("an adapter named 'a' already exists");
            assertThatThrownBy(() -> lora.addAdapter("x.y", LoraConfig.builder().build()))
                    .hasMessageContaining("without dots");
            assertThatThrownBy(() -> lora.setActiveAdapter("b")).hasMessageContaining("no adapter named 'b'");
            assertThat(Set.copyOf(lora.activeAdapters())).containsExactly("a");
        }
    }
}
