package ai.llamafactory.data.worker;

import static ai.llamafactory.data.worker.WorkerFixture.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.Stage;
import ai.llamafactory.api.data.EncodedFeedback;
import ai.llamafactory.api.data.EncodedPair;
import ai.llamafactory.api.data.EncodedPrompt;
import ai.llamafactory.api.data.EncodedRecord;
import ai.llamafactory.api.data.EncodedSequence;
import ai.llamafactory.api.data.PreparedData;
import ai.llamafactory.api.exception.DatasetException;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.api.spi.DataWorker;
import ai.llamafactory.api.spi.Plugins;
import ai.llamafactory.data.AlignedExample;
import ai.llamafactory.data.dataset.DatasetLoadOptions;
import ai.llamafactory.data.dataset.DatasetLoader;
import ai.llamafactory.data.dataset.DemoDatasets;
import ai.llamafactory.data.dataset.LoadedDatasets;
import ai.llamafactory.data.encode.EncodingOptions;
import ai.llamafactory.data.encode.FeedbackEncoder;
import ai.llamafactory.data.encode.KtoExample;
import ai.llamafactory.data.encode.PairwiseEncoder;
import ai.llamafactory.data.encode.PairwiseExample;
import ai.llamafactory.data.encode.PretrainEncoder;
import ai.llamafactory.data.encode.SupervisedEncoder;
import ai.llamafactory.data.template.ChatTemplate;
import ai.llamafactory.data.template.TemplateRegistry;
import ai.llamafactory.data.tokenizer.HfTokenizer;
import ai.llamafactory.data.tokenizer.Tokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data worker end to end on the demo datasets with the tiny byte-level tokenizer (one token per UTF-8 byte), so
 * these tests need no conformance data: every stage, the cache (hits, invalidation, overwrite, corruption),
 * {@code tokenized_path}, ServiceLoader discovery and bad input.
 */
class DefaultDataWorkerTest {
    private static final String TEMPLATE = "qwen3_nothink";

    @TempDir
    Path tmp;

    private Path model;
    private Path cache;
    private DefaultDataWorker worker;

    @BeforeEach
    void setUp() {
        model = WorkerFixture.byteLevelTokenizer(tmp.resolve("model"));
        cache = tmp.resolve("cache");
        worker = DefaultDataWorker.builder().cacheRoot(cache).threads(2).build();
    }

    private FineTuneConfig sft(Object... more) {
        Object[] base = {
            "stage", "sft", "dataset", "alpaca_en_demo", "template", TEMPLATE, "cutoff_len", 256, "max_samples", 40
        };
        Object[] all = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return config(model, tmp.resolve("out"), all);
    }

    private static String decode(Tokenizer tok, int[] ids) {
        return tok.decode(ids, false);
    }

