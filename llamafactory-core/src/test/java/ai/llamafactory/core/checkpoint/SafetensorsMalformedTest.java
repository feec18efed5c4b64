package ai.llamafactory.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.exception.CheckpointException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per kind of corruption: each must be refused with a message naming the file and the tensor. */
class SafetensorsMalformedTest {
    @TempDir
    Path temp;

    private Path file(String name, long headerLength, byte[] header, int dataBytes) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(headerLength).put(header);
        Path path = temp.resolve(name + ".safetensors");
        Files.write(path, bytes.array());
        return path;
    }

    private Path file(String name, String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return file(name, json.length, json, dataBytes);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> refused(Path path) {
        return assertThatThrownBy(() -> SafetensorsFile.open(path).close())
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(path.toString());
    }

    @Test
    void negativeHeaderLength() throws IOException {
        Path p = file("negative", -8L, "{}".getBytes(StandardCharsets.UTF_8), 0);
        refused(p).hasMessageContaining("header length").hasMessageContaining("negative");
    }

    @Test
    void headerLengthLargerThanTheFile() throws IOException {
        Path p = file("longer", 1000, "{}".getBytes(StandardCharsets.UTF_8), 0);
        refused(p).hasMessageContaining("header length 1000").hasMessageContaining("larger than the file");
    }

    @Test
    void absurdlyLargeHeaderLength() throws IOException {
        Path p = file("absurd", 1L << 40, "{}".getBytes(StandardCharsets.UTF_8), 0);
        refused(p).hasMessageContaining("absurdly large");
    }

    @Test
    void fileTooShortForTheLengthField() throws IOException {
        Path p = temp.resolve("tiny.safetensors");
        Files.write(p, new byte[] {1, 2, 3});
        refused(p).hasMessageContaining("truncated");
    }

    @Test
    void invalidJson() throws IOException {
        refused(file("json", "{\"w\":{\"dtype\":\"F32\",", 0)).hasMessageContaining("not valid JSON");
    }

    @Test
    void headerIsNotAnObject() throws IOException {
        refused(file("array", "[1,2]", 0)).hasMessageContaining("must be a JSON object");
    }

    @Test
    void tensorEntryIsNotAnObject() throws IOException {
        refused(file("entry", "{\"w\":[1,2]}", 0))
                .hasMessageContaining("tensor 'w'")
                .hasMessageContaining("must be a JSON object");
    }

    @Test
    void dtypeIsMissing() throws IOException {
        refused(file("nodtype", "{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4))
                .hasMessageContaining("tensor 'w'")
                .hasMessageContaining("'dtype'");
    }

    @Test
    void shapeIsNotAnArrayOfIntegers() throws IOException {
        refused(file("shape", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4))
                .hasMessageContaining("tensor 'w'")
                .hasMessageContaining("'shape'");
    }

    @Test
    void dataOffsetsOfWrongArity() throws IOException {
        refused(file("arity", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4))
                .hasMessageContaining("tensor 'w'")
                .hasMessageContaining("'data_offsets'");
    }

    @Test
    void metadataValueIsNotAString() throws IOException {
        refused(file("meta", "{\"__metadata__\":{\"step\":5}}", 0))
                .hasMessageContaining("__metadata__")
                .hasMessageContaining("'step'");
    }

    @Test
    void duplicateTensorName() throws IOException {
        String w = "\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}";
        refused(file("duplicate", "{" + w + "," + w + "}", 1))
                .hasMessageContaining("'w'")
                .hasMessageContaining("Duplicate");
    }

    @Test
    void unknownDtype() throws IOException {
        refused(file("dtype", "{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[4],\"data_offsets\":[0,4]}}", 4))
                .hasMessageContaining("tensor 'w'")
                .hasMessageContaining("unknown dtype 'F8_E4M3'");
    }

    @Test
    void negativeDimension() throws IOException {
        refused(file("dims", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,-2],\"data_offsets\":[0,16]}}", 16))
                .hasMessageContaining("tensor 'w'")
                .hasMessageContaining("negative dimension -2");
    }

    @Test
    void beginAfterEnd() throws IOException {
        refused(file("reversed", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8))
                .hasMessageContaining("tensor 'w'")
                .hasMessageContaining("[8, 0]")
                .hasMessageContaining("begin after end");
    }

    @Test
    void offsetsOutsideTheDataSection() throws IOException {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[64,80]}}";
        refused(file("outside", header, 32))
                .hasMessageContaining("tensor 'w'")
                .hasMessageContaining("outside the data section");
    }

    @Test
    void overlappingTensors() throws IOException {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}";
        refused(file("overlap", header, 24))
                .hasMessageContaining("tensor 'w'")
                .hasMessageContaining("overlap")
                .hasMessageContaining("'a'");
    }

    @Test
    void byteSpanDisagreesWithShapeAndDtype() throws IOException {
        refused(file("span", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", 12))
                .hasMessageContaining("tensor 'w'")
                .hasMessageContaining("12 bytes")
                .hasMessageContaining("needs 16");
    }

    @Test
    void shapeOverflowsAByteCount() throws IOException {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,16]}}";
        refused(file("overflow", header, 16)).hasMessageContaining("tensor 'w'").hasMessageContaining("overflows");
    }

    @Test
    void truncatedFile() throws IOException {
        Path good = temp.resolve("good.safetensors");
        new SafetensorsWriter()
                .add("a", SafetensorsDtype.F32, new long[] {4}, ByteBuffer.allocate(16))
                .add("w", SafetensorsDtype.F32, new long[] {4}, ByteBuffer.allocate(16))
                .write(good);
        byte[] all = Files.readAllBytes(good);
        Path cut = temp.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(all, all.length - 3));
        refused(cut)
                .hasMessageContaining("tensor 'w'")
                .hasMessageContaining("truncated")
                .hasMessageContaining("only 29");
        try (SafetensorsFile ok = SafetensorsFile.open(good)) {
            assertThat(ok.names()).containsExactly("a", "w");
        }
    }

    @Test
    void gapsAndTrailingBytesAreTolerated() throws IOException {
        String header = "{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[4,6]}}";
        Path p = file("gaps", header, 10);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertThat(f.info("a").begin()).isEqualTo(4);
            assertThat(f.toLongArray("a")).containsExactly(0, 0);
        }
    }

    // ---- sharded checkpoints: the index must agree with its shards

    @Test
    void indexNamingAMissingShard() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("missing"));
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, "{\"metadata\":{},\"weight_map\":{\"w\":\"model-00001-of-00002.safetensors\"}}");
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(index.toString())
                .hasMessageContaining("model-00001-of-00002.safetensors")
                .hasMessageContaining("'w'")
                .hasMessageContaining("does not exist");
    }

    @Test
    void indexListingATensorItsShardLacks() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("lacking"));
        new SafetensorsWriter()
                .add("a", SafetensorsDtype.U8, new long[] {1}, ByteBuffer.allocate(1))
                .write(dir.resolve("model-00001-of-00001.safetensors"));
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(
                index,
                "{\"weight_map\":{\"a\":\"model-00001-of-00001.safetensors\","
                        + "\"w\":\"model-00001-of-00001.safetensors\"}}");
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(index))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(index.toString())
                .hasMessageContaining("'w'")
                .hasMessageContaining("does not contain it");
    }

    @Test
    void indexWithoutWeightMap() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("nomap"));
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, "{\"metadata\":{\"total_size\":4}}");
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(index.toString())
                .hasMessageContaining("weight_map");
        Files.writeString(index, "{\"weight_map\":");
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(index.toString())
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void indexPointingOutsideItsFolder() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("escape"));
        new SafetensorsWriter()
                .add("w", SafetensorsDtype.U8, new long[] {1}, ByteBuffer.allocate(1))
                .write(temp.resolve("outside.safetensors"));
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, "{\"weight_map\":{\"w\":\"../outside.safetensors\"}}");
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("'w'")
                .hasMessageContaining("outside");
    }

    @Test
    void corruptShardIsReportedWithItsOwnName() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("corrupt"));
        Path shard = dir.resolve("model-00001-of-00001.safetensors");
        Files.write(shard, new byte[] {1});
        Files.writeString(
                dir.resolve("model.safetensors.index.json"),
                "{\"weight_map\":{\"w\":\"model-00001-of-00001.safetensors\"}}");
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(shard.toString())
                .hasMessageContaining("truncated");
    }
}
