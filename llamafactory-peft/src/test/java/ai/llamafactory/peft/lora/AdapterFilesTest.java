package ai.llamafactory.peft.lora;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.llamafactory.core.checkpoint.SafetensorsFile;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.loader.DjlModelLoader;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.data.json.PythonJson;
import ai.llamafactory.peft.PeftTestSupport;
import ai.llamafactory.testing.Conformance;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEFT's adapter file layout: save/load round trips, {@code adapter_config.json} fields, byte-identical files. */
class AdapterFilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static Path conformanceAdapter(String name) {
        return Conformance.requireFolder("adapters/" + name);
    }

    @Test
    void savedAdapterReloadsToIdenticalLogits() throws Exception {
        DjlEngine.get();
        Path llama = PeftTestSupport.llama();
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = DjlModelLoader.load(llama, ComputePolicy.cpu());
                CausalLm other = DjlModelLoader.load(llama, ComputePolicy.cpu())) {
            Map<String, NDArray> g = Conformance.readGolden(llama.resolve("golden.safetensors"), m);
            LoraModel lora = new LoraModel(model);
            LoraConfig config = LoraConfig.builder()
                    .rank(8)
                    .alpha(16)
                    .dropout(0.05)
                    .useDora(true)
                    .target(LoraTarget.parse("q_proj,v_proj,down_proj"))
                    .additionalTargets(List.of("lm_head"))
                    .build();
            lora.addAdapter("mine", config);
            PeftTestSupport.randomize(lora.adapterParameters("mine"), ".lora_B.", 21, 0.05);
            PeftTestSupport.randomize(lora.adapterParameters("mine"), "lora_magnitude_vector", 22, 1.0);
            PeftTestSupport.randomize(lora.adapterParameters("mine"), "modules_to_save", 23, 0.05);
            float[] logits = PeftTestSupport.forward(model, g).logits();
            List<Path> files = lora.saveAdapter("mine", tmp, "tiny-llama");
            assertThat(files)
                    .containsExactly(tmp.resolve("adapter_model.safetensors"), tmp.resolve("adapter_config.json"));

            try (SafetensorsFile f = SafetensorsFile.open(tmp.resolve("adapter_model.safetensors"))) {
                assertThat(f.metadata()).containsExactly(Map.entry("format", "pt"));
                assertThat(f.names())
                        .hasSize(2 * 3 * 3 + 1)
                        .contains(
                                "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
                                "base_model.model.model.layers.1.mlp.down_proj.lora_B.weight",
                                "base_model.model.model.layers.0.self_attn.v_proj.lora_magnitude_vector",
                                "base_model.model.lm_head.weight");
            }
            JsonNode written = JSON.readTree(tmp.resolve("adapter_config.json").toFile());
            assertThat(written.get("r").asInt()).isEqualTo(8);
            assertThat(written.get("lora_alpha").isIntegralNumber()).isTrue();
            assertThat(written.get("lora_alpha").asInt()).isEqualTo(16);
            assertThat(written.get("lora_dropout").asDouble()).isEqualTo(0.05);
            assertThat(written.get("use_dora").asBoolean()).isTrue();
            assertThat(written.get("use_rslora").asBoolean()).isFalse();
            assertThat(names(written.get("target_modules"))).containsExactly("down_proj", "q_proj", "v_proj");
            assertThat(names(written.get("modules_to_save"))).containsExactly("lm_head");
            assertThat(written.get("task_type").asText()).isEqualTo("CAUSAL_LM");
            assertThat(written.get("peft_type").asText()).isEqualTo("LORA");
            assertThat(written.get("inference_mode").asBoolean()).isTrue();
            assertThat(written.get("init_lora_weights").asBoolean()).isTrue();
            assertThat(written.get("base_model_name_or_path").asText()).isEqualTo("tiny-llama");
            assertThat(fieldNames(written))
                    .isEqualTo(fieldNames(JSON.readTree(conformanceAdapter("llama_lora")
                            .resolve("adapter_config.json")
                            .toFile())));

            LoraModel back = new LoraModel(other);
            back.loadAdapter("mine", tmp, false);
            assertThat(back.adapter("mine").config())
                    .isEqualTo(config.toBuilder()
                            .target(LoraTarget.names("down_proj", "q_proj", "v_proj"))
                            .build());
            assertThat(PeftTestSupport.forward(other, g).logits()).containsExactly(logits);
            assertThat(back.parameterCounts().trainable()).isZero();
        }
    }

    @Test
    void conformanceAdapterRewritesByteIdenticalWeightsAndPeftsConfig() throws Exception {
        for (String name : List.of("llama_lora", "llama_rslora", "qwen3_lora")) {
            Path dir = conformanceAdapter(name);
            Path out = tmp.resolve(name);
            try (CausalLm model = DjlModelLoader.load(PeftTestSupport.baseModelOf(dir), ComputePolicy.cpu())) {
                LoraModel lora = new LoraModel(model);
                lora.loadAdapter("default", dir, true);
                JsonNode original =
                        JSON.readTree(dir.resolve("adapter_config.json").toFile());
                lora.saveAdapter(
                        "default", out, original.get("base_model_name_or_path").asText());
            }
            assertThat(Files.readAllBytes(out.resolve("adapter_model.safetensors")))
                    .as(name)
                    .isEqualTo(Files.readAllBytes(dir.resolve("adapter_model.safetensors")));
            ObjectNode ours = (ObjectNode)
                    JSON.readTree(out.resolve("adapter_config.json").toFile());
            ObjectNode theirs = (ObjectNode)
                    JSON.readTree(dir.resolve("adapter_config.json").toFile());
            // The reference was saved without a task type (PEFT then records the model class in auto_mapping);
            // LLaMA-Factory saves with task_type CAUSAL_LM and auto_mapping null, as we do. target_modules is a
            // set in PEFT (arbitrary order); we write it sorted.
            assertThat(ours.get("task_type").asText()).isEqualTo("CAUSAL_LM");
            assertThat(ours.get("auto_mapping").isNull()).isTrue();
            assertThat(new TreeSet<>(names(ours.get("target_modules"))))
                    .isEqualTo(new TreeSet<>(names(theirs.get("target_modules"))));
            for (String k : List.of("task_type", "auto_mapping", "target_modules")) {
                ours.remove(k);
                theirs.remove(k);
            }
            assertThat(ours).as(name).isEqualTo(theirs);
        }
    }

    @Test
    void jsonIsWrittenByteForByteAsPythonWritesIt() throws Exception {
        Path file = conformanceAdapter("llama_lora").resolve("adapter_config.json");
        String text = Files.readString(file);
        assertThat(PythonJson.builder().indent(2).sortKeys(true).build().dumps(JSON.readTree(text)))
                .isEqualTo(text);
        // float repr and the other json.dumps rules are tested in ai.llamafactory.data.json
    }

    @Test
    void adapterConfigFromPeftMapsToTheSettings() throws Exception {
        LoraConfig rs =
                AdapterConfigJson.read(conformanceAdapter("llama_rslora").resolve("adapter_config.json"), "llama");
        assertThat(rs.rank()).isEqualTo(4);
        assertThat(rs.alpha()).isEqualTo(8);
        assertThat(rs.useRslora()).isTrue();
        assertThat(rs.scalingFor("q_proj")).isEqualTo(4.0);
        assertThat(rs.target().kind()).isEqualTo(LoraTarget.Kind.NAMES);
        assertThat(rs.target().names()).hasSize(14).contains("model.layers.0.self_attn.q_proj");

        Path cfg = tmp.resolve("adapter_config.json");
        Files.writeString(
                cfg,
                "{\"peft_type\": \"LORA\", \"r\": 16, \"lora_alpha\": 32, \"target_modules\": null, "
                        + "\"init_lora_weights\": \"pissa_niter_4\", \"rank_pattern\": {\"q_proj\": 8}, "
                        + "\"modules_to_save\": [\"embed_tokens\"], \"some_future_field\": {\"x\": 1}}");
        LoraConfig c = AdapterConfigJson.read(cfg, "qwen2");
        assertThat(c.target().names()).containsExactly("q_proj", "v_proj");
        assertThat(c.init()).isEqualTo(LoraInit.PISSA);
        assertThat(c.pissaIterations()).isEqualTo(4);
        assertThat(c.rankFor("model.layers.3.self_attn.q_proj")).isEqualTo(8);
        assertThat(c.additionalTargets()).containsExactly("embed_tokens");
        Files.writeString(cfg, "{\"r\": 4, \"target_modules\": \"all-linear\"}");
        assertThat(AdapterConfigJson.read(cfg, "llama").target()).isEqualTo(LoraTarget.all());
        Files.writeString(cfg, "{\"r\": 4, \"target_modules\": \".*\\\\.(q|v)_proj\"}");
        assertThat(AdapterConfigJson.read(cfg, "llama").target().kind()).isEqualTo(LoraTarget.Kind.REGEX);
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> fieldNames(JsonNode o) {
        List<String> out = new ArrayList<>();
        Iterator<String> it = o.fieldNames();
        it.forEachRemaining(out::add);
        return out;
    }
}