    @Test
    void sftEncodesTheDemoRowsExactlyAsTheSupervisedEncoder() {
        PreparedData data = worker.prepare(sft());

        assertThat(data.stage()).isEqualTo(Stage.SFT);
        assertThat(data.templateName()).isEqualTo(TEMPLATE);
        assertThat(data.source()).isEqualTo(PreparedData.Source.ENCODED);
        assertThat(data.train().kind()).isEqualTo(EncodedRecord.Kind.SEQUENCE);
        assertThat(data.trainCount()).isEqualTo(40);
        assertThat(data.eval()).isEmpty();
        assertThat(data.droppedRows()).isZero();
        assertThat(data.padTokenId()).isEqualTo(256); // <|endoftext|>
        assertThat(data.stopTokenIds()).containsExactly(258); // <|im_end|>
        assertThat(worker.encodingRuns()).isEqualTo(1);

        try (HfTokenizer tok = HfTokenizer.load(model)) {
            // first alpaca_en_demo row, rendered by hand: one byte per token, the specials as their ids
            EncodedSequence first = data.train().sequences().get(0);
            String prompt = "<|im_start|>user\nWhich city is the capital of South Korea?<|im_end|>\n"
                    + "<|im_start|>assistant\n";
            String answer = "The capital of South Korea is Seoul.<|im_end|>\n";
            assertThat(decode(tok, first.inputIds())).isEqualTo(prompt + answer);
            int promptTokens = prompt.getBytes(StandardCharsets.UTF_8).length
                    - 2 * "<|im_start|>".length()
                    + 2
                    - "<|im_end|>".length()
                    + 1;
            assertThat(first.labels()).hasSize(first.inputIds().length);
            assertThat(Arrays.stream(first.labels()).limit(promptTokens)).containsOnly(-100);
            assertThat(decode(tok, Arrays.copyOfRange(first.labels(), promptTokens, first.labels().length)))
                    .isEqualTo(answer);
            assertThat(first.attentionMask()).containsOnly(1);
            assertThat(first.positionIds()[first.length() - 1]).isEqualTo(first.length() - 1);

            // reference: the loader and the encoder called directly give the same rows
            ChatTemplate template = TemplateRegistry.get(TEMPLATE);
            Tokenizer fixed = template.fixSpecialTokens(tok);
            LoadedDatasets loaded = DatasetLoader.demo()
                    .load(
                            List.of(DemoDatasets.ALPACA),
                            DatasetLoadOptions.builder()
                                    .stage(Stage.SFT)
                                    .maxSamples(40)
                                    .seed(42)
                                    .build());
            List<EncodedSequence> expected = new SupervisedEncoder(
                            template,
                            fixed,
                            EncodingOptions.builder().cutoffLen(256).build())
                    .encodeAll(loaded.train(), 1)
                    .examples();
            assertThat(data.train().sequences()).hasSize(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertThat(data.train().sequences().get(i).inputIds())
                        .containsExactly(expected.get(i).inputIds());
                assertThat(data.train().sequences().get(i).labels())
                        .containsExactly(expected.get(i).labels());
            }
            assertThat(data.trainTokens())
                    .isEqualTo(
                            expected.stream().mapToLong(EncodedSequence::length).sum());
        }
        assertThat(data.auditReport()).contains("Template audit: " + TEMPLATE);
        assertThat(data.loadSummary()).contains("alpaca_en_demo: read");
    }

    @Test
    void pretrainingPacksTheCorpusIntoBlocksOfCutoffLen() {
        PreparedData data = worker.prepare(config(
                model,
                tmp.resolve("out"),
                "stage",
                "pt",
                "dataset",
                "corpus_demo",
                "template",
                TEMPLATE,
                "cutoff_len",
                129,
                "max_samples",
                30));
        try (HfTokenizer tok = HfTokenizer.load(model)) {
            ChatTemplate template = TemplateRegistry.get(TEMPLATE);
            LoadedDatasets loaded = DatasetLoader.demo()
                    .load(
                            List.of(DemoDatasets.CORPUS),
                            DatasetLoadOptions.builder()
                                    .stage(Stage.PT)
                                    .maxSamples(30)
                                    .build());
            long textTokens = 0;
            for (AlignedExample e : loaded.train()) {
                textTokens += e.prompt().get(0).content().getBytes(StandardCharsets.UTF_8).length + 1; // + eos
            }
            assertThat(data.train().sequences()).hasSize((int) (textTokens / 128));
            List<EncodedSequence> expected = new PretrainEncoder(
                            template,
                            template.fixSpecialTokens(tok),
                            EncodingOptions.builder().cutoffLen(129).build())
                    .encodeAll(loaded.train(), 1)
                    .examples();
            for (int i = 0; i < expected.size(); i++) {
                EncodedSequence s = data.train().sequences().get(i);
                assertThat(s.inputIds())
                        .hasSize(128)
                        .containsExactly(expected.get(i).inputIds());
                assertThat(s.labels()).containsExactly(s.inputIds());
            }
            assertThat(decode(tok, data.train().sequences().get(0).inputIds()))
                    .startsWith(loaded.train().get(0).prompt().get(0).content().substring(0, 100));
        }
    }

