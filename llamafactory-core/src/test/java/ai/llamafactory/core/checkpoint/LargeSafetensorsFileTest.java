package ai.llamafactory.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sparse file of a little over 2 GiB: a small tensor, a 2 GiB + 64 byte U8 tensor and a small tensor placed beyond
 * 2 GiB. Only a few pages are really written, so it costs no disk space where the file system supports sparse files;
 * it is skipped when less than 5 GiB are free, and deleted afterwards.
 */
class LargeSafetensorsFileTest {
    private static final long BIG = (1L << 31) + 64;
    private static final long MIN_FREE = 5L << 30;

    @TempDir
    Path temp;

    private Path file;
    private long dataStart;

    @BeforeEach
    void createSparseFile() throws IOException {
        long free = Files.getFileStore(temp).getUsableSpace();
        if (free < MIN_FREE) {
            System.out.println("SKIPPED: only " + (free >> 20) + " MiB free in " + temp + ", the >2 GiB test needs "
                    + (MIN_FREE >> 20));
        }
        assumeTrue(free >= MIN_FREE, "only " + (free >> 20) + " MiB free in " + temp + "; need 5 GiB");
        String json = "{\"a_head\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b_big\":{\"dtype\":\"U8\",\"shape\":[" + BIG + "],\"data_offsets\":[16," + (16 + BIG) + "]},"
                + "\"c_tail\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[" + (16 + BIG) + "," + (32 + BIG)
                + "]}}";
        StringBuilder padded = new StringBuilder(json);
        while (padded.length() % 8 != 0) {
            padded.append(' ');
        }
        byte[] header = padded.toString().getBytes(StandardCharsets.US_ASCII);
        dataStart = 8 + header.length;
        file = temp.resolve("large.safetensors");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.write(le(8).putLong(header.length).flip(), 0);
            channel.write(ByteBuffer.wrap(header), 8);
            channel.write(floats(1f, 2f, 3f, 4f), dataStart);
            mark(channel, 0, 11);
            mark(channel, 1L << 30, 55);
            mark(channel, (1L << 31) - 1, 22);
            mark(channel, 1L << 31, 33);
            mark(channel, BIG - 1, 44);
            channel.write(floats(-1f, -2f, 0.5f, 1e-3f), dataStart + 16 + BIG);
        }
    }

    @AfterEach
    void deleteFile() throws IOException {
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void readsTensorsBeyondTwoGibAndATensorLargerThanTwoGib() {
        assertThat(file.toFile().length()).isEqualTo(dataStart + 32 + BIG);
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertThat(st.names()).containsExactly("a_head", "b_big", "c_tail");
            assertThat(st.info("b_big").byteLength()).isEqualTo(BIG);
            assertThat(st.info("c_tail").begin()).isEqualTo(16 + BIG);
            assertThat(st.toFloatArray("a_head")).containsExactly(1f, 2f, 3f, 4f);
            assertThat(st.toFloatArray("c_tail")).containsExactly(-1f, -2f, 0.5f, 1e-3f);

            assertThatThrownBy(() -> st.tensorBytes("b_big"))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("'b_big'")
                    .hasMessageContaining("pieces");
            assertThatThrownBy(() -> st.toLongArray("b_big"))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("'b_big'");
            assertThat(st.tensorBytes("b_big", 0, 2).get(0)).isEqualTo((byte) 11);
            assertThat(st.tensorBytes("b_big", 1L << 30, 1).get(0)).isEqualTo((byte) 55);
            ByteBuffer across = st.tensorBytes("b_big", (1L << 31) - 2, 4);
            assertThat(new byte[] {across.get(0), across.get(1), across.get(2), across.get(3)})
                    .containsExactly(0, 22, 33, 0);
            assertThat(st.tensorBytes("b_big", BIG - 1, 1).get(0)).isEqualTo((byte) 44);
        }
    }

    @Test
    void loadsTensorsBeyondTwoGibIntoDjl() {
        DjlEngine.get();
        try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(file);
                NDManager manager = NDManager.newBaseManager()) {
            try (NDArray tail = checkpoint.load(manager, "c_tail")) {
                assertThat(tail.getShape().getShape()).containsExactly(2, 2);
                assertThat(tail.toFloatArray()).containsExactly(-1f, -2f, 0.5f, 1e-3f);
            }
            try (NDArray head = checkpoint.load(manager, "a_head", DataType.FLOAT16)) {
                assertThat(head.toType(DataType.FLOAT32, false).toFloatArray()).containsExactly(1f, 2f, 3f, 4f);
            }
        }
    }

    /**
     * Loads the 2 GiB + 64 byte tensor through 1-D slices of the engine array (33 slices of 64 MiB). Needs 2 GiB of
     * native memory and, on a busy machine, 5-20 s (first-touch page faults of the fresh engine memory), so it runs
     * only with {@code -Pslow}.
     */
    @Test
    @Tag("slow")
    void loadsTheTensorLargerThanTwoGibIntoDjl() {
        DjlEngine.get();
        try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(file);
                NDManager manager = NDManager.newBaseManager()) {
            long start = System.nanoTime();
            try (NDArray big = checkpoint.load(manager, "b_big")) {
                System.out.printf("loaded a %d-byte U8 tensor in %.2f s%n", BIG, (System.nanoTime() - start) / 1e9);
                assertThat(big.getDataType()).isEqualTo(DataType.UINT8);
                assertThat(big.getShape().getShape()).containsExactly(BIG);
                assertThat(byteAt(big, 0)).isEqualTo(11);
                assertThat(byteAt(big, 1L << 30)).isEqualTo(55);
                assertThat(byteAt(big, (1L << 31) - 1)).isEqualTo(22);
                assertThat(byteAt(big, 1L << 31)).isEqualTo(33);
                assertThat(byteAt(big, BIG - 1)).isEqualTo(44);
                assertThat(byteAt(big, BIG - 2)).isEqualTo(0);
            }
        }
    }

    /**
     * One element read through a 1-element slice. (DJL 0.35.1's {@code NDArray.getUint8(long)} reads the wrong
     * element at indices of 2^31 and above; slicing with long bounds is correct.)
     */
    private static int byteAt(NDArray array, long index) {
        try (NDArray one = array.get(new NDIndex().addSliceDim(index, index + 1))) {
            return one.toByteBuffer(true).get(0) & 0xff;
        }
    }

    private void mark(FileChannel channel, long offsetInBig, int value) throws IOException {
        channel.write(ByteBuffer.wrap(new byte[] {(byte) value}), dataStart + 16 + offsetInBig);
    }

    private static ByteBuffer floats(float... values) {
        ByteBuffer out = le(values.length * 4);
        for (float v : values) {
            out.putFloat(v);
        }
        return out.flip();
    }

    private static ByteBuffer le(int capacity) {
        return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }
}
