package ai.llamafactory.data.dataset.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.exception.DatasetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RowReadersTest {
    @TempDir
    Path dir;

    private List<RawRow> readAll(FileType type, String name, String content) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        List<RawRow> rows = new ArrayList<>();
        try (RowIterator it = RowReader.forType(type).open(f)) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }

    @Test
    void fileTypesByExtension() {
        assertThat(FileType.of(Path.of("a/b.JSONL"))).contains(FileType.JSONL);
        assertThat(FileType.of(Path.of("x.parquet"))).contains(FileType.PARQUET);
        assertThat(FileType.of(Path.of("x.tsv"))).isEmpty();
        assertThat(FileType.supportedExtensions()).containsExactly("json", "jsonl", "csv", "parquet", "txt");
    }

    @Test
    void jsonArrayRowsKeepTheirStartLine() throws Exception {
        List<RawRow> rows = readAll(
                FileType.JSON,
                "a.json",
                """
                [
                  {"instruction": "one", "output": "1"},
                  {"instruction": "two",
                   "output": "2"},
                  "not an object"
                ]
                """);
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).fields().get("instruction").asText()).isEqualTo("one");
        assertThat(rows.get(0).line()).isEqualTo(2);
        assertThat(rows.get(1).line()).isEqualTo(3);
        assertThat(rows.get(1).location()).endsWith("a.json[#1] (line 3)");
        assertThat(rows.get(2).fields()).isNull();
        assertThat(rows.get(2).parseError()).isEqualTo("expected a JSON object, got \"not an object\"");
    }

    @Test
    void jsonObjectHoldingOneArrayIsUnwrapped() throws Exception {
        List<RawRow> rows = readAll(FileType.JSON, "w.json", "{\"train\": [{\"a\": 1}, {\"a\": 2}, {\"a\": 3}]}");
        assertThat(rows).extracting(r -> r.fields().get("a").asInt()).containsExactly(1, 2, 3);
        assertThat(rows).extracting(RawRow::index).containsExactly(0L, 1L, 2L);
    }

    @Test
    void jsonFileMayHoldJsonLines() throws Exception {
        List<RawRow> rows = readAll(FileType.JSON, "l.json", "{\"a\": 1}\n{\"a\": 2}\n\n{\"a\": 3}\n");
        assertThat(rows).extracting(r -> r.fields().get("a").asInt()).containsExactly(1, 2, 3);
        assertThat(rows).extracting(RawRow::line).containsExactly(1L, 2L, 4L);
        List<RawRow> single = readAll(FileType.JSON, "s.json", "{\"a\": 1, \"b\": [1, 2]}");
        assertThat(single).hasSize(1);
    }

    @Test
    void jsonSyntaxErrorNamesFileLineAndColumnAfterEarlierRowsStreamed() throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "[\n{\"a\": 1},\n{\"a\": 2},\n{\"a\" 3}\n]\n");
        try (RowIterator it = RowReader.forType(FileType.JSON).open(f)) {
            assertThat(it.next().fields().get("a").asInt()).isEqualTo(1);
            assertThat(it.next().fields().get("a").asInt()).isEqualTo(2);
            assertThatThrownBy(it::hasNext)
                    .isInstanceOf(DatasetException.class)
                    .hasMessageContaining(f + ": not valid JSON at line 4, column 6");
        }
    }

    @Test
    void jsonFileStartingWithAScalarIsRejected() {
        assertThatThrownBy(() -> readAll(FileType.JSON, "n.json", "42"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("expected a JSON array of objects, an object holding one, or JSON lines");
    }

    @Test
    void jsonLinesKeepReadingPastAMalformedLine() throws Exception {
        List<RawRow> rows = readAll(FileType.JSONL, "a.jsonl", "{\"a\": 1}\n\n{\"a\": }\n[1]\n{\"a\": 4}\n");
        assertThat(rows).hasSize(4);
        assertThat(rows.get(0).line()).isEqualTo(1);
        assertThat(rows.get(1).fields()).isNull();
        assertThat(rows.get(1).line()).isEqualTo(3);
        assertThat(rows.get(1).parseError())
                .startsWith("not valid JSON at column")
                .contains("'{\"a\": }'");
        assertThat(rows.get(2).parseError()).isEqualTo("expected a JSON object, got [1]");
        assertThat(rows.get(3).fields().get("a").asInt()).isEqualTo(4);
        assertThat(rows.get(3).line()).isEqualTo(5);
    }

    @Test
    void csvQuotedCellsAndEmptyCellsAsMissing() throws Exception {
        List<RawRow> rows = readAll(
                FileType.CSV,
                "a.csv",
                "instruction,input,output\n"
                        + "\"Say hi, please\",,\"Hi!\"\n"
                        + "\"Two\nlines\",x,\"He said \"\"yes\"\"\"\n");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).fields().get("instruction").asText()).isEqualTo("Say hi, please");
        assertThat(rows.get(0).fields().get("input").isNull()).isTrue();
        assertThat(rows.get(0).line()).isEqualTo(2);
        assertThat(rows.get(1).fields().get("instruction").asText()).isEqualTo("Two\nlines");
        assertThat(rows.get(1).fields().get("output").asText()).isEqualTo("He said \"yes\"");
        assertThat(rows.get(1).line()).isEqualTo(3);
    }

    @Test
    void csvRowWithTooManyCellsNamesTheLine() {
        assertThatThrownBy(() -> readAll(FileType.CSV, "b.csv", "a,b\n1,2\n3,4,5\n"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("b.csv: malformed CSV at line 3");
    }

    @Test
    void textFilesGiveOneTextRowPerLine() throws Exception {
        List<RawRow> rows = readAll(FileType.TXT, "c.txt", "first doc\n\nthird doc\n");
        assertThat(rows).extracting(r -> r.fields().get("text").asText()).containsExactly("first doc", "", "third doc");
        assertThat(rows).extracting(RawRow::line).containsExactly(1L, 2L, 3L);
    }

    @Test
    void missingFileNamesThePath() {
        Path f = dir.resolve("nope.jsonl");
        assertThatThrownBy(() -> RowReader.forType(FileType.JSONL).open(f))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("Dataset file not found: " + f.toAbsolutePath());
        assertThatThrownBy(() -> RowReader.forType(FileType.ARROW).open(f))
                .hasMessageContaining("Arrow files are not supported");
    }

    @Test
    void largeTextCorpusStreamsLineByLine() throws Exception {
        Path f = dir.resolve("big.txt");
        int lines = 200_000;
        try (var w = Files.newBufferedWriter(f)) {
            for (int i = 0; i < lines; i++) {
                w.write("document number " + i + " with some words to make the line longer than a few bytes\n");
            }
        }
        long count = 0;
        long lastLine = 0;
        try (RowIterator it = RowReader.forType(FileType.TXT).open(f)) {
            while (it.hasNext()) {
                RawRow r = it.next();
                count++;
                lastLine = r.line();
            }
        }
        assertThat(count).isEqualTo(lines);
        assertThat(lastLine).isEqualTo(lines);
    }
}
