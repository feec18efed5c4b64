package ai.llamafactory.peft.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.llamafactory.core.checkpoint.SafetensorsCheckpoint;
import ai.llamafactory.core.checkpoint.SafetensorsDtype;
import ai.llamafactory.core.checkpoint.SafetensorsFile;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.loader.DjlModelLoader;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.peft.PeftTestSupport;
import ai.llamafactory.peft.lora.LoraModel;
import ai.llamafactory.testing.Conformance;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Merged export: sharded safetensors with index, config files, tokenizer with chat template, Modelfile. */
class ModelExporterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void exportedShardedFolderLoadsAndGivesTheAdaptersLogits() throws Exception {
        DjlEngine.get();
        Path adapter = Conformance.requireFolder("adapters").resolve("llama_lora");
        Path base = PeftTestSupport.baseModelOf(adapter);
        Path out = tmp.resolve("export");
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = DjlModelLoader.load(base, ComputePolicy.cpu())) {
            Map<String, NDArray> g = Conformance.readGolden(adapter.resolve("golden.safetensors"), m);
            LoraModel lora = new LoraModel(model);
            lora.loadAdapter("default", adapter, false);
            OllamaModelfile modelfile = OllamaModelfile.builder()
                    .systemSlot("<|im_start|>system\n{{content}}<|im_end|>\n")
                    .userSlot("<|im_start|>user\n{{content}}<|im_end|>\n<|im_start|>assistant\n")
                    .assistantSlot("{{content}}<|im_end|>\n")
                    .defaultSystem("You are a helpful assistant.")
                    .stopTokens(List.of("<|im_end|>"))
                    .build();
            List<Path> files = ModelExporter.export(
                    lora,
                    ExportConfig.builder(out)
                            .maxShardBytes(100_000)
                            .sourceFolder(base)
                            .chatTemplate("{{ messages[0]['content'] }}")
                            .modelfile(modelfile)
                            .build());

            List<Path> shards;
            try (Stream<Path> s = Files.list(out)) {
                shards = s.filter(p -> p.getFileName().toString().matches("model-\\d{5}-of-\\d{5}\\.safetensors"))
                        .sorted()
                        .toList();
            }
            assertThat(shards).hasSizeGreaterThan(3);
            assertThat(files)
                    .containsAll(shards)
                    .contains(
                            out.resolve("model.safetensors.index.json"),
                            out.resolve("config.json"),
                            out.resolve("generation_config.json"),
                            out.resolve("Modelfile"),
                            out.resolve("tokenizer_config.json"));
            JsonNode index =
                    JSON.readTree(out.resolve("model.safetensors.index.json").toFile());
            Set<String> mapped = new HashSet<>();
            long bytes = 0;
            for (Path shard : shards) {
                try (SafetensorsFile f = SafetensorsFile.open(shard)) {
                    // A tensor larger than the limit gets a shard of its own, as in transformers.
                    assertThat(f.dataLength() <= 100_000 || f.size() == 1)
                            .as(shard.toString())
                            .isTrue();
                    for (String n : f.names()) {
                        assertThat(index.get("weight_map").get(n).asText())
                                .isEqualTo(shard.getFileName().toString());
                        mapped.add(n);
                        bytes += f.info(n).byteLength();
                    }
                }
            }
            assertThat(index.get("weight_map").size()).isEqualTo(mapped.size());
            assertThat(index.get("metadata").get("total_size").asLong()).isEqualTo(bytes);
            assertThat(mapped)
                    .hasSize(model.parameters().size())
                    .contains("model.layers.0.self_attn.q_proj.weight", "lm_head.weight")
                    .noneMatch(n -> n.contains("lora") || n.contains("base_layer"));

            try (CausalLm back = DjlModelLoader.load(out, ComputePolicy.cpu())) {
                PeftTestSupport.Forward f = PeftTestSupport.forward(back, g);
                double diff = PeftTestSupport.maxMaskedDiff(
                        f.logits(), g.get("logits").toFloatArray(), g.get("attention_mask"));
                System.out.printf(
                        "exported llama_lora (%d shards): max|logits - golden adapter logits| = %.3g%n",
                        shards.size(), diff);
                assertThat(diff).isLessThanOrEqualTo(1e-4);
            }
            JsonNode config = JSON.readTree(out.resolve("config.json").toFile());
            assertThat(config.get("model_type").asText()).isEqualTo("llama");
            assertThat(config.get("dtype").asText()).isEqualTo("float32");
            JsonNode tok = JSON.readTree(out.resolve("tokenizer_config.json").toFile());
            assertThat(tok.get("chat_template").asText()).isEqualTo("{{ messages[0]['content'] }}");
            assertThat(Files.readString(out.resolve("Modelfile")))
                    .isEqualTo(
                            """
                    # ollama modelfile auto-generated by llamafactory-java

                    FROM .

                    TEMPLATE \"""{{ if .System }}<|im_start|>system
                    {{ .System }}<|im_end|>
                    {{ end }}{{ range .Messages }}{{ if eq .Role "user" }}<|im_start|>user
                    {{ .Content }}<|im_end|>
                    <|im_start|>assistant
                    {{ else if eq .Role "assistant" }}{{ .Content }}<|im_end|>
                    {{ end }}{{ end }}\"""

                    SYSTEM \"""You are a helpful assistant.\"""

                    PARAMETER stop "<|im_end|>"
                    PARAMETER num_ctx 4096
                    """);
        }
    }

    @Test
    void tokenizerFilesAreCopiedWithTheTemplateAndHalfPrecisionIsWritten() throws Exception {
        Path tokenizer = Conformance.requireFolder("tokenizers").resolve("qwen3");
        Path base = PeftTestSupport.model("qwen3");
        Path src = tmp.resolve("src");
        Files.createDirectories(src);
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
            Files.copy(tokenizer.resolve(f), src.resolve(f));
        }
        Path out = tmp.resolve("fp16");
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = DjlModelLoader.load(base, ComputePolicy.cpu())) {
            Map<String, NDArray> g = Conformance.readGolden(base.resolve("golden.safetensors"), m);
            float[] reference = PeftTestSupport.forward(model, g).logits();
            ModelExporter.export(
                    model,
                    ExportConfig.builder(out)
                            .weightDtype(SafetensorsDtype.F16)
                            .sourceFolder(src)
                            .chatTemplate("{% for m in messages %}{{ m['content'] }}é{% endfor %}")
                            .build());
            assertThat(out.resolve("tokenizer.json")).hasSameBinaryContentAs(src.resolve("tokenizer.json"));
            String tokText = Files.readString(out.resolve("tokenizer_config.json"));
            assertThat(tokText)
                    .contains("\"chat_template\": \"{% for m in messages %}{{ m['content'] }}é{% endfor %}\"")
                    .endsWith("}\n");
            JsonNode before = JSON.readTree(src.resolve("tokenizer_config.json").toFile());
            JsonNode after = JSON.readTree(tokText);
            assertThat(after.size()).isEqualTo(before.size() + (before.has("chat_template") ? 0 : 1));
            try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(out, "model")) {
                assertThat(ckpt.info("model.embed_tokens.weight").dtype()).isEqualTo(SafetensorsDtype.F16);
                assertThat(ckpt.names()).doesNotContain("lm_head.weight");
            }
            assertThat(JSON.readTree(out.resolve("config.json").toFile())
                            .get("dtype")
                            .asText())
                    .isEqualTo("float16");
            try (CausalLm back = DjlModelLoader.load(out, ComputePolicy.cpu())) {
                double diff =
                        PeftTestSupport.maxDiff(PeftTestSupport.forward(back, g).logits(), reference);
                assertThat(diff).as("fp16 rounding only").isLessThan(2e-2).isGreaterThan(0);
            }
        }
    }

    @Test
    void modelWithUnmergedAdaptersIsRefused() {
        try (CausalLm model = DjlModelLoader.load(PeftTestSupport.llama(), ComputePolicy.cpu())) {
            new LoraModel(model)
                    .addAdapter(
                            "default",
                            ai.llamafactory.peft.lora.LoraConfig.builder().build());
            assertThatThrownBy(() -> ModelExporter.export(
                            model, ExportConfig.builder(tmp).build()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("merge them first");
            // export_size is checked once, by ExportArguments' key, when the configuration is built
            assertThatThrownBy(() -> ExportConfig.builder(tmp).exportSize(0).build())
                    .hasMessageContaining("export_size: must be a positive integer, got 0");
        }
    }
}
