package ai.llamafactory.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.core.checkpoint.SafetensorsFile;
import ai.llamafactory.testing.TinyRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code llamafactory export}: a LoRA adapter trained by {@code llamafactory train} is merged into the base and
 * written as a model folder whose weights equal W + (alpha / r) B A; export keys that cannot be honoured exit 2.
 */
class ExportCommandTest {
    private static final String Q_PROJ = "model.layers.1.self_attn.q_proj";

    @TempDir
    static Path tmp;

    static Path model;
    static Path adapter;

    /** Trains a rank-4 LoRA adapter on every linear layer for a few steps through the command line. */
    @BeforeAll
    static void trainAnAdapter() throws Exception {
        model = TinyRun.model("qwen3", tmp.resolve("model"));
        Path data = TinyRun.dataset(tmp.resolve("data"));
        adapter = tmp.resolve("lora");
        Path yaml = Files.writeString(
                tmp.resolve("lora_sft.yaml"),
                """
                model_name_or_path: %s
                stage: sft
                do_train: true
                finetuning_type: lora
                lora_rank: 4
                lora_target: all
                dataset: tiny
                dataset_dir: %s
                template: chatml
                cutoff_len: 64
                output_dir: %s
                logging_steps: 2
                overwrite_output_dir: true
                per_device_train_batch_size: 8
                learning_rate: 1.0e-2
                max_steps: 4
                seed: 7
                """
                        .formatted(model, data, adapter));
        CliRun.Result r = CliRun.of("train", yaml.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(adapter.resolve("adapter_model.safetensors")).exists();
    }

    /** LLaMA-Factory's examples/merge_lora/qwen3_lora_sft.yaml with local folders. */
    private static Path mergeYaml(String name, Path exportDir, String extra) throws Exception {
        return Files.writeString(
                tmp.resolve(name),
                """
                ### model
                model_name_or_path: %s
                adapter_name_or_path: %s
                template: chatml
                trust_remote_code: true

                ### export
                export_dir: %s
                export_size: 5
                export_device: cpu
                export_legacy_format: false
                """
                                .formatted(model, adapter, exportDir)
                        + extra);
    }

    @Test
    void mergesTheAdapterIntoTheBaseWeights() throws Exception {
        Path exportDir = tmp.resolve("merged");
        CliRun.Result r =
                CliRun.of("export", mergeYaml("merge.yaml", exportDir, "").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("with adapter(s) " + adapter + " merged to " + exportDir)
                .contains(exportDir.resolve("model.safetensors").toString());

        for (String f :
                new String[] {"model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json", "Modelfile"
                }) {
            assertThat(exportDir.resolve(f)).as(f).exists();
        }
        assertThat(exportDir.resolve("adapter_model.safetensors")).doesNotExist();
        JsonNode tokenizerConfig = new ObjectMapper()
                .readTree(exportDir.resolve("tokenizer_config.json").toFile());
        assertThat(tokenizerConfig.get("chat_template").asText()).contains("<|im_start|>");
        assertThat(Files.readString(exportDir.resolve("Modelfile")))
                .startsWith("# ollama modelfile")
                .contains("FROM .")
                .contains("<|im_start|>user\n{{ .Content }}<|im_end|>\n")
                .contains("PARAMETER num_ctx 4096");

        JsonNode adapterConfig = new ObjectMapper()
                .readTree(adapter.resolve("adapter_config.json").toFile());
        int rank = adapterConfig.get("r").asInt();
        double scaling = adapterConfig.get("lora_alpha").asDouble() / rank;
        assertThat(rank).isEqualTo(4);
        try (SafetensorsFile base = SafetensorsFile.open(model.resolve("model.safetensors"));
                SafetensorsFile lora = SafetensorsFile.open(adapter.resolve("adapter_model.safetensors"));
                SafetensorsFile merged = SafetensorsFile.open(exportDir.resolve("model.safetensors"))) {
            float[] w = base.toFloatArray(Q_PROJ + ".weight");
            float[] a = lora.toFloatArray("base_model.model." + Q_PROJ + ".lora_A.weight");
            float[] b = lora.toFloatArray("base_model.model." + Q_PROJ + ".lora_B.weight");
            float[] m = merged.toFloatArray(Q_PROJ + ".weight");
            long[] shape = merged.info(Q_PROJ + ".weight").shape();
            int out = (int) shape[0];
            int in = (int) shape[1];
            assertThat(m).hasSize(w.length);
            double maxDelta = 0;
            double maxError = 0;
            for (int i = 0; i < out; i++) {
                for (int j = 0; j < in; j++) {
                    double ba = 0;
                    for (int k = 0; k < rank; k++) {
                        ba += (double) b[i * rank + k] * a[k * in + j];
                    }
                    double expected = w[i * in + j] + scaling * ba;
                    maxDelta = Math.max(maxDelta, Math.abs(scaling * ba));
                    maxError = Math.max(maxError, Math.abs(m[i * in + j] - expected));
                }
            }
            System.out.printf("q_proj: largest LoRA update %.3e, largest merge error %.3e%n", maxDelta, maxError);
            assertThat(maxDelta).as("the trained adapter changes the weights").isGreaterThan(1e-4);
            assertThat(maxError).isLessThan(1e-6);
            assertThat(merged.names()).containsExactlyInAnyOrderElementsOf(base.names());
        }
    }

    @Test
    void withoutExportDirExits2() throws Exception {
        Path yaml = Files.writeString(tmp.resolve("nodir.yaml"), "model_name_or_path: " + model + "\n");
        CliRun.Result r = CliRun.of("export", yaml.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE_ERROR);
        assertThat(r.err()).startsWith("llamafactory: error: export_dir: required");
    }

    @Test
    void unsupportedExportKeysExit2BeforeLoading() throws Exception {
        Path exportDir = tmp.resolve("never");
        Path yaml = mergeYaml("legacy.yaml", exportDir, "");
        CliRun.Result legacy = CliRun.of("export", yaml.toString(), "export_legacy_format=true");
        assertThat(legacy.exitCode()).isEqualTo(ExitCodes.USAGE_ERROR);
        assertThat(legacy.err()).contains("export_legacy_format").contains("got true");
        CliRun.Result hub = CliRun.of("export", yaml.toString(), "export_hub_model_id=me/tiny");
        assertThat(hub.err()).contains("export_hub_model_id").contains("'me/tiny'");
        CliRun.Result full = CliRun.of("export", yaml.toString(), "finetuning_type=full");
        assertThat(full.exitCode()).isEqualTo(ExitCodes.USAGE_ERROR);
        assertThat(full.err()).contains("adapter_name_or_path").contains("finetuning_type is full");
        assertThat(exportDir).doesNotExist();
    }
}
