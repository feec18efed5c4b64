package ai.llamafactory.data.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.exception.DatasetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class McqDatasetTest {
    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /** MMLU's layout: headerless CSV files named {@code <subject>_<split>.csv}, a dev folder and mapping.json. */
    private static Path mmluLike(Path dir) throws Exception {
        write(
                dir.resolve("test/abstract_algebra_test.csv"),
                "\"Find the degree,\nfor Q(sqrt(2))\",0,4,2,6,C\nWhat is 2+2?,2,3,4,5,C\n");
        write(dir.resolve("test/anatomy_test.csv"), "Which bone?,femur,ulna,radius,tibia,A\n");
        write(dir.resolve("dev/abstract_algebra_dev.csv"), "Dev question,a,b,c,d,B\n");
        write(
                dir.resolve("mapping.json"),
                """
                {
                  "anatomy": {"name": "anatomy", "category": "Other"},
                  "abstract_algebra": {"name": "abstract algebra", "category": "STEM"},
                  "astronomy": {"name": "astronomy", "category": "STEM"}
                }""");
        return dir;
    }

    @Test
    void mmluLayoutWithMapping(@TempDir Path dir) throws Exception {
        McqDataset data = McqDataset.loadDirectory(mmluLike(dir), "test");
        // mapping order, subjects without questions (astronomy) left out
        assertThat(data.subjects())
                .containsExactly(
                        new McqSubject("anatomy", "anatomy", SubjectCategory.OTHER),
                        new McqSubject("abstract_algebra", "abstract algebra", SubjectCategory.STEM));
        assertThat(data.evalQuestions("abstract_algebra"))
                .containsExactly(
                        McqQuestion.of("Find the degree,\nfor Q(sqrt(2))", "0", "4", "2", "6", "C"),
                        McqQuestion.of("What is 2+2?", "2", "3", "4", "5", "C"));
        assertThat(data.devQuestions("abstract_algebra"))
                .containsExactly(McqQuestion.of("Dev question", "a", "b", "c", "d", "B"));
        assertThat(data.devQuestions("anatomy")).isEmpty();
        assertThat(data.evalSize()).isEqualTo(3);
    }

    @Test
    void endToEndWithResultFiles(@TempDir Path dir) throws Exception {
        McqDataset data = McqDataset.loadDirectory(mmluLike(dir.resolve("mmlu")), "test");
        Path saveDir = dir.resolve("results");
        // always answers C: anatomy 0/1 (Other), abstract_algebra 2/2 (STEM)
        McqReport report = new McqEvaluator(
                        McqEvaluationConfig.builder().saveDir(saveDir).build())
                .evaluate(data, p -> new float[] {0f, 1f, 2f, 1f});
        assertThat(report.categoryAccuracies())
                .containsExactly(Map.entry(SubjectCategory.STEM, 100.0), Map.entry(SubjectCategory.OTHER, 0.0));
        assertThat(Files.readString(saveDir.resolve("results.log")))
                .isEqualTo("        Average: 66.67\n           STEM: 100.00\n          Other: 0.00");
        assertThat(Files.readString(saveDir.resolve("results.json")))
                .isEqualTo(
                        """
                {
                  "anatomy": {
                    "0": "C"
                  },
                  "abstract_algebra": {
                    "0": "C",
                    "1": "C"
                  }
                }""");
    }

    @Test
    void cevalLayoutWithHeaderBomAndValidationAlias(@TempDir Path dir) throws Exception {
        write(
                dir.resolve("val/law_val.csv"),
                "\uFEFFid,question,A,B,C,D,answer,explanation\n" + "0,缓刑的适用对象只限于____。,甲,乙,丙,丁,D,\"1. 解释\n2. 更多\"\n");
        write(dir.resolve("dev/law_dev.csv"), "id,question,A,B,C,D,answer,explanation\n0,问,一,二,三,四,A,\n");
        McqDataset data = McqDataset.loadDirectory(dir, "validation");
        assertThat(data.subjects()).containsExactly(McqSubject.unmapped("law"));
        assertThat(data.evalQuestions("law"))
                .containsExactly(McqQuestion.of("缓刑的适用对象只限于____。", "甲", "乙", "丙", "丁", "D"));
        assertThat(data.devQuestions("law")).hasSize(1);
    }

    @Test
    void testSplitWithoutAnswers(@TempDir Path dir) throws Exception {
        write(dir.resolve("test/law_test.csv"), "id,question,A,B,C,D\n0,问,一,二,三,四\n");
        McqDataset data = McqDataset.loadDirectory(dir, "test");
        assertThat(data.evalQuestions("law").get(0).answer()).isEmpty();
        // an empty answer is never right
        McqReport report = new McqEvaluator(McqEvaluationConfig.defaults()).evaluate(data, p -> new float[4]);
        assertThat(report.averageAccuracy()).hasValue(0.0);
    }

    @Test
    void jsonLinesWithSubjectFieldAndNoMapping(@TempDir Path dir) throws Exception {
        Path eval = dir.resolve("questions.jsonl");
        write(
                eval,
                """
                {"subject": "high_school_physics", "question": "g?", "A": 9.8, "B": "1", "C": "2", "D": "3", "answer": "A"}

                {"subject": "world_religions", "question": "q", "A": "a", "B": "b", "C": "c", "D": "d", "answer": "D", "id": 7}
                """);
        Path dev = dir.resolve("dev.json");
        write(
                dev,
                "[{\"subject\": \"world_religions\", \"question\": \"d\", \"A\": \"a\", \"B\": \"b\", \"C\": \"c\", "
                        + "\"D\": \"d\", \"answer\": \"B\"}]");
        McqDataset data = McqDataset.loadFiles(eval, dev, null);
        assertThat(data.subjects())
                .containsExactly(
                        new McqSubject("high_school_physics", "high school physics", null),
                        new McqSubject("world_religions", "world religions", null));
        assertThat(data.evalQuestions("high_school_physics").get(0).choices()).containsExactly("9.8", "1", "2", "3");
        assertThat(data.devQuestions("world_religions")).hasSize(1);
    }

    @Test
    void badAnswerIsNamedWithFileAndRecord(@TempDir Path dir) throws Exception {
        write(dir.resolve("test/algebra_test.csv"), "q1,a,b,c,d,A\nq2,a,b,c,d,E\n");
        assertThatThrownBy(() -> McqDataset.loadDirectory(dir, "test"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("algebra_test.csv")
                .hasMessageContaining("record 2")
                .hasMessageContaining("\"answer\"")
                .hasMessageContaining("'E'");
    }

    @Test
    void wrongColumnCountAndMissingFieldsAreNamed(@TempDir Path dir) throws Exception {
        write(dir.resolve("a/x_test.csv"), "q1,a,b,c,A\n");
        assertThatThrownBy(() -> McqDataset.loadDirectory(dir.resolve("a"), "."))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("x_test.csv")
                .hasMessageContaining("expected 6 columns");
        write(
                dir.resolve("b.jsonl"),
                "{\"question\": \"q\", \"A\": \"a\", \"B\": \"b\", \"C\": \"c\", \"answer\": \"A\"}\n");
        assertThatThrownBy(() -> McqDataset.loadFiles(dir.resolve("b.jsonl"), null, null))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("b.jsonl, line 1")
                .hasMessageContaining("missing field \"D\"");
        write(dir.resolve("c.jsonl"), "{\"question\": \"q\",\n");
        assertThatThrownBy(() -> McqDataset.loadFiles(dir.resolve("c.jsonl"), null, null))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("c.jsonl, line 1");
    }

    @Test
    void mappingProblemsAreNamed(@TempDir Path dir) throws Exception {
        Path eval = dir.resolve("algebra_test.csv");
        write(eval, "q,a,b,c,d,A\n");
        Path mapping = dir.resolve("mapping.json");
        write(mapping, "{\"algebra\": {\"name\": \"algebra\", \"category\": \"Science\"}}");
        assertThatThrownBy(() -> McqDataset.loadFiles(eval, null, mapping))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("mapping.json")
                .hasMessageContaining("'algebra'")
                .hasMessageContaining("'Science'");
        write(mapping, "{\"geometry\": {\"name\": \"geometry\", \"category\": \"STEM\"}}");
        assertThatThrownBy(() -> McqDataset.loadFiles(eval, null, mapping))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("subject 'algebra'")
                .hasMessageContaining("no entry");
        write(mapping, "{\"algebra\": {\"category\": \"STEM\"}}");
        assertThatThrownBy(() -> McqDataset.loadFiles(eval, null, mapping))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("\"name\"");
    }

    @Test
    void missingSplitFolderIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> McqDataset.loadDirectory(dir, "test"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(dir.resolve("test").toString());
    }
}
