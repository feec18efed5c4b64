package ai.llamafactory.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.llamafactory.core.engine.DjlEngine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sharded writing as transformers' save_pretrained(max_shard_size=...) does it, and reading back by index. */
class ShardedSafetensorsTest {
    @TempDir
    Path temp;

    /** Tensors of 400, 400, 1200, 300 and 100 bytes (F32, values = index + tensor number). */
    private static SafetensorsWriter fiveTensors() {
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
        String[] names = {"b.weight", "a.weight", "big", "d", "c"};
        int[] elements = {100, 100, 300, 75, 25};
        for (int t = 0; t < names.length; t++) {
            ByteBuffer data = SafetensorsRoundTripTest.le(elements[t] * 4);
            for (int i = 0; i < elements[t]; i++) {
                data.putFloat(i + 1000f * t);
            }
            writer.add(names[t], SafetensorsDtype.F32, new long[] {elements[t]}, data.flip());
        }
        return writer;
    }

    @Test
    void greedyShardsWithOversizedTensorAloneAndIndexAsTransformersWritesIt() throws IOException {
        List<Path> written = fiveTensors().writeSharded(temp, "model", 1000);
        // greedy in insertion order: [b, a] (800), big > limit -> its own shard at once, d would tip [b, a] over
        // -> [b, a] closes, then [d, c]; so shard order is [big], [b, a], [d, c] (huggingface_hub's algorithm)
        assertThat(written)
                .containsExactly(
                        temp.resolve("model-00001-of-00003.safetensors"),
                        temp.resolve("model-00002-of-00003.safetensors"),
                        temp.resolve("model-00003-of-00003.safetensors"),
                        temp.resolve("model.safetensors.index.json"));
        String index = Files.readString(temp.resolve("model.safetensors.index.json"));
        assertThat(index)
                .isEqualTo("{\n"
                        + "  \"metadata\": {\n"
                        + "    \"total_parameters\": 600,\n"
                        + "    \"total_size\": 2400\n"
                        + "  },\n"
                        + "  \"weight_map\": {\n"
                        + "    \"a.weight\": \"model-00002-of-00003.safetensors\",\n"
                        + "    \"b.weight\": \"model-00002-of-00003.safetensors\",\n"
                        + "    \"big\": \"model-00001-of-00003.safetensors\",\n"
                        + "    \"c\": \"model-00003-of-00003.safetensors\",\n"
                        + "    \"d\": \"model-00003-of-00003.safetensors\"\n"
                        + "  }\n"
                        + "}\n");
        try (SafetensorsFile second = SafetensorsFile.open(temp.resolve("model-00002-of-00003.safetensors"))) {
            assertThat(second.names()).containsExactly("a.weight", "b.weight");
            assertThat(second.metadata()).containsEntry("format", "pt");
        }

        DjlEngine.get();
        try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(temp);
                NDManager manager = NDManager.newBaseManager()) {
            assertThat(checkpoint.isSharded()).isTrue();
            assertThat(checkpoint.location()).isEqualTo(temp.resolve("model.safetensors.index.json"));
            assertThat(checkpoint.files()).hasSize(3);
            assertThat(checkpoint.names()).containsExactly("big", "a.weight", "b.weight", "c", "d");
            assertThat(checkpoint.totalBytes()).isEqualTo(2400);
            assertThat(checkpoint.info("d").file()).isEqualTo(temp.resolve("model-00003-of-00003.safetensors"));
            assertThat(checkpoint.toFloatArray("a.weight")[7]).isEqualTo(1007f);
            try (NDArray big = checkpoint.load(manager, "big")) {
                assertThat(big.getShape().getShape()).containsExactly(300);
                assertThat(big.toFloatArray()[299]).isEqualTo(2299f);
            }
            assertThat(checkpoint.load(manager, "c").toFloatArray()[24]).isEqualTo(4024f);
        }
    }

    @Test
    void singleShardIsWrittenWithoutIndexAndStaleShardsAreRemoved() throws IOException {
        fiveTensors().writeSharded(temp, "model", 1000);
        Files.writeString(temp.resolve("model-00009-of-00011.safetensors"), "stale");
        Files.writeString(temp.resolve("config.json"), "{}");
        List<Path> written = fiveTensors().writeSharded(temp, "model", SafetensorsWriter.DEFAULT_MAX_SHARD_BYTES);
        assertThat(written).containsExactly(temp.resolve("model.safetensors"));
        try (Stream<Path> files = Files.list(temp)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("model.safetensors", "config.json");
        }
        try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(temp)) {
            assertThat(checkpoint.isSharded()).isFalse();
            assertThat(checkpoint.names()).containsExactly("a.weight", "b.weight", "big", "c", "d");
        }
        // and back to shards: the single file goes
        fiveTensors().writeSharded(temp, "model", 2000); // [b, a, big] = 2000, [d, c]
        try (Stream<Path> files = Files.list(temp)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(
                            "config.json",
                            "model-00001-of-00002.safetensors",
                            "model-00002-of-00002.safetensors",
                            "model.safetensors.index.json");
        }
    }

    @Test
    void prefixIsAParameter() {
        List<Path> written = fiveTensors().writeSharded(temp, "adapter_model", 2000);
        assertThat(written)
                .containsExactly(
                        temp.resolve("adapter_model-00001-of-00002.safetensors"),
                        temp.resolve("adapter_model-00002-of-00002.safetensors"),
                        temp.resolve("adapter_model.safetensors.index.json"));
        try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(temp, "adapter_model")) {
            assertThat(checkpoint.names()).containsExactlyInAnyOrder("a.weight", "b.weight", "big", "c", "d");
        }
    }

    @Test
    void indexEscapesLikePythonJson() throws IOException {
        new SafetensorsWriter()
                .add("é\"x", SafetensorsDtype.U8, new long[] {1}, ByteBuffer.allocate(1))
                .add("😀", SafetensorsDtype.U8, new long[] {1}, ByteBuffer.allocate(1))
                .writeSharded(temp, "model", 1);
        String index = Files.readString(temp.resolve("model.safetensors.index.json"));
        assertThat(index)
                .contains("    \"\\u00e9\\\"x\": \"model-00001-of-00002.safetensors\",\n"
                        + "    \"\\ud83d\\ude00\": \"model-00002-of-00002.safetensors\"\n");
        try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(temp)) {
            assertThat(checkpoint.names()).containsExactly("é\"x", "😀");
        }
    }
}
