package ai.llamafactory.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.api.config.Stage;
import ai.llamafactory.data.AlignedExample;
import ai.llamafactory.data.Message;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DemoDatasetsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static int jsonRows(String file) throws Exception {
        return JSON.readTree(DemoDatasets.directory().resolve(file).toFile()).size();
    }

    private static LoadedDatasets load(String name, Stage stage) {
        return DatasetLoader.demo()
                .load(List.of(name), DatasetLoadOptions.builder().stage(stage).build());
    }

    private static void assertNothingDropped(LoadedDatasets data, String name, int expectedRows) {
        DatasetLoadReport r = data.report().dataset(name);
        assertThat(r.rowsRead()).isEqualTo(expectedRows);
        assertThat(r.rowsKept()).isEqualTo(expectedRows);
        assertThat(r.rowsDropped()).isZero();
        assertThat(data.train()).hasSize(expectedRows);
    }

    @Test
    void registryListsTheBundledDatasets() {
        DatasetRegistry r = DemoDatasets.registry();
        assertThat(r.names())
                .containsExactly(
                        DemoDatasets.IDENTITY,
                        DemoDatasets.ALPACA,
                        DemoDatasets.DPO,
                        DemoDatasets.KTO,
                        DemoDatasets.CORPUS,
                        DemoDatasets.C4_ALIAS);
        assertThat(r.get(DemoDatasets.C4_ALIAS).fileName())
                .isEqualTo(r.get(DemoDatasets.CORPUS).fileName());
        assertThat(r.datasetDir()).isEqualTo(DemoDatasets.directory());
        assertThat(DatasetLoader.forOptions(DatasetLoadOptions.builder().build())
                        .registry()
                        .names())
                .isEqualTo(r.names());
    }

    @Test
    void bundledFilesStayUnderTwoMegabytes() throws Exception {
        long total;
        try (Stream<Path> s = Files.list(DemoDatasets.directory())) {
            total = s.mapToLong(p -> p.toFile().length()).sum();
        }
        assertThat(total).isBetween(400_000L, 2_000_000L);
    }

    @Test
    void identityHasPlaceholdersThatCanBeFilled() throws Exception {
        LoadedDatasets data = load(DemoDatasets.IDENTITY, Stage.SFT);
        assertNothingDropped(data, DemoDatasets.IDENTITY, jsonRows("identity.json"));
        assertThat(data.train()).hasSizeBetween(75, 90);
        long withName = data.train().stream()
                .filter(e -> e.response().get(0).content().contains("{{name}}"))
                .count();
        long withAuthor = data.train().stream()
                .filter(e -> e.response().get(0).content().contains("{{author}}"))
                .count();
        assertThat(withName).isGreaterThan(50);
        assertThat(withAuthor).isGreaterThan(40);
        Set<String> questions = new HashSet<>();
        data.train().forEach(e -> questions.add(e.prompt().get(0).content()));
        assertThat(questions).hasSize(data.train().size());

        List<AlignedExample> filled = IdentityPlaceholders.replaceAll(data.train(), "Nova", "the Example Lab");
        assertThat(filled).noneMatch(e -> e.response().get(0).content().contains("{{"));
        AlignedExample first = IdentityPlaceholders.replace(
                new AlignedExample(
                        List.of(Message.user("Who are you?")),
                        List.of(Message.assistant("I am {{name}}, made by {{author}}. {{name}} says hi.")),
                        "{{name}} sys",
                        "",
                        null,
                        "x"),
                "Nova",
                "Ada");
        assertThat(first.response().get(0).content()).isEqualTo("I am Nova, made by Ada. Nova says hi.");
        assertThat(first.system()).isEqualTo("Nova sys");
    }

    @Test
    void alpacaDemoLoadsForSftWithoutDrops() throws Exception {
        LoadedDatasets data = load(DemoDatasets.ALPACA, Stage.SFT);
        assertNothingDropped(data, DemoDatasets.ALPACA, jsonRows("alpaca_en_demo.json"));
        assertThat(data.train()).hasSizeGreaterThanOrEqualTo(300);
        assertThat(data.train()).anyMatch(e -> e.prompt().get(0).content().contains("\n"));
        assertThat(data.train()).anyMatch(e -> e.response().get(0).content().contains("```java"));
        assertThat(data.train()).anyMatch(e -> e.response().get(0).content().contains("```python"));
    }

    @Test
    void dpoDemoHasDistinctChosenAndRejectedAnswers() throws Exception {
        LoadedDatasets data = load(DemoDatasets.DPO, Stage.DPO);
        assertNothingDropped(data, DemoDatasets.DPO, jsonRows("dpo_en_demo.json"));
        assertThat(data.train()).hasSizeGreaterThanOrEqualTo(100);
        assertThat(data.train()).allSatisfy(e -> {
            assertThat(e.response()).hasSize(2);
            assertThat(e.response().get(0).content())
                    .isNotEqualTo(e.response().get(1).content());
            assertThat(e.prompt().size() % 2).isEqualTo(1);
        });
        assertThat(data.train()).anyMatch(e -> e.prompt().size() == 3);
        assertThat(data.train()).anyMatch(e -> !e.system().isEmpty());
    }

    @Test
    void ktoDemoHasBothJudgements() throws Exception {
        LoadedDatasets data = load(DemoDatasets.KTO, Stage.KTO);
        assertNothingDropped(data, DemoDatasets.KTO, jsonRows("kto_en_demo.json"));
        long desirable = data.train().stream().filter(AlignedExample::ktoTag).count();
        assertThat(desirable).isBetween(40L, data.train().size() - 40L);
    }

    @Test
    void corpusStreamsForPretraining() throws Exception {
        long lines;
        try (Stream<String> s = Files.lines(DemoDatasets.directory().resolve("corpus_demo.txt"))) {
            lines = s.count();
        }
        long docs;
        long chars = 0;
        Set<String> firstWords = new HashSet<>();
        try (StreamedDatasets s = DatasetLoader.demo().stream(
                List.of(DemoDatasets.CORPUS),
                DatasetLoadOptions.builder().stage(Stage.PT).bufferSize(0).build())) {
            docs = 0;
            while (s.train().hasNext()) {
                AlignedExample e = s.train().next();
                assertThat(e.response()).isEmpty();
                String text = e.prompt().get(0).content();
                chars += text.length();
                firstWords.add(text.split(" ")[0]);
                docs++;
            }
            assertThat(s.train().report().dataset(DemoDatasets.CORPUS).rowsDropped())
                    .isZero();
        }
        assertThat(docs).isEqualTo(lines).isGreaterThan(500);
        assertThat(chars).isGreaterThan(300_000);
        assertThat(firstWords).hasSizeGreaterThan(30);
    }
}
