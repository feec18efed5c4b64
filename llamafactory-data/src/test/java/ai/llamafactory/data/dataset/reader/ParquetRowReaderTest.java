package ai.llamafactory.data.dataset.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.exception.DatasetException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Writes Parquet files with parquet-java's example writer (the layouts pyarrow produces) and reads them back. */
class ParquetRowReaderTest {
    private static final MessageType SCHEMA = MessageTypeParser.parseMessageType(
            """
            message row {
              optional binary instruction (STRING);
              optional int32 score;
              optional int64 big;
              optional double ratio;
              optional boolean label;
              optional group conversations (LIST) {
                repeated group list {
                  optional group element {
                    optional binary from (STRING);
                    optional binary value (STRING);
                  }
                }
              }
              optional group history (LIST) {
                repeated group list {
                  optional group element (LIST) {
                    repeated group list {
                      optional binary element (STRING);
                    }
                  }
                }
              }
              optional group meta (MAP) {
                repeated group key_value {
                  required binary key (STRING);
                  optional binary value (STRING);
                }
              }
              repeated binary legacy_tags (STRING);
              optional binary absent (STRING);
            }
            """);

    @TempDir
    Path dir;

    static Path write(Path file, CompressionCodecName codec, int rows) throws Exception {
        SimpleGroupFactory f = new SimpleGroupFactory(SCHEMA);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withConf(new PlainParquetConfiguration())
                .withCodecFactory(new PureJavaCodecFactory())
                .withCompressionCodec(codec)
                .withRowGroupSize(4096L)
                .withType(SCHEMA)
                .build()) {
            for (int i = 0; i < rows; i++) {
                Group g = f.newGroup()
                        .append("instruction", "question " + i + " é")
                        .append("score", i)
                        .append("big", 10_000_000_000L + i)
                        .append("ratio", i / 4.0)
                        .append("label", i % 2 == 0);
                Group conv = g.addGroup("conversations");
                conv.addGroup("list")
                        .addGroup("element")
                        .append("from", "human")
                        .append("value", "hi " + i);
                conv.addGroup("list").addGroup("element").append("from", "gpt").append("value", "hello " + i);
                Group history = g.addGroup("history");
                Group pair = history.addGroup("list").addGroup("element");
                pair.addGroup("list").append("element", "q" + i);
                pair.addGroup("list").append("element", "a" + i);
                g.addGroup("meta").addGroup("key_value").append("key", "lang").append("value", "en");
                g.append("legacy_tags", "t1").append("legacy_tags", "t2");
                w.write(g);
            }
        }
        return file;
    }

    private static List<RawRow> read(Path file) {
        List<RawRow> rows = new ArrayList<>();
        try (RowIterator it = RowReader.forType(FileType.PARQUET).open(file)) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }

    @ParameterizedTest
    @EnumSource(
            value = CompressionCodecName.class,
            names = {"UNCOMPRESSED", "SNAPPY", "GZIP", "ZSTD", "LZ4_RAW"})
    void everySupportedCodecReadsNestedColumnsBack(CompressionCodecName codec) throws Exception {
        Path file = write(dir.resolve("d-" + codec + ".parquet"), codec, 3);
        List<RawRow> rows = read(file);
        assertThat(rows).hasSize(3);
        ObjectNode r = rows.get(2).fields();
        assertThat(r.get("instruction").asText()).isEqualTo("question 2 é");
        assertThat(r.get("score").intValue()).isEqualTo(2);
        assertThat(r.get("big").longValue()).isEqualTo(10_000_000_002L);
        assertThat(r.get("ratio").doubleValue()).isEqualTo(0.5);
        assertThat(r.get("label").booleanValue()).isTrue();
        assertThat(r.get("conversations").toString())
                .isEqualTo("[{\"from\":\"human\",\"value\":\"hi 2\"},{\"from\":\"gpt\",\"value\":\"hello 2\"}]");
        assertThat(r.get("history").toString()).isEqualTo("[[\"q2\",\"a2\"]]");
        assertThat(r.get("meta").toString()).isEqualTo("{\"lang\":\"en\"}");
        assertThat(r.get("legacy_tags").toString()).isEqualTo("[\"t1\",\"t2\"]");
        assertThat(r.get("absent").isNull()).isTrue();
        assertThat(rows.get(2).location()).endsWith("[#2]");
    }

    @Test
    void manyRowGroupsAreReadOneAfterAnother() throws Exception {
        Path file = write(dir.resolve("many.parquet"), CompressionCodecName.SNAPPY, 2000);
        List<RawRow> rows = read(file);
        assertThat(rows).hasSize(2000);
        assertThat(rows.get(1999).fields().get("score").intValue()).isEqualTo(1999);
        assertThat(rows).extracting(RawRow::index).startsWith(0L, 1L, 2L);
    }

    @Test
    void notAParquetFileIsAClearError() throws Exception {
        Path file = dir.resolve("fake.parquet");
        Files.writeString(file, "hello, I am text");
        assertThatThrownBy(() -> read(file))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(file + ": not a readable Parquet file");
    }

    @Test
    void unsupportedCodecNamesTheCodec() {
        assertThatThrownBy(() -> new PureJavaCodecFactory().getDecompressor(CompressionCodecName.BROTLI))
                .hasMessageContaining("Parquet compression codec BROTLI is not supported");
    }
}
