package ai.llamafactory.data.dataset.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.exception.DatasetException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Broken dataset files: invalid UTF-8, values over Jackson's limits, rows of one-line JSON arrays. */
class ReaderErrorsTest {
    @TempDir
    Path dir;

    private List<RawRow> readAll(FileType type, Path f) {
        List<RawRow> rows = new ArrayList<>();
        try (RowIterator it = RowReader.forType(type).open(f)) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }

    /** Writes UTF-8 text with one 0xFF byte inserted where {@code @} stands. */
    private Path withBadByte(String name, String text) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = text.indexOf('@');
        out.write(text.substring(0, at).getBytes(StandardCharsets.UTF_8));
        out.write(0xFF);
        out.write(text.substring(at + 1).getBytes(StandardCharsets.UTF_8));
        Path f = dir.resolve(name);
        Files.write(f, out.toByteArray());
        return f;
    }

    @ParameterizedTest
    @EnumSource(
            value = FileType.class,
            names = {"JSON", "JSONL", "CSV", "TXT"})
    void invalidUtf8NamesFileLineAndByteOffset(FileType type) throws Exception {
        String text =
                switch (type) {
                    case JSON -> "[\n{\"instruction\": \"é one\"},\n{\"instruction\": \"t@wo\"}\n]\n";
                    case JSONL -> "{\"instruction\": \"é one\"}\n{\"instruction\": \"t@wo\"}\n";
                    case CSV -> "instruction\n\"é one\"\n\"t@wo\"\n";
                    default -> "é one\nt@wo\n";
                };
        Path f = withBadByte("bad." + type.extension(), text);
        long line = text.substring(0, text.indexOf('@'))
                        .chars()
                        .filter(c -> c == '\n')
                        .count()
                + 1;
        long offset = text.substring(0, text.indexOf('@')).getBytes(StandardCharsets.UTF_8).length;
        assertThat(offset).isGreaterThan(text.indexOf('@')); // the é counts two bytes: offsets are bytes
        assertThatThrownBy(() -> readAll(type, f))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(f + ": not valid UTF-8 at line " + line + ", byte offset " + offset + " (0xFF)")
                .hasMessageContaining("re-save the file as UTF-8")
                .hasMessageNotContaining("Input length");
    }

    @Test
    void invalidUtf8BeyondTheFirstBufferIsLocated() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            text.append("{\"text\": \"row ").append(i).append(" ü\"}\n");
        }
        text.append("{\"text\": \"@\"}\n");
        Path f = withBadByte("big.jsonl", text.toString());
        long offset = text.substring(0, text.indexOf("@")).getBytes(StandardCharsets.UTF_8).length;
        assertThat(offset).isGreaterThan(3 * 8192);
        assertThatThrownBy(() -> readAll(FileType.JSONL, f))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(f + ": not valid UTF-8 at line 3001, byte offset " + offset + " (0xFF)");
    }

    @Test
    void truncatedSequenceAtTheEndIsReported() throws Exception {
        Path f = dir.resolve("cut.txt");
        Files.write(f, new byte[] {'o', 'k', '\n', (byte) 0xC3});
        assertThatThrownBy(() -> readAll(FileType.TXT, f))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(f + ": not valid UTF-8 at line 2, byte offset 3 (0xC3, a truncated "
                        + "sequence at the end of the file)");
    }

    @Test
    void validUtf8AcrossBufferBoundariesReadsBack() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            text.append("行").append(i).append(" 😀 ü\n");
        }
        Path f = dir.resolve("ok.txt");
        Files.writeString(f, text);
        List<RawRow> rows = readAll(FileType.TXT, f);
        assertThat(rows).hasSize(5000);
        assertThat(rows.get(4999).fields().get("text").asText()).isEqualTo("行4999 😀 ü");
    }

    @Test
    void rowsOfAOneLineJsonArrayAreLocatedByIndex() throws Exception {
        Path f = dir.resolve("flat.json");
        Files.writeString(f, "[{\"a\": 1}, {\"a\": 2}, 3]");
        List<RawRow> rows = readAll(FileType.JSON, f);
        assertThat(rows)
                .extracting(RawRow::location)
                .containsExactly(f + "[#0] (line 1)", f + "[#1] (line 1)", f + "[#2] (line 1)");
        assertThat(rows.get(2).parseError()).isEqualTo("expected a JSON object, got 3");
    }

    @Test
    void rowsOfAnIndentedJsonArrayKeepIndexAndLine() throws Exception {
        Path f = dir.resolve("a.json");
        Files.writeString(f, "[\n  {\"a\": 1},\n  {\"a\": 2,\n   \"b\": 3}\n]\n");
        assertThat(readAll(FileType.JSON, f))
                .extracting(RawRow::location)
                .containsExactly(f + "[#0] (line 2)", f + "[#1] (line 3)");
    }

    @Test
    void rowsOfAWrappedArrayAreLocatedByIndexAlone() throws Exception {
        Path f = dir.resolve("w.json");
        Files.writeString(f, "{\"train\": [{\"a\": 1},\n {\"a\": 2}]}");
        assertThat(readAll(FileType.JSON, f)).extracting(RawRow::location).containsExactly(f + "[#0]", f + "[#1]");
    }

    @Test
    void jsonLinesInAJsonFileKeepTheirLine() throws Exception {
        Path f = dir.resolve("l.json");
        Files.writeString(f, "{\"a\": 1}\n{\"a\": 2}\n");
        assertThat(readAll(FileType.JSON, f)).extracting(RawRow::location).containsExactly(f + ":1", f + ":2");
    }

    @Test
    void numberOverTheLimitNamesTheLimitInJson() throws Exception {
        Path f = dir.resolve("num.json");
        Files.writeString(f, "[\n{\"a\": 1},\n{\"a\": " + "9".repeat(1001) + "}\n]\n");
        assertThatThrownBy(() -> readAll(FileType.JSON, f))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(f + ": the value at line 3, column ")
                .hasMessageContaining(" is over the JSON reader's size limit maxNumberLength = 1000 (Jackson "
                        + "StreamReadConstraints: Number value length (1001) exceeds")
                .hasMessageNotContaining("not valid JSON");
    }

    @Test
    void nestingOverTheLimitNamesTheLimitInJson() throws Exception {
        Path f = dir.resolve("deep.json");
        Files.writeString(f, "[\n{\"a\": " + "[".repeat(1001) + "]".repeat(1001) + "}\n]\n");
        assertThatThrownBy(() -> readAll(FileType.JSON, f))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(f + ": the value at line 2, column ")
                .hasMessageContaining(" is over the JSON reader's size limit maxNestingDepth = 1000");
    }

    @Test
    void stringOverTheLimitNamesTheLimitInJson() throws Exception {
        Path f = dir.resolve("long.json");
        int limit = com.fasterxml.jackson.core.StreamReadConstraints.defaults().getMaxStringLength();
        Files.writeString(f, "[\n{\"a\": \"x\"},\n\n{\"text\": \"" + "x".repeat(limit + 1) + "\"}\n]\n");
        assertThatThrownBy(() -> readAll(FileType.JSON, f))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith(f + ": the value at line 4, column ")
                .hasMessageContaining(" is over the JSON reader's size limit maxStringLength = " + limit);
    }

    @Test
    void numberOverTheLimitInJsonLinesIsAnUnreadableRowNamingTheLimit() throws Exception {
        Path f = dir.resolve("num.jsonl");
        Files.writeString(f, "{\"a\": 1}\n{\"a\": " + "9".repeat(1001) + "}\n{\"a\": 3}\n");
        List<RawRow> rows = readAll(FileType.JSONL, f);
        assertThat(rows).hasSize(3);
        assertThat(rows.get(1).location()).isEqualTo(f + ":2");
        assertThat(rows.get(1).parseError())
                .startsWith("the value at column ")
                .contains(" is over the JSON reader's size limit maxNumberLength = 1000")
                .doesNotContain("not valid JSON");
    }
}