    @Test
    void preferenceStagesEncodePairsAndKtoEncodesFeedback() {
        for (String stage : List.of("rm", "dpo")) {
            PreparedData data = worker.prepare(config(
                    model,
                    tmp.resolve("out"),
                    "stage",
                    stage,
                    "dataset",
                    "dpo_en_demo",
                    "template",
                    TEMPLATE,
                    "cutoff_len",
                    512,
                    "max_samples",
                    20));
            assertThat(data.train().kind()).isEqualTo(EncodedRecord.Kind.PAIR);
            assertThat(data.trainCount()).isEqualTo(20);
            EncodedPair p = data.train().pairs().get(0);
            int prompt = 0;
            while (p.chosenLabels()[prompt] == -100) {
                prompt++;
            }
            assertThat(Arrays.copyOf(p.rejectedInputIds(), prompt))
                    .containsExactly(Arrays.copyOf(p.chosenInputIds(), prompt));
            assertThat(Arrays.copyOf(p.rejectedLabels(), prompt)).containsOnly(-100);
            assertThat(p.chosenInputIds()).isNotEqualTo(p.rejectedInputIds());
        }
        PreparedData kto = worker.prepare(config(
                model,
                tmp.resolve("out"),
                "stage",
                "kto",
                "dataset",
                "kto_en_demo",
                "template",
                TEMPLATE,
                "cutoff_len",
                512,
                "max_samples",
                20));
        assertThat(kto.train().kind()).isEqualTo(EncodedRecord.Kind.FEEDBACK);
        List<EncodedFeedback> rows = kto.train().feedback();
        assertThat(rows).hasSize(20);
        // the KL answer of row i is the answer of row i-1 (the first borrows the last's)
        assertThat(answer(rows.get(1).klInputIds(), rows.get(1).klLabels()))
                .containsExactly(answer(rows.get(0).inputIds(), rows.get(0).labels()));
        assertThat(answer(rows.get(0).klInputIds(), rows.get(0).klLabels()))
                .containsExactly(answer(rows.get(19).inputIds(), rows.get(19).labels()));
        assertThat(rows.stream().filter(EncodedFeedback::desirable).count()).isBetween(1L, 19L);
        try (HfTokenizer tok = HfTokenizer.load(model)) {
            ChatTemplate template = TemplateRegistry.get(TEMPLATE);
            Tokenizer fixed = template.fixSpecialTokens(tok);
            EncodingOptions options = EncodingOptions.builder().cutoffLen(512).build();
            LoadedDatasets loaded = DatasetLoader.demo()
                    .load(
                            List.of(DemoDatasets.KTO),
                            DatasetLoadOptions.builder()
                                    .stage(Stage.KTO)
                                    .maxSamples(20)
                                    .build());
            List<KtoExample> expected = new FeedbackEncoder(template, fixed, options)
                    .encodeAll(loaded.train(), 1)
                    .examples();
            for (int i = 0; i < expected.size(); i++) {
                assertThat(rows.get(i).klInputIds())
                        .containsExactly(expected.get(i).klInputIds());
                assertThat(rows.get(i).desirable()).isEqualTo(expected.get(i).desirable());
            }
            LoadedDatasets pairs = DatasetLoader.demo()
                    .load(
                            List.of(DemoDatasets.DPO),
                            DatasetLoadOptions.builder()
                                    .stage(Stage.DPO)
                                    .maxSamples(20)
                                    .build());
            List<PairwiseExample> expectedPairs = new PairwiseEncoder(template, fixed, options)
                    .encodeAll(pairs.train(), 1)
                    .examples();
            PreparedData dpo = worker.prepare(config(
                    model,
                    tmp.resolve("out"),
                    "stage",
                    "dpo",
                    "dataset",
                    "dpo_en_demo",
                    "template",
                    TEMPLATE,
                    "cutoff_len",
                    512,
                    "max_samples",
                    20));
            assertThat(dpo.source()).isEqualTo(PreparedData.Source.CACHE);
            for (int i = 0; i < expectedPairs.size(); i++) {
                assertThat(dpo.train().pairs().get(i).chosenInputIds())
                        .containsExactly(expectedPairs.get(i).chosenInputIds());
                assertThat(dpo.train().pairs().get(i).rejectedLabels())
                        .containsExactly(expectedPairs.get(i).rejectedLabels());
            }
        }
    }

    private static int[] answer(int[] ids, int[] labels) {
        int k = 0;
        while (labels[k] == -100) {
            k++;
        }
        return Arrays.copyOfRange(ids, k, ids.length);
    }

