package ai.llamafactory.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.core.engine.DjlEngine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Write-then-read round trips for every dtype, the byte layout, the DJL bridge and the chunked paths. */
class SafetensorsRoundTripTest {
    @TempDir
    Path temp;

    @BeforeAll
    static void engine() {
        DjlEngine.get();
    }

    @Test
    void everyDtypeRoundTripsWithMetadata() throws IOException {
        Random random = new Random(42);
        Map<String, ByteBuffer> data = new LinkedHashMap<>();
        SafetensorsWriter writer = new SafetensorsWriter()
                .metadata("format", "pt")
                .metadata("note", "quote \" backslash \\ newline \n tab \t bell \u0007 é 中 😀");
        long[] shape = {3, 5};
        for (SafetensorsDtype dtype : SafetensorsDtype.values()) {
            byte[] bytes = new byte[15 * dtype.byteSize()];
            random.nextBytes(bytes);
            if (dtype == SafetensorsDtype.BOOL) {
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = (byte) (bytes[i] & 1);
                }
            }
            String name = "t_" + dtype.name().toLowerCase(java.util.Locale.ROOT);
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            data.put(name, buffer);
            writer.add(name, dtype, shape, buffer);
        }
        writer.add(
                "scalar",
                SafetensorsDtype.F32,
                new long[0],
                le(4).putFloat(2.5f).flip());
        writer.add("empty", SafetensorsDtype.F16, new long[] {0, 7}, ByteBuffer.allocate(0));
        Path file = temp.resolve("all.safetensors");
        writer.write(file);

        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            assertThat(read.metadata())
                    .containsExactly(
                            Map.entry("format", "pt"),
                            Map.entry("note", "quote \" backslash \\ newline \n tab \t bell \u0007 é 中 😀"));
            // Python's order: dtype alignment descending in the Rust crate's dtype order, then name
            assertThat(read.names())
                    .containsExactly(
                            "t_i64", "t_f64", "scalar", "t_f32", "t_i32", "t_bf16", "empty", "t_f16", "t_i16", "t_i8",
                            "t_u8", "t_bool");
            long offset = 0;
            for (String name : read.names()) {
                TensorInfo info = read.info(name);
                assertThat(info.begin()).as(name).isEqualTo(offset);
                offset = info.end();
            }
            assertThat(read.dataLength()).isEqualTo(offset);
            for (Map.Entry<String, ByteBuffer> e : data.entrySet()) {
                TensorInfo info = read.info(e.getKey());
                assertThat(info.shape()).containsExactly(3, 5);
                assertThat(info.dtype().name().toLowerCase(java.util.Locale.ROOT))
                        .isEqualTo(e.getKey().substring(2));
                assertThat(bytes(read.tensorBytes(e.getKey())))
                        .isEqualTo(e.getValue().array());
            }
            assertThat(read.info("scalar").shape()).isEmpty();
            assertThat(read.toFloatArray("scalar")).containsExactly(2.5f);
            assertThat(read.info("empty").byteLength()).isZero();
            assertThat(read.tensorBytes("empty").remaining()).isZero();
            assertThat(read.toLongArray("t_bool")).containsOnly(0L, 1L);
            ByteBuffer u8 = data.get("t_u8");
            assertThat(read.toLongArray("t_u8")[0]).isEqualTo(u8.get(0) & 0xff);
            ByteBuffer bf16 = data.get("t_bf16").duplicate().order(ByteOrder.LITTLE_ENDIAN);
            assertThat(Float.floatToRawIntBits(read.toFloatArray("t_bf16")[1]))
                    .isEqualTo((bf16.getShort(2) & 0xffff) << 16);
        }
        // header: 8-byte aligned, padded with spaces, compact JSON starting with __metadata__
        byte[] all = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLength % 8).isZero();
        String header = new String(all, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertThat(header)
                .startsWith("{\"__metadata__\":{\"format\":\"pt\",\"note\":\"quote \\\" backslash \\\\ "
                        + "newline \\n tab \\t bell \\u0007 é 中 😀\"},\"t_i64\":{\"dtype\":\"I64\",\"shape\":[3,5],"
                        + "\"data_offsets\":[0,120]},");
        assertThat(header.stripTrailing()).endsWith("}}").doesNotContain(" :").doesNotContain(", ");
    }

    @Test
    void matchesTheReferenceImplementationsSerializationVectors() throws IOException {
        // vectors from the safetensors crate's own tests (tensor.rs: test_serialization, test_empty)
        ByteBuffer values = le(24);
        for (int i = 0; i < 6; i++) {
            values.putFloat(i);
        }
        Path one = temp.resolve("one.safetensors");
        new SafetensorsWriter()
                .add("attn.0", SafetensorsDtype.F32, new long[] {1, 2, 3}, values.flip())
                .write(one);
        byte[] expectedHeader = "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}"
                .getBytes(StandardCharsets.US_ASCII);
        ByteBuffer expected = le(8 + 64 + 24).putLong(64).put(expectedHeader);
        while (expected.position() < 72) {
            expected.put((byte) ' '); // 62 bytes of JSON, padded to 64 (the crate's vector has the same length)
        }
        values.rewind();
        expected.put(values);
        assertThat(Files.readAllBytes(one)).isEqualTo(expected.array());

        Path empty = temp.resolve("empty.safetensors");
        new SafetensorsWriter().write(empty);
        assertThat(Files.readAllBytes(empty))
                .containsExactly(8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' ');
        Path framework = temp.resolve("framework.safetensors");
        new SafetensorsWriter().metadata("framework", "pt").write(framework);
        byte[] fw = Files.readAllBytes(framework);
        assertThat(fw).hasSize(48);
        assertThat(fw[0]).isEqualTo((byte) 40);
        assertThat(new String(fw, 8, 40, StandardCharsets.US_ASCII))
                .isEqualTo("{\"__metadata__\":{\"framework\":\"pt\"}}     ");
    }

    @Test
    void djlArraysRoundTripInEveryEngineType() {
        Path file = temp.resolve("arrays.safetensors");
        Random random = new Random(3);
        float[] floats = new float[6 * 7];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = (float) random.nextGaussian() * 3;
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray f32 = manager.create(floats, new Shape(6, 7));
            NDArray f16 = f32.toType(DataType.FLOAT16, false);
            NDArray f64 = f32.toType(DataType.FLOAT64, false);
            NDArray i64 = manager.create(new long[] {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE, 42}, new Shape(2, 3));
            NDArray i32 = manager.create(new int[] {Integer.MIN_VALUE, -7, 0, 7, Integer.MAX_VALUE});
            NDArray i8 = manager.create(new byte[] {-128, -1, 0, 1, 127});
            NDArray u8 = manager.create(
                    ByteBuffer.wrap(new byte[] {(byte) 255, 0, 1, (byte) 128}), new Shape(2, 2), DataType.UINT8);
            NDArray bool = manager.create(new boolean[] {true, false, false, true, true});
            NDArray scalar = manager.create(1.25f);
            NDArray empty = manager.create(new Shape(0, 4), DataType.FLOAT32);
            NDArray transposed = f32.transpose(); // not contiguous: written in its logical row-major order
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            arrays.put("f32", f32);
            arrays.put("f16", f16);
            arrays.put("f64", f64);
            arrays.put("i64", i64);
            arrays.put("i32", i32);
            arrays.put("i8", i8);
            arrays.put("u8", u8);
            arrays.put("bool", bool);
            arrays.put("scalar", scalar);
            arrays.put("empty", empty);
            arrays.put("transposed", transposed);
            SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
            arrays.forEach(writer::add);
            writer.add("f32_as_bf16", f32, SafetensorsDtype.BF16)
                    .add("f32_as_f16", f32, SafetensorsDtype.F16)
                    .add("f16_as_f32", f16, SafetensorsDtype.F32)
                    .add("i32_as_i64", i32, SafetensorsDtype.I64)
                    .write(file);

            try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(file)) {
                assertThat(checkpoint.info("f32_as_bf16").dtype()).isEqualTo(SafetensorsDtype.BF16);
                assertThat(checkpoint.info("i32_as_i64").dtype()).isEqualTo(SafetensorsDtype.I64);
                assertThat(checkpoint.info("i8").dtype()).isEqualTo(SafetensorsDtype.I8);
                assertThat(checkpoint.info("u8").dtype()).isEqualTo(SafetensorsDtype.U8);
                assertThat(checkpoint.info("bool").dtype()).isEqualTo(SafetensorsDtype.BOOL);
                for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
                    NDArray original = e.getValue();
                    NDArray loaded = checkpoint.load(manager, e.getKey());
                    assertThat(loaded.getDataType()).as(e.getKey()).isEqualTo(original.getDataType());
                    assertThat(loaded.getShape()).as(e.getKey()).isEqualTo(original.getShape());
                    assertThat(loaded.contentEquals(original)).as(e.getKey()).isTrue();
                }
                float[] bf16 = checkpoint.load(manager, "f32_as_bf16").toFloatArray();
                float[] f16Values = checkpoint
                        .load(manager, "f32_as_f16")
                        .toType(DataType.FLOAT32, false)
                        .toFloatArray();
                float[] torchF16 = f16.toType(DataType.FLOAT32, false).toFloatArray();
                for (int i = 0; i < floats.length; i++) {
                    assertThat(bf16[i]).isEqualTo(HalfFloats.roundToBf16(floats[i]));
                    assertThat(f16Values[i]).isEqualTo(torchF16[i]);
                }
                assertThat(checkpoint.load(manager, "f16_as_f32").toFloatArray())
                        .containsExactly(torchF16);
                assertThat(checkpoint.load(manager, "i32_as_i64").toLongArray())
                        .containsExactly(Integer.MIN_VALUE, -7, 0, 7, Integer.MAX_VALUE);
                // conversions on load: widening ints, fp32 to fp16/fp64
                assertThat(checkpoint.load(manager, "i8", DataType.INT64).toLongArray())
                        .containsExactly(-128, -1, 0, 1, 127);
                assertThat(checkpoint.load(manager, "u8", DataType.INT32).toIntArray())
                        .containsExactly(255, 0, 1, 128);
                assertThat(checkpoint
                                .load(manager, "f32", DataType.FLOAT64)
                                .toType(DataType.FLOAT32, false)
                                .contentEquals(f32))
                        .isTrue();
                assertThat(checkpoint.load(manager, "f32", DataType.FLOAT16).contentEquals(f16))
                        .isTrue();
            }
        }
    }

    @Test
    void loadedArraysOwnTheirMemoryAndSurviveTheCheckpoint() {
        Path file = temp.resolve("own.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray original = manager.arange(0f, 24f, 1f).reshape(4, 6);
            new SafetensorsWriter().add("w", original, SafetensorsDtype.BF16).write(file);
            NDArray loaded;
            NDArray view;
            try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(file)) {
                loaded = checkpoint.load(manager, "w");
                view = loaded.transpose();
            }
            loaded.close(); // the view keeps the engine's storage alive; no Java buffer is involved
            System.gc();
            assertThat(view.toFloatArray()).containsExactly(original.transpose().toFloatArray());
        }
    }

    @Test
    void smallWindowsAndChunksGiveTheSameBytesAndValues() throws IOException {
        Path file = temp.resolve("chunks.safetensors");
        Random random = new Random(11);
        SafetensorsWriter writer = new SafetensorsWriter();
        List<String> names = new ArrayList<>();
        int i = 0;
        for (SafetensorsDtype dtype : List.of(
                SafetensorsDtype.BF16,
                SafetensorsDtype.F16,
                SafetensorsDtype.F32,
                SafetensorsDtype.F64,
                SafetensorsDtype.I64,
                SafetensorsDtype.I16,
                SafetensorsDtype.U8)) {
            for (int elements : new int[] {1, 3, 17, 40}) {
                ByteBuffer bytes = ByteBuffer.allocate(elements * dtype.byteSize());
                for (int b = 0; b < bytes.capacity(); b++) {
                    bytes.put((byte) random.nextInt(dtype.isFloatingPoint() ? 0x70 : 0x100)); // finite values
                }
                String name = "x" + (i++) + "_" + dtype;
                writer.add(name, dtype, new long[] {elements}, bytes.flip());
                names.add(name);
            }
        }
        writer.write(file);
        try (SafetensorsFile whole = SafetensorsFile.open(file);
                SafetensorsFile windowed = SafetensorsFile.open(file, 24);
                SafetensorsCheckpoint reference = SafetensorsCheckpoint.open(file);
                SafetensorsCheckpoint chunked = SafetensorsCheckpoint.open(file, 6);
                SafetensorsCheckpoint pieces = SafetensorsCheckpoint.open(file, 48); // 12-byte scratch pieces
                NDManager manager = NDManager.newBaseManager()) {
            for (String name : names) {
                assertThat(bytes(windowed.tensorBytes(name))).as(name).isEqualTo(bytes(whole.tensorBytes(name)));
                long size = whole.info(name).byteLength();
                if (size > 5) {
                    assertThat(bytes(windowed.tensorBytes(name, 3, (int) size - 5)))
                            .isEqualTo(bytes(whole.tensorBytes(name, 3, (int) size - 5)));
                }
                DataType type = whole.info(name).dtype().defaultEngineType();
                List<DataType> targets = whole.info(name).dtype().isFloatingPoint()
                        ? List.of(DataType.FLOAT32, DataType.FLOAT16, DataType.FLOAT64)
                        : List.of(type);
                for (DataType target : targets) {
                    try (NDArray a = reference.load(manager, name, target);
                            NDArray b = chunked.load(manager, name, target);
                            NDArray c = pieces.load(manager, name, target)) {
                        assertThat(b.contentEquals(a))
                                .as(name + " as " + target)
                                .isTrue();
                        assertThat(c.contentEquals(a))
                                .as(name + " as " + target)
                                .isTrue();
                    }
                }
                if (whole.info(name).dtype().isFloatingPoint()) {
                    try (NDArray a = reference.load(manager, name, DataType.FLOAT32)) {
                        assertThat(a.toFloatArray()).containsExactly(whole.toFloatArray(name));
                    }
                }
            }
            assertThatThrownBy(() -> whole.tensorBytes(names.get(3), 1, 1000))
                    .isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessageContaining(names.get(3));
        }
    }

    @Test
    void writingArraysInSmallChunksGivesTheSameBytes() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray values = manager.randomNormal(new Shape(5, 13)).transpose();
            for (SafetensorsDtype stored :
                    List.of(SafetensorsDtype.F32, SafetensorsDtype.BF16, SafetensorsDtype.F16, SafetensorsDtype.F64)) {
                Path small = temp.resolve("small_" + stored);
                Path big = temp.resolve("big_" + stored);
                try (FileChannel a = FileChannel.open(small, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        FileChannel b = FileChannel.open(big, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                    DjlBridge.writeArray(values, stored, a, 12);
                    DjlBridge.writeArray(values, stored, b, DjlBridge.DEFAULT_CHUNK_BYTES);
                }
                assertThat(Files.size(small)).isEqualTo(65L * stored.byteSize());
                assertThat(Files.mismatch(small, big)).as(stored.name()).isEqualTo(-1L);
            }
            Path f32 = temp.resolve("small_F32");
            float[] written = new float[65];
            ByteBuffer.wrap(Files.readAllBytes(f32))
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer()
                    .get(written);
            assertThat(written).containsExactly(values.toFloatArray());
        }
    }

    @Test
    void refusesConversionsThatLoseInformationOrCrashTheEngine() {
        Path file = temp.resolve("refuse.safetensors");
        new SafetensorsWriter()
                .add("w", SafetensorsDtype.BF16, new long[] {2}, ByteBuffer.allocate(4))
                .add("ids", SafetensorsDtype.I64, new long[] {1}, ByteBuffer.allocate(8))
                .write(file);
        try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(file);
                NDManager manager = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> checkpoint.load(manager, "w", DataType.INT32))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("'w'")
                    .hasMessageContaining("BF16")
                    .hasMessageContaining(file.getFileName().toString());
            assertThatThrownBy(() -> checkpoint.load(manager, "w", DataType.BFLOAT16))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("BFLOAT16");
            assertThatThrownBy(() -> checkpoint.load(manager, "ids", DataType.FLOAT32))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("'ids'");
            assertThatThrownBy(() -> checkpoint.load(manager, "nope"))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("'nope'")
                    .hasMessageContaining(file.getFileName().toString());
            assertThat(checkpoint.load(manager, "w").toFloatArray()).containsExactly(0f, 0f);
        }
    }

    @Test
    void writerRejectsBadInput() {
        SafetensorsWriter writer =
                new SafetensorsWriter().add("a", SafetensorsDtype.U8, new long[] {2}, ByteBuffer.allocate(2));
        assertThatThrownBy(() -> writer.add("a", SafetensorsDtype.U8, new long[] {2}, ByteBuffer.allocate(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a'");
        assertThatThrownBy(() -> writer.add("b", SafetensorsDtype.F32, new long[] {2, 2}, ByteBuffer.allocate(12)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'b'")
                .hasMessageContaining("16");
        assertThatThrownBy(
                        () -> writer.add("__metadata__", SafetensorsDtype.U8, new long[] {0}, ByteBuffer.allocate(0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> writer.add("c", SafetensorsDtype.U8, new long[] {-1}, ByteBuffer.allocate(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'c'");
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray floats = manager.ones(new Shape(2));
            assertThatThrownBy(() -> writer.add("d", floats, SafetensorsDtype.I32))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'d'");
        }
        assertThat(writer.names()).containsExactly("a");
        assertThat(writer.dataBytes()).isEqualTo(2);
    }

    @Test
    void writesAtomicallyAndLeavesNothingBehindOnFailure() throws IOException {
        Path file = temp.resolve("atomic.safetensors");
        new SafetensorsWriter()
                .add("a", SafetensorsDtype.U8, new long[] {1}, ByteBuffer.wrap(new byte[] {1}))
                .write(file);
        new SafetensorsWriter()
                .add("b", SafetensorsDtype.U8, new long[] {1}, ByteBuffer.wrap(new byte[] {2}))
                .write(file); // replaces
        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            assertThat(read.names()).containsExactly("b");
        }
        Path failing = temp.resolve("failing.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray closed = manager.ones(new Shape(3));
            SafetensorsWriter writer = new SafetensorsWriter().add("x", closed);
            closed.close();
            assertThatThrownBy(() -> writer.write(failing))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(failing.toString());
        }
        assertThat(failing).doesNotExist();
        try (Stream<Path> files = Files.list(temp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("atomic.safetensors");
        }
    }

    @Test
    void folderResolution() throws IOException {
        Path folder = Files.createDirectories(temp.resolve("folder"));
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(folder))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("No safetensors weights")
                .hasMessageContaining(folder.toString());
        write(folder.resolve("value_head.safetensors"), "v");
        try (SafetensorsCheckpoint only = SafetensorsCheckpoint.open(folder)) {
            assertThat(only.names()).containsExactly("v");
        }
        write(folder.resolve("other.safetensors"), "o");
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(folder))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("Ambiguous")
                .hasMessageContaining("other.safetensors")
                .hasMessageContaining("value_head.safetensors");
        write(folder.resolve("adapter_model.safetensors"), "lora");
        try (SafetensorsCheckpoint adapter = SafetensorsCheckpoint.open(folder);
                SafetensorsCheckpoint byPrefix = SafetensorsCheckpoint.open(folder, "value_head")) {
            assertThat(adapter.names()).containsExactly("lora");
            assertThat(byPrefix.names()).containsExactly("v");
        }
        write(folder.resolve("model.safetensors"), "m");
        try (SafetensorsCheckpoint model = SafetensorsCheckpoint.open(folder)) {
            assertThat(model.names()).containsExactly("m");
        }
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(folder, "missing"))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("missing.safetensors");
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(folder.resolve("nothing.safetensors")))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("nothing.safetensors");
    }

    private static void write(Path file, String tensor) {
        new SafetensorsWriter()
                .add(
                        tensor,
                        SafetensorsDtype.F32,
                        new long[] {1},
                        le(4).putFloat(1f).flip())
                .write(file);
    }

    static ByteBuffer le(int capacity) {
        return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
