package ai.llamafactory.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.llamafactory.api.config.MixStrategy;
import ai.llamafactory.api.config.Stage;
import ai.llamafactory.api.exception.DatasetException;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.data.AlignedExample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLoaderTest {
    @TempDir
    Path dir;

    private DatasetLoader loader;

    /** Rows {"instruction": "<prefix><i>", "output": "o<i>"} for i in [0, n). */
    private void alpacaJsonl(String file, String prefix, int n) throws IOException {
        Files.writeString(
                dir.resolve(file),
                IntStream.range(0, n)
                                .mapToObj(i -> "{\"instruction\": \"" + prefix + i + "\", \"output\": \"o" + i + "\"}")
                                .collect(Collectors.joining("\n"))
                        + "\n");
    }

    @BeforeEach
    void setUp() throws IOException {
        alpacaJsonl("a.jsonl", "a", 10);
        alpacaJsonl("b.jsonl", "b", 4);
        alpacaJsonl("c.jsonl", "c", 1000);
        alpacaJsonl("d.jsonl", "d", 1000);
        Files.writeString(
                dir.resolve("mixed.json"),
                """
                [
                  {"instruction": "good", "output": "yes"},
                  {"instruction": 5, "output": "x"},
                  {"instruction": "prompt only"},
                  {"instruction": "also good", "output": "yes"},
                  {"nothing": "here"}
                ]
                """);
        Files.writeString(
                dir.resolve("pairs.json"),
                """
                [{"conversations": [{"from": "human", "value": "q"}],
                  "chosen": {"from": "gpt", "value": "good"}, "rejected": {"from": "gpt", "value": "bad"}}]
                """);
        Files.writeString(
                dir.resolve("broken_roles.json"),
                """
                [{"conversations": [{"from": "gpt", "value": "a"}, {"from": "human", "value": "q"}]},
                 {"conversations": [{"from": "human", "value": "q"}]}]
                """);
        Files.createDirectories(dir.resolve("folder"));
        Files.writeString(dir.resolve("folder/part-2.jsonl"), "{\"text\": \"second file\"}\n");
        Files.writeString(dir.resolve("folder/part-1.jsonl"), "{\"text\": \"first file\"}\n");
        Files.writeString(dir.resolve("folder/.hidden"), "ignored");
        Files.createDirectories(dir.resolve("twotypes"));
        Files.writeString(dir.resolve("twotypes/x.json"), "[]");
        Files.writeString(dir.resolve("twotypes/y.csv"), "a\n1\n");
        Files.writeString(
                dir.resolve("dataset_info.json"),
                """
                {
                  "a": {"file_name": "a.jsonl"},
                  "b": {"file_name": "b.jsonl"},
                  "c": {"file_name": "c.jsonl"},
                  "d": {"file_name": "d.jsonl"},
                  "mixed": {"file_name": "mixed.json"},
                  "pairs": {"file_name": "pairs.json", "formatting": "sharegpt", "ranking": true,
                            "columns": {"chosen": "chosen", "rejected": "rejected"}},
                  "broken_roles": {"file_name": "broken_roles.json", "formatting": "sharegpt"},
                  "folder": {"file_name": "folder", "columns": {"prompt": "text"}},
                  "twotypes": {"file_name": "twotypes"},
                  "missing": {"file_name": "nowhere/x.json"},
                  "arrow": {"file_name": "x.arrow"},
                  "a_up": {"file_name": "a.jsonl", "num_samples": 25},
                  "c_down": {"file_name": "c.jsonl", "num_samples": 5},
                  "test_split": {"file_name": "a.jsonl", "split": "test"}
                }
                """);
        Files.writeString(dir.resolve("x.arrow"), "");
        loader = DatasetLoader.forDirectory(dir);
    }

    private static DatasetLoadOptions.Builder opts() {
        return DatasetLoadOptions.builder();
    }

    private static List<String> prompts(List<AlignedExample> examples) {
        return examples.stream()
                .map(e -> e.prompt().get(e.prompt().size() - 1).content())
                .toList();
    }

    @Test
    void loadsAndReportsDroppedRowsByReason() {
        LoadedDatasets data =
                loader.load(List.of("mixed"), opts().stage(Stage.SFT).build());
        assertThat(prompts(data.train())).containsExactly("good", "also good");
        DatasetLoadReport r = data.report().dataset("mixed");
        assertThat(r.rowsRead()).isEqualTo(5);
        assertThat(r.rowsKept()).isEqualTo(2);
        assertThat(r.rowsUsed()).isEqualTo(2);
        assertThat(r.dropped())
                .containsEntry(DropReason.WRONG_TYPE, 1L)
                .containsEntry(DropReason.STAGE_MISMATCH, 1L)
                .containsEntry(DropReason.EMPTY_ROW, 1L)
                .hasSize(3);
        assertThat(r.firstProblems())
                .extracting(RowProblem::location)
                .containsExactly(
                        dir.resolve("mixed.json") + "[#1] (line 3)",
                        dir.resolve("mixed.json") + "[#2] (line 4)",
                        dir.resolve("mixed.json") + "[#4] (line 6)");
        assertThat(r.firstProblems().get(1).detail())
                .isEqualTo("stage sft needs exactly one response, the row has 0 " + "(a prompt-only row)");
        assertThat(r.summary())
                .isEqualTo("mixed: read 5, kept 2, dropped 3 (1 wrong type, 1 empty row, 1 not usable "
                        + "for the stage), used 2");
        assertThat(data.report().rowsDropped()).isEqualTo(3);
    }

    @Test
    void withoutAStagePromptOnlyRowsAreKept() {
        LoadedDatasets data = loader.load(List.of("mixed"), opts().build());
        assertThat(prompts(data.train())).containsExactly("good", "prompt only", "also good");
    }

    @Test
    void strictModeStopsAtTheFirstMalformedRow() {
        assertThatThrownBy(
                        () -> loader.load(List.of("mixed"), opts().strict(true).build()))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith("dataset 'mixed' " + dir.resolve("mixed.json") + "[#1] (line 3): wrong type in "
                        + "'instruction': expected a string, got 5")
                .hasMessageContaining("strict_data");
    }

    @Test
    void datasetWithNoValidRowExplainsTheExpectedFormatAndFirstReasons() {
        assertThatThrownBy(() -> loader.load(
                        List.of("broken_roles"), opts().stage(Stage.SFT).build()))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith("Cannot find valid samples in dataset 'broken_roles' (file_name "
                        + "broken_roles.json, formatting sharegpt) for stage sft: read 2 rows")
                .hasMessageContaining("dropped 2 (1 role out of order, 1 invalid message count)")
                .hasMessageContaining("Expected sharegpt rows like {\"conversations\": [{\"from\": \"human\", "
                        + "\"value\": \"...\"}, {\"from\": \"gpt\", \"value\": \"...\"}]}")
                .hasMessageContaining("First problems:\n  - dataset 'broken_roles' " + dir.resolve("broken_roles.json")
                        + "[#0] (line 1): role out of order in 'conversations[0]'");
    }

    @Test
    void stageAndRankingMustAgree() {
        assertThat(loader.load(List.of("pairs"), opts().stage(Stage.DPO).build())
                        .train()
                        .get(0)
                        .response())
                .hasSize(2);
        assertThatThrownBy(() ->
                        loader.load(List.of("pairs"), opts().stage(Stage.SFT).build()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("does not suit stage sft: a ranking dataset only suits stages rm and dpo");
        assertThatThrownBy(
                        () -> loader.load(List.of("a"), opts().stage(Stage.RM).build()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("stages rm and dpo need a ranking dataset");
    }

    @Test
    void fileProblemsNameThePaths() {
        assertThatThrownBy(() -> loader.load(List.of("missing"), opts().build()))
                .isInstanceOf(DatasetException.class)
                .hasMessage("Dataset file not found for 'missing': looked for "
                        + dir.resolve("nowhere/x.json").toAbsolutePath() + " (file_name 'nowhere/x.json' under "
                        + "dataset_dir " + dir.toAbsolutePath() + ")");
        assertThatThrownBy(() -> loader.load(List.of("twotypes"), opts().build()))
                .hasMessageContaining("must all be of one type, found json [x.json], csv [y.csv]");
        assertThatThrownBy(() -> loader.load(List.of("arrow"), opts().build()))
                .hasMessageContaining("arrow files are not supported");
        assertThatThrownBy(() -> loader.load(List.of("test_split"), opts().build()))
                .hasMessageContaining("split 'test' does not exist");
        assertThatThrownBy(() -> loader.load(List.of("alpha"), opts().build()))
                .hasMessageContaining("Unknown dataset 'alpha'");
    }

    @Test
    void folderFilesAreReadInNameOrder() {
        LoadedDatasets data =
                loader.load(List.of("folder"), opts().stage(Stage.PT).build());
        assertThat(prompts(data.train())).containsExactly("first file", "second file");
        assertThat(data.report().dataset("folder").files())
                .containsExactly(
                        dir.resolve("folder/part-1.jsonl").toString(),
                        dir.resolve("folder/part-2.jsonl").toString());
    }

    @Test
    void maxSamplesKeepsTheFirstRows() {
        LoadedDatasets data =
                loader.load(List.of("a", "b"), opts().maxSamples(3).build());
        assertThat(prompts(data.train())).containsExactly("a0", "a1", "a2", "b0", "b1", "b2");
        assertThat(data.report().dataset("a").rowsRead()).isEqualTo(3);
    }

    @Test
    void numSamplesUpAndDownSampleDeterministically() {
        List<String> up = prompts(loader.load(List.of("a_up"), opts().build()).train());
        assertThat(up).hasSize(25);
        assertThat(up.subList(0, 10))
                .containsExactlyInAnyOrder("a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9");
        assertThat(prompts(loader.load(List.of("a_up"), opts().build()).train()))
                .isEqualTo(up);
        assertThat(prompts(loader.load(List.of("a_up"), opts().seed(7).build()).train()))
                .isNotEqualTo(up);
        List<String> down =
                prompts(loader.load(List.of("c_down"), opts().build()).train());
        assertThat(down).hasSize(5).doesNotHaveDuplicates().allMatch(s -> s.startsWith("c"));
        assertThat(down).isNotEqualTo(List.of("c0", "c1", "c2", "c3", "c4"));
        List<String> capped = prompts(
                loader.load(List.of("a_up"), opts().maxSamples(4).build()).train());
        assertThat(capped).isEqualTo(up.subList(0, 4));
    }

    @Test
    void concatKeepsDatasetOrder() {
        assertThat(prompts(loader.load(List.of("b", "a"), opts().maxSamples(2).build())
                        .train()))
                .containsExactly("b0", "b1", "a0", "a1");
    }

    @Test
    void interleaveRoundRobinUnderAndOverAndOnce() {
        List<String> under = prompts(loader.load(
                        List.of("a", "b"),
                        opts().mixStrategy(MixStrategy.INTERLEAVE_UNDER).build())
                .train());
        assertThat(under).containsExactly("a0", "b0", "a1", "b1", "a2", "b2", "a3", "b3");
        List<String> over = prompts(loader.load(
                        List.of("a", "b"),
                        opts().mixStrategy(MixStrategy.INTERLEAVE_OVER).build())
                .train());
        assertThat(over).hasSize(20).startsWith("a0", "b0", "a1", "b1").endsWith("a8", "b0", "a9", "b1");
        List<String> once = prompts(loader.load(
                        List.of("a", "b"),
                        opts().mixStrategy(MixStrategy.INTERLEAVE_ONCE).build())
                .train());
        assertThat(once).hasSize(14).startsWith("a0", "b0").endsWith("a4", "a5", "a6", "a7", "a8", "a9");
    }

    @Test
    void interleaveWithProbabilitiesIsSeededAndProportional() {
        DatasetLoadOptions o = opts().mixStrategy(MixStrategy.INTERLEAVE_UNDER)
                .interleaveProbs(List.of(0.8, 0.2))
                .build();
        List<String> mix = prompts(loader.load(List.of("c", "d"), o).train());
        assertThat(prompts(loader.load(List.of("c", "d"), o).train())).isEqualTo(mix);
        assertThat(prompts(loader.load(List.of("c", "d"), o.toBuilder().seed(1).build())
                        .train()))
                .isNotEqualTo(mix);
        long fromC = mix.stream().filter(s -> s.startsWith("c")).count();
        // under: stops once c (drawn 80% of the time) is used up, after ~1250 draws
        assertThat(mix.get(mix.size() - 1)).isEqualTo("c999");
        assertThat(fromC).isEqualTo(1000);
        assertThat((double) fromC / mix.size()).isCloseTo(0.8, within(0.03));
        List<String> over = prompts(loader.load(
                        List.of("c", "d"),
                        o.toBuilder().mixStrategy(MixStrategy.INTERLEAVE_OVER).build())
                .train());
        long overD = over.stream().filter(s -> s.startsWith("d")).count();
        assertThat(overD).isGreaterThanOrEqualTo(1000);
        assertThat((double) overD / over.size()).isCloseTo(0.2, within(0.03));
    }

    @Test
    void mixingOptionsAreValidated() {
        assertThatThrownBy(() -> opts().interleaveProbs(List.of(0.5, 0.5)).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("only valid with an interleave mix_strategy");
        assertThatThrownBy(() -> opts().mixStrategy(MixStrategy.INTERLEAVE_UNDER)
                        .interleaveProbs(List.of(0.5, 0.6))
                        .build())
                .hasMessageContaining("must sum to 1");
        assertThatThrownBy(() -> loader.load(
                        List.of("a", "b", "c"),
                        opts().mixStrategy(MixStrategy.INTERLEAVE_UNDER)
                                .interleaveProbs(List.of(0.5, 0.5))
                                .build()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("interleave_probs has 2 values [0.5, 0.5] but 3 datasets are mixed");
        assertThatThrownBy(() -> loader.load(
                        List.of("a", "b"),
                        opts().mixStrategy(MixStrategy.INTERLEAVE_OVER)
                                .interleaveProbs(List.of(1.0, 0.0))
                                .build()))
                .hasMessageContaining("dataset 'b' has probability 0");
        assertThatThrownBy(() -> loader.load(List.of("a", "a"), opts().build()))
                .hasMessageContaining("'a' is listed twice");
        assertThat(MixStrategy.fromKey("interleave_over")).isEqualTo(MixStrategy.INTERLEAVE_OVER);
        assertThatThrownBy(() -> MixStrategy.fromKey("zip")).hasMessageContaining("unknown value 'zip'");
    }

    @Test
    void valSizeFractionAndCountSplitWithASeed() {
        LoadedDatasets frac =
                loader.load(List.of("a"), opts().valSize(ValSize.of(0.25)).build());
        assertThat(frac.validation()).hasSize(3); // ceil(0.25 * 10)
        assertThat(frac.train()).hasSize(7);
        List<String> all = new ArrayList<>(prompts(frac.train()));
        all.addAll(prompts(frac.validation()));
        assertThat(all).containsExactlyInAnyOrder("a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9");
        LoadedDatasets again =
                loader.load(List.of("a"), opts().valSize(ValSize.of(0.25)).build());
        assertThat(prompts(again.validation())).isEqualTo(prompts(frac.validation()));
        LoadedDatasets count =
                loader.load(List.of("a"), opts().valSize(ValSize.of(4)).build());
        assertThat(count.validation()).hasSize(4);
        assertThat(count.train()).hasSize(6);
        assertThatThrownBy(() -> loader.load(
                        List.of("b"), opts().valSize(ValSize.count(4)).build()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("holds out 4 of 4 training rows");
        assertThatThrownBy(() -> ValSize.of(1)).hasMessageContaining("1 would hold out every row");
        assertThat(ValSize.of(2.7)).isEqualTo(ValSize.count(2));
    }

    @Test
    void evalDatasetsMergedOrKeptApart() {
        LoadedDatasets merged = loader.load(
                List.of("a"), opts().evalDatasets(List.of("b", "folder")).build());
        assertThat(merged.train()).hasSize(10);
        assertThat(prompts(merged.validation())).containsExactly("b0", "b1", "b2", "b3", "first file", "second file");
        assertThat(merged.report().datasets())
                .extracting(DatasetLoadReport::dataset, DatasetLoadReport::evaluation)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("a", false),
                        org.assertj.core.groups.Tuple.tuple("b", true),
                        org.assertj.core.groups.Tuple.tuple("folder", true));
        LoadedDatasets each = loader.load(
                List.of("a"),
                opts().evalDatasets(List.of("b", "folder"))
                        .evalOnEachDataset(true)
                        .build());
        assertThat(each.eval()).containsOnlyKeys("validation_b", "validation_folder");
        LoadedDatasets evalOnly =
                loader.load(List.of(), opts().evalDatasets(List.of("b")).build());
        assertThat(evalOnly.train()).isEmpty();
        assertThat(evalOnly.validation()).hasSize(4);
        assertThatThrownBy(() -> opts().valSize(ValSize.of(0.1))
                        .evalDatasets(List.of("b"))
                        .build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("cannot be combined with eval_dataset");
    }

    @Test
    void streamingReadsLazilyAndCountsAsItGoes() throws IOException {
        Files.writeString(dir.resolve("lazy.jsonl"), "{\"text\": \"one\"}\n{\"text\": \"two\"}\n{\"text\": \n");
        Files.writeString(
                dir.resolve("dataset_info.json"),
                "{\"lazy\": {\"file_name\": \"lazy.jsonl\", " + "\"columns\": {\"prompt\": \"text\"}}}");
        DatasetLoader lazy = DatasetLoader.forDirectory(dir);
        try (StreamedDatasets s = lazy.stream(
                List.of("lazy"),
                opts().stage(Stage.PT).strict(true).bufferSize(0).build())) {
            ExampleStream train = s.train();
            assertThat(train.next().prompt().get(0).content()).isEqualTo("one");
            assertThat(train.report().dataset("lazy").rowsRead()).isEqualTo(1); // nothing read ahead
            assertThat(train.next().prompt().get(0).content()).isEqualTo("two");
            assertThatThrownBy(train::hasNext)
                    .isInstanceOf(DatasetException.class)
                    .hasMessageContaining("lazy.jsonl:3: unreadable row: not valid JSON");
        }
    }

    @Test
    void streamingMixesCapsAndHoldsOutACount() {
        StreamedDatasets s = loader.stream(
                List.of("a", "b"),
                opts().mixStrategy(MixStrategy.INTERLEAVE_UNDER)
                        .maxSamples(3)
                        .valSize(ValSize.count(2))
                        .bufferSize(0)
                        .build());
        assertThat(prompts(s.eval().get("validation"))).containsExactly("a0", "b0");
        List<String> rest = prompts(s.train().stream().toList());
        // a stream does not know its length: "under" stops right after the row that uses up a dataset (a2)
        assertThat(rest).containsExactly("a1", "b1", "a2");
        LoadReport report = s.train().report();
        assertThat(report.dataset("a").rowsUsed()).isEqualTo(3);
        assertThat(report.dataset("b").rowsUsed()).isEqualTo(2);
        s.close();

        List<String> shuffled;
        try (StreamedDatasets t =
                loader.stream(List.of("a"), opts().bufferSize(4).seed(3).build())) {
            shuffled = prompts(t.train().stream().toList());
        }
        assertThat(shuffled)
                .hasSize(10)
                .isNotEqualTo(List.of("a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9"))
                .containsExactlyInAnyOrder("a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9");
        try (StreamedDatasets t =
                loader.stream(List.of("a"), opts().bufferSize(4).seed(3).build())) {
            assertThat(prompts(t.train().stream().toList())).isEqualTo(shuffled);
        }
        try (StreamedDatasets t = loader.stream(
                List.of("a", "b"),
                opts().mixStrategy(MixStrategy.INTERLEAVE_OVER).bufferSize(0).build())) {
            List<String> over = prompts(t.train().stream().toList());
            // streamed "over": ends as soon as every dataset has been used up once (after a9)
            assertThat(over).hasSize(19).startsWith("a0", "b0").endsWith("a8", "b0", "a9");
            assertThat(t.train().report().dataset("b").rowsRead()).isEqualTo(4); // restarts are not counted twice
        }
    }

    @Test
    void streamingFailsUpFrontForADatasetWithoutValidRows() {
        assertThatThrownBy(() -> loader.stream(List.of("a", "broken_roles"), opts().build()))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("Cannot find valid samples in dataset 'broken_roles'");
        assertThatThrownBy(() -> loader.stream(
                        List.of("a"), opts().valSize(ValSize.of(0.2)).build()))
                .isInstanceOf(InvalidConfigException.class);
    }

    @Test
    void loadRefusesStreamingOptions() {
        assertThatThrownBy(
                        () -> loader.load(List.of("a"), opts().streaming(true).build()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("call stream() instead of load()");
    }

    @Test
    void parsesCommaSeparatedNames() {
        assertThat(DatasetLoader.parseNames(" alpaca_en_demo, identity ,,"))
                .containsExactly("alpaca_en_demo", "identity");
        assertThat(DatasetLoader.parseNames(null)).isEmpty();
    }
}