    @Test
    void ppoAndGenerationEncodePrompts() {
        PreparedData ppo = worker.prepare(config(
                model,
                tmp.resolve("out"),
                "stage",
                "ppo",
                "dataset",
                "alpaca_en_demo",
                "template",
                TEMPLATE,
                "cutoff_len",
                256,
                "max_samples",
                10,
                "reward_model",
                tmp.resolve("rm").toString()));
        assertThat(ppo.train().kind()).isEqualTo(EncodedRecord.Kind.PROMPT);
        try (HfTokenizer tok = HfTokenizer.load(model)) {
            EncodedPrompt p = ppo.train().prompts().get(0);
            assertThat(decode(tok, p.inputIds()))
                    .isEqualTo("<|im_start|>user\nWhich city is the capital of "
                            + "South Korea?<|im_end|>\n<|im_start|>assistant\n");
            assertThat(decode(tok, p.referenceIds())).isEqualTo("The capital of South Korea is Seoul.<|im_end|>\n");
        }

        // sft prediction: the training split stays supervised, the evaluation split becomes prompts
        PreparedData predict =
                worker.prepare(sft("eval_dataset", "identity", "do_predict", true, "predict_with_generate", true));
        assertThat(predict.train().kind()).isEqualTo(EncodedRecord.Kind.SEQUENCE);
        assertThat(predict.train().size()).isEqualTo(40);
        assertThat(predict.validation()).get().satisfies(v -> {
            assertThat(v.kind()).isEqualTo(EncodedRecord.Kind.PROMPT);
            assertThat(v.size()).isEqualTo(40);
        });

        // a run that only predicts does not encode the training split
        PreparedData onlyPredict = worker.prepare(
                sft("do_train", false, "eval_dataset", "identity", "do_predict", true, "predict_with_generate", true));
        assertThat(onlyPredict.train().isEmpty()).isTrue();
        assertThat(onlyPredict.evalCount()).isEqualTo(40);
        assertThat(onlyPredict.auditReport()).isEmpty();
    }

    @Test
    void valSizeHoldsOutASeededValidationSplit() {
        PreparedData a = worker.prepare(sft("val_size", 0.25));
        assertThat(a.trainCount()).isEqualTo(30);
        assertThat(a.validation()).get().extracting(s -> s.size()).isEqualTo(10);
        PreparedData otherSeed = worker.prepare(sft("val_size", 0.25, "seed", 7));
        assertThat(worker.encodingRuns()).isEqualTo(2);
        assertThat(otherSeed.validation().get().records())
                .isNotEqualTo(a.validation().get().records());
    }

