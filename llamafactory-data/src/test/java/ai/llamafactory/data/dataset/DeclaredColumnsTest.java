package ai.llamafactory.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.config.Stage;
import ai.llamafactory.api.exception.DatasetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Columns named in dataset_info.json: absent from every row is an error, absent from some rows is counted. */
class DeclaredColumnsTest {
    @TempDir
    Path dir;

    private DatasetLoader loader(String entry, String file, String content) throws Exception {
        Files.writeString(dir.resolve(file), content);
        Files.writeString(dir.resolve("dataset_info.json"), "{\"d\": " + entry + "}");
        return DatasetLoader.forDirectory(dir);
    }

    private static DatasetLoadOptions.Builder sft() {
        return DatasetLoadOptions.builder().stage(Stage.SFT);
    }

    @Test
    void declaredColumnInNoRowIsAnErrorNamingDatasetFileKeyAndColumn() throws Exception {
        DatasetLoader loader = loader(
                "{\"file_name\": \"d.json\", \"columns\": {\"prompt\": \"instruction\"}}",
                "d.json",
                """
                [{"question": "q1", "output": "a1"},
                 {"question": "q2", "output": "a2"},
                 {"question": "q3", "output": "a3"}]
                """);
        assertThatThrownBy(() -> loader.load(List.of("d"), sft().build()))
                .isInstanceOf(DatasetException.class)
                .hasMessage("Dataset 'd' (file_name d.json, formatting alpaca): dataset_info.json names column "
                        + "'instruction' (columns.prompt), but none of the 3 rows of " + dir.resolve("d.json")
                        + " has it; the rows have [question, output]. Correct the name in dataset_info.json (or "
                        + "remove the key to use the default), or add the column to the file");
    }

    @Test
    void misspelledColumnGetsASuggestion() throws Exception {
        DatasetLoader loader = loader(
                "{\"file_name\": \"d.jsonl\", \"columns\": {\"prompt\": \"instruction\", "
                        + "\"response\": \"outptu\"}}",
                "d.jsonl",
                "{\"instruction\": \"q\", \"output\": \"a\"}\n");
        assertThatThrownBy(() -> loader.load(List.of("d"), sft().build()))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("dataset_info.json names column 'outptu' (columns.response), but none of the 1 "
                        + "rows of " + dir.resolve("d.jsonl") + " has it; the rows have [instruction, output] (did "
                        + "you mean 'output'?)");
    }

    @Test
    void declaredColumnMissingFromSomeRowsDropsAndCountsThem() throws Exception {
        DatasetLoader loader = loader(
                "{\"file_name\": \"d.json\", \"columns\": {\"prompt\": \"instruction\", "
                        + "\"response\": \"output\"}}",
                "d.json",
                """
                [
                  {"instruction": "q1", "output": "a1"},
                  {"input": "only an input", "output": "a2"},
                  {"instruction": "q3", "output": "a3"}
                ]
                """);
        LoadedDatasets data = loader.load(List.of("d"), sft().build());
        assertThat(data.train()).hasSize(2);
        DatasetLoadReport r = data.report().dataset("d");
        assertThat(r.dropped()).containsExactly(java.util.Map.entry(DropReason.MISSING_FIELD, 1L));
        assertThat(r.firstProblems()).hasSize(1);
        RowProblem p = r.firstProblems().get(0);
        assertThat(p.location()).isEqualTo(dir.resolve("d.json") + "[#1] (line 3)");
        assertThat(p.field()).isEqualTo("instruction");
        assertThat(p.message())
                .isEqualTo("dataset 'd' " + dir.resolve("d.json") + "[#1] (line 3): missing field in "
                        + "'instruction': the row has no column 'instruction' (columns.prompt in dataset_info.json); its "
                        + "columns are [input, output]");
        assertThat(r.summary()).isEqualTo("d: read 3, kept 2, dropped 1 (1 missing field), used 2");
    }

    @Test
    void rowsReadBeforeMaxSamplesAreChecked() throws Exception {
        DatasetLoader loader = loader(
                "{\"file_name\": \"d.jsonl\", \"columns\": {\"query\": \"context\"}}",
                "d.jsonl",
                "{\"instruction\": \"q1\", \"output\": \"a1\"}\n{\"instruction\": \"q2\", \"output\": "
                        + "\"a2\"}\n{\"instruction\": \"q3\", \"output\": \"a3\", \"context\": \"c\"}\n");
        assertThatThrownBy(() -> loader.load(List.of("d"), sft().maxSamples(2).build()))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("dataset_info.json names column 'context' (columns.query), but none of the "
                        + "first 2 rows read from " + dir.resolve("d.jsonl") + " has it");
        // the whole file holds it in one row: a column present in some rows is not an error
        assertThat(loader.load(List.of("d"), sft().build()).train()).hasSize(3);
    }

    @Test
    void defaultColumnsAbsentFromTheFileStayOptional() throws Exception {
        DatasetLoader loader =
                loader("{\"file_name\": \"d.jsonl\"}", "d.jsonl", "{\"instruction\": \"q1\", \"output\": \"a1\"}\n");
        // the default query column 'input' is in no row: not named in dataset_info.json, so not required
        assertThat(loader.load(List.of("d"), sft().build()).train()).hasSize(1);
    }

    @Test
    void declaredConversationColumnInNoRowIsAnErrorWhenStreamingToo() throws Exception {
        DatasetLoader loader = loader(
                "{\"file_name\": \"d.jsonl\", \"formatting\": \"sharegpt\", \"columns\": "
                        + "{\"messages\": \"conversation\", \"system\": \"sys\"}}",
                "d.jsonl",
                "{\"conversations\": [{\"from\": \"human\", \"value\": \"q\"}, {\"from\": \"gpt\", \"value\": \"a\"}]}\n");
        assertThatThrownBy(() -> loader.stream(List.of("d"), sft().build()))
                .isInstanceOf(DatasetException.class)
                .hasMessage("Dataset 'd' (file_name d.jsonl, formatting sharegpt): dataset_info.json names column "
                        + "'conversation' (columns.messages), but none of the 1 rows of " + dir.resolve("d.jsonl")
                        + " has it; the rows have [conversations] (did you mean 'conversations'?). Correct the name "
                        + "in dataset_info.json (or remove the key to use the default), or add the column to the "
                        + "file");
    }

    @Test
    void declaredContextColumnsInNoRowMeanNone() throws Exception {
        DatasetLoader loader = loader(
                "{\"file_name\": \"d.jsonl\", \"columns\": {\"prompt\": \"instruction\", "
                        + "\"system\": \"system\", \"history\": \"history\"}}",
                "d.jsonl",
                "{\"instruction\": \"q\", \"output\": \"a\"}\n");
        assertThat(loader.load(List.of("d"), sft().build()).train().get(0).system())
                .isEmpty();
    }

    @Test
    void builderCountsNonDefaultColumnsAsDeclared() {
        DatasetInfo info = DatasetInfo.builder("x", "x.json")
                .columns(DatasetColumns.defaults(DatasetFormatting.ALPACA).with(java.util.Map.of("prompt", "text")))
                .build();
        assertThat(info.declaredColumns()).containsExactly("prompt");
        assertThat(info.declares("query")).isFalse();
    }
}
