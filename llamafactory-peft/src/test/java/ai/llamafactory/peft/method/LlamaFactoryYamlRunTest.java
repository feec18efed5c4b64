package ai.llamafactory.peft.method;

import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.api.FineTune;
import ai.llamafactory.api.run.TrainingResult;
import ai.llamafactory.testing.TinyRun;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LLaMA-Factory's own example YAMLs (examples/train_lora, copied verbatim) run unchanged: only the model path is
 * replaced by a local tiny model, and the run is cut to two steps with an output folder in a temp dir.
 */
class LlamaFactoryYamlRunTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"qwen3_lora_sft.yaml", "qwen3_lora_pretrain.yaml"})
    void exampleRunsUnchanged(String file) throws Exception {
        Path model = TinyRun.model("qwen3", tmp.resolve("model"));
        Path yaml = tmp.resolve(file);
        try (InputStream in = getClass().getResourceAsStream("/llamafactory-examples/" + file)) {
            Files.copy(in, yaml, StandardCopyOption.REPLACE_EXISTING);
        }
        Path out = tmp.resolve("out");
        TrainingResult r = FineTune.fromYaml(yaml, "model_name_or_path=" + model, "output_dir=" + out, "max_steps=2")
                .run();
        assertThat(r.completed()).isTrue();
        assertThat(r.globalSteps()).isEqualTo(2);
        assertThat(out.resolve("adapter_model.safetensors")).exists();
        assertThat(out.resolve("adapter_config.json")).exists();
        assertThat(out.resolve("training_loss.png")).exists();
        assertThat(r.finalLoss()).isPresent();
    }
}