    @Test
    void neatPackingRowsSurviveTheCacheWithTheirSegmentIndices() {
        PreparedData packed = worker.prepare(sft("neat_packing", true, "cutoff_len", 512));
        assertThat(packed.trainCount()).isLessThan(40);
        EncodedSequence row = packed.train().sequences().get(0);
        assertThat(row.length()).isEqualTo(512);
        assertThat(Arrays.stream(row.attentionMask()).max().getAsInt()).isGreaterThan(1);
        int firstPosition0 = 0;
        for (int i = 1; i < row.length(); i++) {
            if (row.positionIds()[i] == 0 && row.attentionMask()[i] == 2) {
                firstPosition0 = i;
                break;
            }
        }
        assertThat(firstPosition0).isPositive();
        assertThat(row.attentionMask()[firstPosition0 - 1]).isEqualTo(1);

        PreparedData again = worker.prepare(sft("neat_packing", true, "cutoff_len", 512));
        assertThat(again.source()).isEqualTo(PreparedData.Source.CACHE);
        assertThat(again.train()).isEqualTo(packed.train());
        assertThat(worker.encodingRuns()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ cache

    @Test
    void secondRunWithTheSameInputsSkipsEncoding() {
        PreparedData first = worker.prepare(sft());
        PreparedData second = worker.prepare(sft());
        assertThat(worker.encodingRuns()).isEqualTo(1);
        assertThat(second.source()).isEqualTo(PreparedData.Source.CACHE);
        assertThat(second.cachePath())
                .get()
                .isEqualTo(cache.resolve(first.fingerprint().substring(0, 32)));
        assertThat(second.train()).isEqualTo(first.train());
        assertThat(second.fingerprint()).isEqualTo(first.fingerprint());
        assertThat(second.loadSummary()).isEqualTo(first.loadSummary());
        assertThat(second.auditReport()).isEqualTo(first.auditReport());

        // a fresh worker (a new JVM would be the same) finds the entry too
        DefaultDataWorker other = DefaultDataWorker.builder().cacheRoot(cache).build();
        assertThat(other.prepare(sft()).source()).isEqualTo(PreparedData.Source.CACHE);
        assertThat(other.encodingRuns()).isZero();
    }

    @Test
    void changingCutoffLenOrTheTemplateOrPackingInvalidatesTheCache() {
        PreparedData base = worker.prepare(sft());
        PreparedData shorter = worker.prepare(sft("cutoff_len", 64));
        assertThat(worker.encodingRuns()).isEqualTo(2);
        assertThat(shorter.source()).isEqualTo(PreparedData.Source.ENCODED);
        assertThat(shorter.fingerprint()).isNotEqualTo(base.fingerprint());
        assertThat(shorter.train().sequences())
                .allSatisfy(s -> assertThat(s.length()).isLessThanOrEqualTo(64));
        assertThat(base.train().sequences())
                .anySatisfy(s -> assertThat(s.length()).isGreaterThan(64));

        worker.prepare(sft("default_system", "Be brief."));
        worker.prepare(sft("packing", true));
        worker.prepare(sft("max_samples", 41));
        assertThat(worker.encodingRuns()).isEqualTo(5);
        worker.prepare(sft("cutoff_len", 64));
        assertThat(worker.encodingRuns()).isEqualTo(5);
    }

    @Test
    void changingADataFileInvalidatesTheCache() throws IOException {
        Path dataDir = tmp.resolve("data");
        Files.createDirectories(dataDir);
        Files.writeString(dataDir.resolve("dataset_info.json"), "{\"mine\": {\"file_name\": \"mine.json\"}}");
        Path file = dataDir.resolve("mine.json");
        Files.writeString(
                file,
                "[{\"instruction\": \"Say A\", \"output\": \"A\"},"
                        + " {\"instruction\": \"Say B\", \"output\": \"B\"}]");
        FineTuneConfig config = config(
                model,
                tmp.resolve("out"),
                "stage",
                "sft",
                "dataset",
                "mine",
                "dataset_dir",
                dataDir.toString(),
                "template",
                TEMPLATE);
        PreparedData first = worker.prepare(config);
        assertThat(worker.prepare(config).source()).isEqualTo(PreparedData.Source.CACHE);

        Files.writeString(
                file,
                "[{\"instruction\": \"Say A\", \"output\": \"A\"},"
                        + " {\"instruction\": \"Say C\", \"output\": \"C\"}]"); // same size, other content
        PreparedData changed = worker.prepare(config);
        assertThat(worker.encodingRuns()).isEqualTo(2);
        assertThat(changed.source()).isEqualTo(PreparedData.Source.ENCODED);
        try (HfTokenizer tok = HfTokenizer.load(model)) {
            assertThat(decode(tok, changed.train().sequences().get(1).inputIds()))
                    .contains("Say C");
            assertThat(decode(tok, first.train().sequences().get(1).inputIds())).contains("Say B");
        }

        // the tokenizer files are part of the key too
        Path config2 = model.resolve("tokenizer_config.json");
        Files.writeString(
                config2, Files.readString(config2).replace("\"model_max_length\": 4096", "\"model_max_length\": 8192"));
        assertThat(worker.prepare(config).source()).isEqualTo(PreparedData.Source.ENCODED);
        assertThat(worker.encodingRuns()).isEqualTo(3);
    }

    @Test
    void overwriteCacheReencodesAndRefreshesTheEntry() {
        PreparedData first = worker.prepare(sft());
        PreparedData forced = worker.prepare(sft("overwrite_cache", true));
        assertThat(worker.encodingRuns()).isEqualTo(2);
        assertThat(forced.source()).isEqualTo(PreparedData.Source.ENCODED);
        assertThat(forced.train()).isEqualTo(first.train());
        assertThat(worker.prepare(sft()).source()).isEqualTo(PreparedData.Source.CACHE);
        assertThat(worker.encodingRuns()).isEqualTo(2);
    }

    @Test
    void aDamagedCacheEntryIsRebuiltWithAWarning() throws IOException {
        PreparedData first = worker.prepare(sft("val_size", 0.1));
        Path entry = first.cachePath().orElseThrow();
        Path split = entry.resolve("split-0.bin");

        // one flipped byte in the middle of the ids: the checksum catches it
        byte[] bytes = Files.readAllBytes(split);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(split, bytes);
        PreparedData rebuilt = worker.prepare(sft("val_size", 0.1));
        assertThat(rebuilt.source()).isEqualTo(PreparedData.Source.ENCODED);
        assertThat(rebuilt.train()).isEqualTo(first.train());
        assertThat(worker.encodingRuns()).isEqualTo(2);
        assertThat(worker.prepare(sft("val_size", 0.1)).source()).isEqualTo(PreparedData.Source.CACHE);

        // a truncated file, a missing file, a garbage manifest
        Files.write(split, Arrays.copyOf(Files.readAllBytes(split), 100));
        assertThat(worker.prepare(sft("val_size", 0.1)).source()).isEqualTo(PreparedData.Source.ENCODED);
        Files.delete(entry.resolve("split-1.bin"));
        assertThat(worker.prepare(sft("val_size", 0.1)).source()).isEqualTo(PreparedData.Source.ENCODED);
        Files.writeString(entry.resolve(TokenizedStore.MANIFEST), "{not json");
        PreparedData last = worker.prepare(sft("val_size", 0.1));
        assertThat(last.source()).isEqualTo(PreparedData.Source.ENCODED);
        assertThat(last.validation().get()).isEqualTo(first.validation().get());
        assertThat(worker.encodingRuns()).isEqualTo(5);
        assertThat(worker.prepare(sft("val_size", 0.1)).source()).isEqualTo(PreparedData.Source.CACHE);
        try (var files = Files.list(cache)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("no temporary folders are left behind")
                    .allMatch(n -> !n.startsWith("."));
        }
    }

    @Test
    void withoutAnAutomaticCacheEveryRunEncodes() {
        DefaultDataWorker uncached = DefaultDataWorker.builder().cacheRoot(null).build();
        PreparedData a = uncached.prepare(sft());
        PreparedData b = uncached.prepare(sft());
        assertThat(uncached.encodingRuns()).isEqualTo(2);
        assertThat(b.cachePath()).isEmpty();
        assertThat(b.train()).isEqualTo(a.train());
    }

    // ------------------------------------------------------------------ tokenized_path

    @Test
    void tokenizedPathIsSavedThenLoadedIgnoringTheOtherDataArguments() throws IOException {
        Path saved = tmp.resolve("tokenized");
        PreparedData first = worker.prepare(sft("tokenized_path", saved.toString(), "val_size", 0.1));
        assertThat(first.source()).isEqualTo(PreparedData.Source.ENCODED);
        assertThat(first.cachePath()).get().isEqualTo(saved);
        assertThat(saved.resolve(TokenizedStore.MANIFEST)).isRegularFile();
        JsonNode manifest = new ObjectMapper()
                .readTree(saved.resolve(TokenizedStore.MANIFEST).toFile());
        assertThat(manifest.path("format").asText()).isEqualTo("llamafactory-tokenized");
        assertThat(manifest.path("inputs").path("cutoff_len").asText()).isEqualTo("256");
        assertThat(manifest.path("splits").get(0).path("records").asInt()).isEqualTo(36);
        assertThat(manifest.path("splits").get(1).path("name").asText()).isEqualTo("validation");
        // compact: ids once, labels as a prefix length, masks and positions as flags
        long ids = first.trainTokens() + first.evalTokens();
        long bytes = Files.size(saved.resolve("split-0.bin")) + Files.size(saved.resolve("split-1.bin"));
        assertThat(bytes).isLessThan(4 * ids + 20 * 40 + 100);

        DefaultDataWorker uncached = DefaultDataWorker.builder().cacheRoot(null).build();
        PreparedData loaded =
                uncached.prepare(sft("tokenized_path", saved.toString(), "val_size", 0.1, "cutoff_len", 64));
        assertThat(uncached.encodingRuns()).isZero();
        assertThat(loaded.source()).isEqualTo(PreparedData.Source.TOKENIZED_PATH);
        assertThat(loaded.train()).isEqualTo(first.train());
        assertThat(loaded.validation()).isEqualTo(first.validation());

        // overwrite_cache re-encodes with the current arguments and rewrites the folder
        PreparedData rewritten = uncached.prepare(
                sft("tokenized_path", saved.toString(), "val_size", 0.1, "cutoff_len", 64, "overwrite_cache", true));
        assertThat(uncached.encodingRuns()).isEqualTo(1);
        assertThat(rewritten.train().sequences())
                .allSatisfy(s -> assertThat(s.length()).isLessThanOrEqualTo(64));
        assertThat(uncached.prepare(sft("tokenized_path", saved.toString(), "val_size", 0.1, "cutoff_len", 64))
                        .train())
                .isEqualTo(rewritten.train());

        // prediction needs prompts where the saved evaluation split holds supervised rows
        Path withEval = tmp.resolve("with-eval");
        uncached.prepare(sft("tokenized_path", withEval.toString(), "eval_dataset", "identity"));
        assertThatThrownBy(() -> uncached.prepare(sft(
                        "tokenized_path",
                        withEval.toString(),
                        "eval_dataset",
                        "identity",
                        "do_predict",
                        true,
                        "predict_with_generate",
                        true)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("validation holds sequence records, this run needs prompt records");
        // another stage cannot use it
        assertThatThrownBy(() -> uncached.prepare(config(
                        model,
                        tmp.resolve("out"),
                        "stage",
                        "dpo",
                        "dataset",
                        "dpo_en_demo",
                        "template",
                        TEMPLATE,
                        "tokenized_path",
                        saved.toString())))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("encoded for stage sft")
                .hasMessageContaining("stage dpo");
    }

    @Test
    void tokenizedPathIsRebuiltWhenDamagedAndNeverOverwritesForeignFiles() throws IOException {
        Path saved = tmp.resolve("tokenized");
        PreparedData first = worker.prepare(sft("tokenized_path", saved.toString()));
        Files.writeString(saved.resolve("split-0.bin"), "garbage");
        DefaultDataWorker uncached = DefaultDataWorker.builder().cacheRoot(null).build();
        PreparedData rebuilt = uncached.prepare(sft("tokenized_path", saved.toString()));
        assertThat(rebuilt.source()).isEqualTo(PreparedData.Source.ENCODED);
        assertThat(rebuilt.train()).isEqualTo(first.train());
        assertThat(uncached.prepare(sft("tokenized_path", saved.toString())).source())
                .isEqualTo(PreparedData.Source.TOKENIZED_PATH);

        // a cache hit still fills an empty tokenized_path
        Path fresh = tmp.resolve("fresh");
        PreparedData hit = worker.prepare(sft("tokenized_path", fresh.toString()));
        assertThat(hit.source()).isEqualTo(PreparedData.Source.CACHE);
        assertThat(fresh.resolve(TokenizedStore.MANIFEST)).isRegularFile();

        Path foreign = tmp.resolve("foreign");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("dataset_info.json"), "{}");
        assertThatThrownBy(() -> worker.prepare(sft("tokenized_path", foreign.toString())))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(foreign.toAbsolutePath().toString())
                .hasMessageContaining("not a tokenized dataset");
        assertThat(foreign.resolve("dataset_info.json")).hasContent("{}");
    }

    // ------------------------------------------------------------------ discovery, audit, bad input

    @Test
    void serviceLoaderFindsTheDefaultWorker() {
        DataWorker found = Plugins.dataWorker();
        assertThat(found).isInstanceOf(DefaultDataWorker.class);
        assertThat(found.name()).isEqualTo("default");
        assertThat(Plugins.dataWorkers(getClass().getClassLoader()))
                .hasAtLeastOneElementOfType(DefaultDataWorker.class);
    }

    @Test
    void theTemplateAuditWarnsAndFailsInStrictMode() {
        PreparedData data = worker.prepare(sft("template", "alpaca"));
        assertThat(data.auditWarnings()).anySatisfy(w -> assertThat(w).contains("renders differently"));
        assertThat(data.auditReport()).contains("DIFFERENT");

        DefaultDataWorker strict =
                DefaultDataWorker.builder().cacheRoot(cache).strict(true).build();
        assertThatThrownBy(() -> strict.prepare(sft("template", "alpaca")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("Template audit failed for 'alpaca'");
        assertThat(strict.prepare(sft()).auditWarnings()).isEmpty(); // qwen3_nothink matches the ChatML Jinja
    }

    @Test
    void withoutATemplateTheTokenizersJinjaTemplateIsParsed() {
        PreparedData parsed = worker.prepare(sft("template", null));
        assertThat(parsed.templateName()).isEqualTo("parsed");
        PreparedData named = worker.prepare(sft());
        assertThat(parsed.train()).isEqualTo(named.train());
    }

    @Test
    void unknownDatasetListsTheAvailableOnes() {
        assertThatThrownBy(() -> worker.prepare(sft("dataset", "alpaca_demo")))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("Unknown dataset 'alpaca_demo'")
                .hasMessageContaining("alpaca_en_demo")
                .hasMessageContaining("identity")
                .hasMessageContaining("kto_en_demo");
        assertThatThrownBy(() -> worker.prepare(sft("template", "qwen33")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("qwen3");
    }

    @Test
    void aDatasetWithoutValidRowsNamesTheDatasetTheFormatAndTheFirstReasons() throws IOException {
        Path dataDir = tmp.resolve("bad");
        Files.createDirectories(dataDir);
        Files.writeString(dataDir.resolve("dataset_info.json"), "{\"broken\": {\"file_name\": \"broken.jsonl\"}}");
        Files.writeString(
                dataDir.resolve("broken.jsonl"),
                "{\"instruction\": 5, \"output\": \"x\"}\n" + "{\"question\": \"hi\"}\nnot json\n");
        assertThatThrownBy(() -> worker.prepare(config(
                        model,
                        tmp.resolve("out"),
                        "stage",
                        "sft",
                        "dataset",
                        "broken",
                        "dataset_dir",
                        dataDir.toString(),
                        "template",
                        TEMPLATE)))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("Cannot find valid samples in dataset")
                .hasMessageContaining("broken")
                .hasMessageContaining("Expected")
                .hasMessageContaining("broken.jsonl:1")
                .hasMessageContaining("broken.jsonl:3");
        assertThat(worker.encodingRuns()).isZero();

        // one bad row among good ones is dropped and reported
        Files.writeString(
                dataDir.resolve("broken.jsonl"),
                "{\"instruction\": \"Say A\", \"output\": \"A\"}\n" + "{\"instruction\": 5, \"output\": \"x\"}\n");
        PreparedData data = worker.prepare(config(
                model,
                tmp.resolve("out"),
                "stage",
                "sft",
                "dataset",
                "broken",
                "dataset_dir",
                dataDir.toString(),
                "template",
                TEMPLATE));
        assertThat(data.trainCount()).isEqualTo(1);
        assertThat(data.droppedRows()).isEqualTo(1);
        assertThat(data.droppedByReason()).containsEntry("wrong type", 1L);
        assertThat(data.dropMessages()).singleElement().asString().contains("broken.jsonl:2", "instruction");
        // the same facts come back from the cache
        PreparedData cached = worker.prepare(config(
                model,
                tmp.resolve("out"),
                "stage",
                "sft",
                "dataset",
                "broken",
                "dataset_dir",
                dataDir.toString(),
                "template",
                TEMPLATE));
        assertThat(cached.source()).isEqualTo(PreparedData.Source.CACHE);
        assertThat(cached.droppedByReason()).isEqualTo(data.droppedByReason());
        assertThat(cached.dropMessages()).isEqualTo(data.dropMessages());
    }

    @Test
    void packingTruncatesToCutoffLenMinusOneAndACorpusShorterThanOneBlockFails() {
        PreparedData data = worker.prepare(sft("packing", true, "cutoff_len", 80));
        assertThat(data.droppedRows()).isZero(); // every example is cut to 79 tokens first, so each one fits
        assertThat(data.train().sequences())
                .allSatisfy(s -> assertThat(s.length()).isEqualTo(80));
        assertThat(data.train().sequences().stream()
                        .mapToLong(s ->
                                Arrays.stream(s.labels()).filter(l -> l != -100).count())
                        .sum())
                .isEqualTo(data.train().labelCount());
        assertThatThrownBy(() -> worker.prepare(config(
                        model,
                        tmp.resolve("out"),
                        "stage",
                        "pt",
                        "dataset",
                        "corpus_demo",
                        "template",
                        TEMPLATE,
                        "cutoff_len",
                        100000,
                        "max_samples",
                        2)))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("Cannot find valid samples for the train split of stage pt (2 rows read)")
                .hasMessageContaining("fewer tokens than one block of cutoff_len - 1 = 99999");
    }

    @Test
    void streamingAndHubDatasetDirsAreRefusedWithTheKey() {
        assertThatThrownBy(() -> worker.prepare(sft("max_samples", null, "streaming", true, "max_steps", 10)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("streaming");
        assertThatThrownBy(() -> worker.prepare(sft("dataset_dir", "ONLINE")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("dataset_dir: 'ONLINE'");
    }
}
