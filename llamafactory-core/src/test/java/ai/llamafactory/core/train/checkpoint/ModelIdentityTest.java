package ai.llamafactory.core.train.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.api.exception.TrainingException;
import ai.llamafactory.testing.Conformance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model fingerprint and the training position: what a checkpoint records to be resumed safely. */
class ModelIdentityTest {
    @TempDir
    Path temp;

    private static final String LLAMA =
            """
            {"architectures": ["LlamaForCausalLM"], "hidden_size": 64, "intermediate_size": 176,
             "model_type": "llama", "num_attention_heads": 4, "num_hidden_layers": 2, "num_key_value_heads": 2,
             "rms_norm_eps": 1e-05, "vocab_size": 512, "_name_or_path": "/models/a", "transformers_version": "5.17.0"}
            """;

    private Path config(String name, String json) throws IOException {
        Path dir = temp.resolve(name);
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve("config.json"), json);
    }

    @Test
    void fingerprintRecordsTypeSizesAndAHashThatIgnoresCopyDetails() throws IOException {
        ModelFingerprint a = ModelFingerprint.ofConfigFile(config("a", LLAMA));
        assertThat(a.modelType()).isEqualTo("llama");
        assertThat(a.sizes())
                .containsExactly(
                        Map.entry("vocab_size", 512L),
                        Map.entry("hidden_size", 64L),
                        Map.entry("intermediate_size", 176L),
                        Map.entry("num_hidden_layers", 2L),
                        Map.entry("num_attention_heads", 4L),
                        Map.entry("num_key_value_heads", 2L));
        assertThat(a.configSha256()).hasSize(64);

        // Same model copied elsewhere and re-saved: other path, other transformers version, other formatting.
        String copied = LLAMA.replace("/models/a", "/data/copy")
                .replace("5.17.0", "4.57.1")
                .replace("1e-05", "0.00001")
                .replace(", ", ",\n ");
        assertThat(ModelFingerprint.ofConfigFile(config("b", copied))).isEqualTo(a);

        ModelFingerprint wider = ModelFingerprint.ofConfigFile(
                config("c", LLAMA.replace("\"hidden_size\": 64", "\"hidden_size\": 128")));
        assertThat(wider.differences(a)).first().asString().isEqualTo("hidden_size: 128 vs 64");
        assertThat(wider.differences(a)).last().asString().startsWith("config.json sha256: ");
    }

    @Test
    void resumingWithAnotherModelIsRefusedWithTheDifferences() throws IOException {
        ModelFingerprint trainedWith = ModelFingerprint.ofConfigFile(config("a", LLAMA))
                .withMethod("finetuning_type", "lora")
                .withMethod("lora_rank", "8");
        Checkpoint checkpoint = new CheckpointWriter(temp.resolve("out"), trainedWith)
                .write(4, files -> files.writeString("adapter_model.safetensors", "x"));
        checkpoint.requireSameModel(trainedWith);

        ModelFingerprint otherRank = trainedWith.withMethod("lora_rank", "16");
        assertThatThrownBy(() -> checkpoint.requireSameModel(otherRank))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining(checkpoint.folder().toString())
                .hasMessageContaining("lora_rank: 8 vs 16");

        ModelFingerprint qwen = ModelFingerprint.ofConfigFile(config(
                        "q",
                        LLAMA.replace("\"llama\"", "\"qwen2\"")
                                .replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3")))
                .withMethod("finetuning_type", "lora")
                .withMethod("lora_rank", "8");
        assertThatThrownBy(() -> checkpoint.requireSameModel(qwen))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("model_type: llama vs qwen2")
                .hasMessageContaining("num_hidden_layers: 2 vs 3")
                .hasMessageContaining("different model");

        Checkpoint anonymous =
                new CheckpointWriter(temp.resolve("out2"), null).write(1, files -> files.writeString("w", "x"));
        assertThatThrownBy(() -> anonymous.requireSameModel(trainedWith))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("has no model_fingerprint.json");
    }

    @Test
    void conformanceModelsOfDifferentFamiliesDiffer() {
        ModelFingerprint llama = ModelFingerprint.ofConfigFile(Conformance.requireFile("models/llama/config.json"));
        ModelFingerprint qwen2 = ModelFingerprint.ofConfigFile(Conformance.requireFile("models/qwen2/config.json"));
        assertThat(llama).isEqualTo(ModelFingerprint.ofConfigFile(Conformance.requireFile("models/llama/config.json")));
        assertThat(llama.sizes()).containsEntry("head_dim", 16L).containsEntry("vocab_size", 512L);
        assertThat(llama.differences(qwen2)).contains("model_type: llama vs qwen2", "head_dim: 16 vs (absent)");
    }

    @Test
    void configWithoutModelTypeIsRefused() throws IOException {
        Path file = config("bad", "{\"hidden_size\": 8}");
        assertThatThrownBy(() -> ModelFingerprint.ofConfigFile(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("model_type");
    }

    @Test
    void trainingPositionRoundTripsAndRejectsBadFiles() throws IOException {
        TrainingPosition position = new TrainingPosition(
                120, 2, 17, 960, 123_456, 42, new TrainingPosition.LossTally(0.1 + 0.2, 118, 1.0 / 3, 2));
        Path file = temp.resolve(CheckpointLayout.TRAINING_POSITION);
        position.write(file);
        assertThat(Files.readString(file))
                .isEqualTo(
                        """
                {
                  "format_version": 1,
                  "global_step": 120,
                  "epoch": 2,
                  "batch_in_epoch": 17,
                  "samples_seen": 960,
                  "tokens_seen": 123456,
                  "seed": 42,
                  "loss_tally": {
                    "train_loss_sum": 0.30000000000000004,
                    "train_loss_steps": 118,
                    "since_log_sum": 0.3333333333333333,
                    "since_log_steps": 2
                  }
                }
                """);
        // The sums come back bit for bit, so a resumed run's means equal the uninterrupted run's.
        assertThat(TrainingPosition.read(file)).isEqualTo(position);
        Files.writeString(
                file,
                "{\"format_version\": 1, \"global_step\": 3, \"epoch\": 0, \"batch_in_epoch\": 1,"
                        + " \"samples_seen\": 0, \"tokens_seen\": 0, \"seed\": 1}");
        assertThat(TrainingPosition.read(file).losses())
                .as("a position written before the tally existed")
                .isEqualTo(TrainingPosition.LossTally.ZERO);

        Files.writeString(
                file,
                "{\"format_version\": 1, \"global_step\": 3, \"epoch\": 0, \"batch_in_epoch\": 1.5,"
                        + " \"samples_seen\": 0, \"tokens_seen\": 0, \"seed\": 1}");
        assertThatThrownBy(() -> TrainingPosition.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("batch_in_epoch")
                .hasMessageContaining("1.5");
        Files.writeString(file, "{\"format_version\": 1, \"global_step\": 3}");
        assertThatThrownBy(() -> TrainingPosition.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("\"epoch\" is missing");
        Files.writeString(
                file,
                "{\"format_version\": 1, \"global_step\": -3, \"epoch\": 0, \"batch_in_epoch\": 1,"
                        + " \"samples_seen\": 0, \"tokens_seen\": 0, \"seed\": 1}");
        assertThatThrownBy(() -> TrainingPosition.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("global_step=-3");
        assertThatThrownBy(() -> new TrainingPosition(1, 0, -1, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
