package ai.llamafactory.core.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.config.ModelArguments;
import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.core.checkpoint.SafetensorsCheckpoint;
import ai.llamafactory.core.checkpoint.SafetensorsDtype;
import ai.llamafactory.core.checkpoint.SafetensorsWriter;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.testing.Conformance;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a model folder can be wrong gives an error naming the file, the tensor and the values. */
class LoaderBadInputTest {
    @TempDir
    Path tmp;

    Path model;

    @BeforeEach
    void copyLlama() throws IOException {
        DjlEngine.get();
        Path src = Conformance.requireFolder("models").resolve("llama");
        model = tmp.resolve("llama");
        Files.createDirectories(model);
        for (String f : new String[] {"config.json", "model.safetensors"}) {
            Files.copy(src.resolve(f), model.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void missingFolder() {
        assertThatThrownBy(() -> DjlModelLoader.load(tmp.resolve("nope"), ComputePolicy.cpu()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("nope")
                .hasMessageContaining("not exist");
    }

    @Test
    void missingConfig() throws IOException {
        Files.delete(model.resolve("config.json"));
        assertThatThrownBy(() -> DjlModelLoader.load(model, ComputePolicy.cpu()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("config.json");
    }

    @Test
    void missingWeights() throws IOException {
        Files.delete(model.resolve("model.safetensors"));
        Files.writeString(model.resolve("pytorch_model.bin"), "x");
        assertThatThrownBy(() -> DjlModelLoader.load(model, ComputePolicy.cpu()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.safetensors")
                .hasMessageContaining("pytorch_model.bin");
    }

    @Test
    void unknownModelTypeListsSupportedOnes() throws IOException {
        rewriteConfig("\"model_type\": \"llama\"", "\"model_type\": \"bloom\"");
        assertThatThrownBy(() -> DjlModelLoader.load(model, ComputePolicy.cpu()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("bloom")
                .hasMessageContaining("llama, mistral, phi3, qwen2, qwen3");
    }

    @Test
    void shapeDisagreeingWithConfigNamesTensorAndShapes() throws IOException {
        rewriteConfig("\"intermediate_size\": 176", "\"intermediate_size\": 180");
        assertThatThrownBy(() -> DjlModelLoader.load(model, ComputePolicy.cpu()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.layers.0.mlp.gate_proj.weight")
                .hasMessageContaining("[176, 64]")
                .hasMessageContaining("[180, 64]");
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        rewriteConfig("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3");
        assertThatThrownBy(() -> DjlModelLoader.load(model, ComputePolicy.cpu()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.layers.2.");
    }

    @Test
    void unsupportedDtypeForAWeight() throws IOException {
        SafetensorsWriter w = new SafetensorsWriter();
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(model)) {
            for (String name : c.names()) {
                if (name.equals("model.norm.weight")) {
                    ByteBuffer ints = ByteBuffer.allocate(64 * 4).order(ByteOrder.LITTLE_ENDIAN);
                    w.add(name, SafetensorsDtype.I32, new long[] {64}, ints.rewind());
                } else {
                    w.add(name, c.info(name).dtype(), c.info(name).shape(), c.tensorBytes(name));
                }
            }
            Path out = tmp.resolve("int.safetensors");
            w.write(out);
            c.close();
            Files.move(out, model.resolve("model.safetensors"), StandardCopyOption.REPLACE_EXISTING);
        }
        assertThatThrownBy(() -> DjlModelLoader.load(model, ComputePolicy.cpu()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.norm.weight")
                .hasMessageContaining("I32");
    }

    @Test
    void corruptHeaderNamesTheFile() throws IOException {
        byte[] bytes = Files.readAllBytes(model.resolve("model.safetensors"));
        bytes[10] = '#';
        Files.write(model.resolve("model.safetensors"), bytes);
        assertThatThrownBy(() -> DjlModelLoader.load(model, ComputePolicy.cpu()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.safetensors");
    }

    @Test
    void truncatedWeightsNameTheFile() throws IOException {
        byte[] bytes = Files.readAllBytes(model.resolve("model.safetensors"));
        Files.write(model.resolve("model.safetensors"), java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertThatThrownBy(() -> DjlModelLoader.load(model, ComputePolicy.cpu()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.safetensors");
    }

    @Test
    void malformedConfigJson() throws IOException {
        Files.writeString(model.resolve("config.json"), "{\"model_type\": \"llama\", ");
        assertThatThrownBy(() -> DjlModelLoader.load(model, ComputePolicy.cpu()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("config.json")
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void localFolderThroughTheSpi() {
        try (DjlLoadedModel m = new DjlModelLoader()
                .load(ModelArguments.builder(model.toString()).device("cpu").build())) {
            assertThat(m.modelType()).isEqualTo("llama");
            assertThat(m.parameterCount())
                    .isEqualTo(2 * 512 * 64 + 64 + 2 * (2 * 64 + 64 * 64 * 2 + 2 * 64 * 32 + 3 * 64 * 176));
            assertThat(m.trainableParameterCount()).isZero();
        }
    }

    private void rewriteConfig(String from, String to) throws IOException {
        Path f = model.resolve("config.json");
        String s = Files.readString(f);
        assertThat(s).contains(from);
        Files.writeString(f, s.replace(from, to));
    }
}
