package ai.llamafactory.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.testing.Conformance;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reads and re-writes the checkpoints Python wrote for the conformance suite. */
class SafetensorsConformanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"llama", "llama_bf16", "qwen2", "qwen2_legacy_config", "qwen3", "phi3"})
    void modelTensorsMatchConfig(String model) throws IOException {
        Path folder = Conformance.requireFolder("models").resolve(model);
        JsonNode config = JSON.readTree(folder.resolve("config.json").toFile());
        Map<String, List<Long>> expected = expectedModelShapes(config);
        String dtypeName = config.has("dtype")
                ? config.get("dtype").asText()
                : config.get("torch_dtype").asText();
        SafetensorsDtype expectedDtype = dtypeName.equals("bfloat16") ? SafetensorsDtype.BF16 : SafetensorsDtype.F32;

        try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(folder)) {
            assertThat(checkpoint.location())
                    .isEqualTo(
                            folder.resolve("model.safetensors").toAbsolutePath().normalize());
            assertThat(checkpoint.isSharded()).isFalse();
            assertThat(checkpoint.files().get(0).metadata()).containsExactly(Map.entry("format", "pt"));
            Map<String, List<Long>> actual = new LinkedHashMap<>();
            long bytes = 0;
            for (String name : checkpoint.names()) {
                TensorInfo info = checkpoint.info(name);
                assertThat(info.dtype()).as(name).isEqualTo(expectedDtype);
                actual.put(name, boxed(info.shape()));
                bytes += info.numElements() * expectedDtype.byteSize();
            }
            assertThat(actual).isEqualTo(expected);
            assertThat(checkpoint.totalBytes()).isEqualTo(bytes);
            // the data section holds nothing but these tensors
            assertThat(checkpoint.files().get(0).dataLength()).isEqualTo(bytes);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama_lora", "llama_rslora", "qwen3_lora"})
    void adapterTensorsMatchAdapterConfigAndBaseModel(String adapter) throws IOException {
        Path folder = Conformance.requireFolder("adapters").resolve(adapter);
        JsonNode config = JSON.readTree(folder.resolve("adapter_config.json").toFile());
        int rank = config.get("r").asInt();
        Path base = Conformance.requireFolder("models").resolve(adapter.substring(0, adapter.indexOf('_')));
        Map<String, List<Long>> expected = new java.util.TreeMap<>();
        try (SafetensorsCheckpoint baseModel = SafetensorsCheckpoint.open(base)) {
            for (JsonNode target : config.get("target_modules")) {
                long[] weight = baseModel.info(target.asText() + ".weight").shape();
                String prefix = "base_model.model." + target.asText();
                expected.put(prefix + ".lora_A.weight", List.of((long) rank, weight[1]));
                expected.put(prefix + ".lora_B.weight", List.of(weight[0], (long) rank));
            }
        }
        try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(folder)) {
            assertThat(checkpoint.location().getFileName().toString()).isEqualTo("adapter_model.safetensors");
            Map<String, List<Long>> actual = new java.util.TreeMap<>();
            for (String name : checkpoint.names()) {
                assertThat(checkpoint.info(name).dtype()).isEqualTo(SafetensorsDtype.F32);
                actual.put(name, boxed(checkpoint.info(name).shape()));
            }
            assertThat(actual).isEqualTo(expected).hasSize(28);
        }
    }

    @Test
    void bf16CheckpointLoadsAsTheFp32WeightsRoundedToBf16() {
        DjlEngine.get();
        try (SafetensorsCheckpoint fp32 = SafetensorsCheckpoint.open(
                        Conformance.requireFolder("models").resolve("llama"));
                SafetensorsCheckpoint bf16 = SafetensorsCheckpoint.open(
                        Conformance.requireFolder("models").resolve("llama_bf16"));
                NDManager manager = NDManager.newBaseManager()) {
            assertThat(bf16.names()).containsExactlyInAnyOrderElementsOf(fp32.names());
            int differing = 0;
            for (String name : fp32.names()) {
                float[] reference = fp32.toFloatArray(name);
                float[] rounded = new float[reference.length];
                for (int i = 0; i < reference.length; i++) {
                    rounded[i] = HalfFloats.roundToBf16(reference[i]);
                    differing += rounded[i] != reference[i] ? 1 : 0;
                }
                try (NDArray loaded = bf16.load(manager, name)) {
                    assertThat(loaded.getDataType()).isEqualTo(DataType.FLOAT32);
                    assertThat(loaded.getShape().getShape())
                            .isEqualTo(fp32.info(name).shape());
                    assertThat(loaded.getName()).isEqualTo(name);
                    assertThat(loaded.toFloatArray()).as(name).containsExactly(rounded);
                }
                assertThat(bf16.toFloatArray(name)).as(name).containsExactly(rounded);
                // to fp16 straight from bf16: fp16 rounding of the bf16 values
                try (NDArray half = bf16.load(manager, name, DataType.FLOAT16);
                        NDArray widened = half.toType(DataType.FLOAT32, false)) {
                    float[] expected = new float[rounded.length];
                    for (int i = 0; i < rounded.length; i++) {
                        expected[i] = HalfFloats.roundToFp16(rounded[i]);
                    }
                    assertThat(widened.toFloatArray()).as(name).containsExactly(expected);
                }
            }
            assertThat(differing).as("fp32 weights that bf16 rounding changes").isGreaterThan(100_000);
        }
    }

    @Test
    void goldenIntegerTensorsLoadExactly() {
        DjlEngine.get();
        try (SafetensorsCheckpoint golden = SafetensorsCheckpoint.open(
                        Conformance.requireFolder("models").resolve("llama").resolve("golden.safetensors"));
                NDManager manager = NDManager.newBaseManager()) {
            assertThat(golden.names()).containsExactly("attention_mask", "input_ids", "labels", "logits", "loss");
            long[] mask = golden.files().get(0).toLongArray("attention_mask");
            assertThat(mask).hasSize(24);
            assertThat(java.util.Arrays.copyOfRange(mask, 12, 24))
                    .containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0); // row 1 right-padded by 3
            long[] labels = golden.files().get(0).toLongArray("labels");
            assertThat(labels[0]).isEqualTo(-100);
            try (NDArray ids = golden.load(manager, "input_ids")) {
                assertThat(ids.getDataType()).isEqualTo(DataType.INT64);
                assertThat(ids.getShape().getShape()).containsExactly(2, 12);
                assertThat(ids.toLongArray())
                        .containsExactly(golden.files().get(0).toLongArray("input_ids"));
            }
            // narrowing int64 -> int32 could lose values: refused, naming tensor and file
            assertThatThrownBy(() -> golden.load(manager, "input_ids", DataType.INT32))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("'input_ids'")
                    .hasMessageContaining("golden.safetensors")
                    .hasMessageContaining("I64")
                    .hasMessageContaining("INT32");
        }
    }

    /** Every safetensors file Python wrote for the conformance suite. */
    static List<String> pythonWrittenFiles() {
        List<String> files = new ArrayList<>();
        for (String m : List.of("llama", "llama_bf16", "qwen2", "qwen2_legacy_config", "qwen3", "phi3")) {
            files.add("models/" + m + "/model.safetensors");
            files.add("models/" + m + "/golden.safetensors");
        }
        for (String a : List.of("llama_lora", "llama_rslora", "qwen3_lora")) {
            files.add("adapters/" + a + "/adapter_model.safetensors");
            files.add("adapters/" + a + "/golden.safetensors");
        }
        return files;
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("pythonWrittenFiles")
    void rewritingBytesReproducesThePythonFile(String relative) throws IOException {
        Path original = Conformance.requireFolder("models").getParent().resolve(relative);
        Path copy = temp.resolve("copy.safetensors");
        try (SafetensorsFile file = SafetensorsFile.open(original)) {
            SafetensorsWriter writer = new SafetensorsWriter().metadata(file.metadata());
            List<String> names = new ArrayList<>(file.names());
            Collections.reverse(names); // the writer must restore Python's order itself
            for (String name : names) {
                TensorInfo info = file.info(name);
                writer.add(name, info.dtype(), info.shape(), file.tensorBytes(name));
            }
            writer.write(copy);
        }
        assertThat(Files.mismatch(copy, original))
                .as("first differing byte of %s", relative)
                .isEqualTo(-1L);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("pythonWrittenFiles")
    void rewritingThroughDjlArraysReproducesThePythonFile(String relative) throws IOException {
        DjlEngine.get();
        Path original = Conformance.requireFolder("models").getParent().resolve(relative);
        Path copy = temp.resolve("copy.safetensors");
        try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(original);
                NDManager manager = NDManager.newBaseManager()) {
            SafetensorsWriter writer =
                    new SafetensorsWriter().metadata(checkpoint.files().get(0).metadata());
            for (String name : checkpoint.names()) {
                // BF16 arrives as FLOAT32 and is narrowed back to BF16 while writing
                writer.add(
                        name,
                        checkpoint.load(manager, name),
                        checkpoint.info(name).dtype());
            }
            writer.write(copy);
        }
        assertThat(Files.mismatch(copy, original))
                .as("first differing byte of %s", relative)
                .isEqualTo(-1L);
    }

    private static Map<String, List<Long>> expectedModelShapes(JsonNode c) {
        long hidden = c.get("hidden_size").asLong();
        long inter = c.get("intermediate_size").asLong();
        long vocab = c.get("vocab_size").asLong();
        long heads = c.get("num_attention_heads").asLong();
        long kvHeads = c.get("num_key_value_heads").asLong();
        long headDim = c.hasNonNull("head_dim") ? c.get("head_dim").asLong() : hidden / heads;
        String type = c.get("model_type").asText();
        boolean qkvBias = type.equals("qwen2") || c.path("attention_bias").asBoolean(false);
        Map<String, List<Long>> m = new java.util.TreeMap<>();
        m.put("model.embed_tokens.weight", List.of(vocab, hidden));
        m.put("model.norm.weight", List.of(hidden));
        if (!c.path("tie_word_embeddings").asBoolean(false)) {
            m.put("lm_head.weight", List.of(vocab, hidden));
        }
        for (int i = 0; i < c.get("num_hidden_layers").asInt(); i++) {
            String p = "model.layers." + i + ".";
            m.put(p + "input_layernorm.weight", List.of(hidden));
            m.put(p + "post_attention_layernorm.weight", List.of(hidden));
            m.put(p + "mlp.down_proj.weight", List.of(hidden, inter));
            m.put(p + "self_attn.o_proj.weight", List.of(hidden, heads * headDim));
            if (type.equals("phi3")) {
                m.put(p + "self_attn.qkv_proj.weight", List.of((heads + 2 * kvHeads) * headDim, hidden));
                m.put(p + "mlp.gate_up_proj.weight", List.of(2 * inter, hidden));
                continue;
            }
            m.put(p + "self_attn.q_proj.weight", List.of(heads * headDim, hidden));
            m.put(p + "self_attn.k_proj.weight", List.of(kvHeads * headDim, hidden));
            m.put(p + "self_attn.v_proj.weight", List.of(kvHeads * headDim, hidden));
            m.put(p + "mlp.gate_proj.weight", List.of(inter, hidden));
            m.put(p + "mlp.up_proj.weight", List.of(inter, hidden));
            if (qkvBias) {
                m.put(p + "self_attn.q_proj.bias", List.of(heads * headDim));
                m.put(p + "self_attn.k_proj.bias", List.of(kvHeads * headDim));
                m.put(p + "self_attn.v_proj.bias", List.of(kvHeads * headDim));
            }
            if (type.equals("qwen3")) {
                m.put(p + "self_attn.q_norm.weight", List.of(headDim));
                m.put(p + "self_attn.k_norm.weight", List.of(headDim));
            }
        }
        return m;
    }

    private static List<Long> boxed(long[] shape) {
        List<Long> out = new ArrayList<>();
        for (long d : shape) {
            out.add(d);
        }
        return out;
    }
}
