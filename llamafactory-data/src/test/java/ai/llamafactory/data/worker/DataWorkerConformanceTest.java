package ai.llamafactory.data.worker;

import static ai.llamafactory.data.worker.WorkerFixture.config;
import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.api.data.EncodedRecord;
import ai.llamafactory.api.data.EncodedSequence;
import ai.llamafactory.api.data.PreparedData;
import ai.llamafactory.data.tokenizer.HfTokenizer;
import ai.llamafactory.testing.Conformance;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data worker against LLaMA-Factory's own encodings: every row of every {@code llamafactory/sft_encodings_*.json}
 * of the conformance root is written into a dataset file ({@code dataset_info.json}, openai-style messages), prepared
 * through {@link DefaultDataWorker} with the template and tokenizer its key names, and must give LLaMA-Factory's
 * {@code input_ids} and {@code labels}. Also the demo data end to end with the Qwen3 tokenizer. Fails, naming the
 * missing file, when the conformance data is absent.
 */
class DataWorkerConformanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> everyGoldenSftRowThroughTheWorker() throws IOException {
        Path root = Conformance.root();
        List<DynamicTest> tests = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(root.resolve("llamafactory"))) {
            files = s.filter(p -> p.getFileName().toString().matches("sft_encodings_.*\\.json"))
                    .sorted()
                    .toList();
        }
        if (files.isEmpty()) {
            throw new AssertionError(
                    "conformance file missing: no sft_encodings_*.json in " + root.resolve("llamafactory"));
        }
        DefaultDataWorker worker =
                DefaultDataWorker.builder().cacheRoot(null).threads(1).build();
        for (Path file : files) {
            JsonNode all = Conformance.readJson(file);
            Iterator<Map.Entry<String, JsonNode>> it = all.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String[] key = e.getKey().split("/", 2);
                Path tokenizer = root.resolve("tokenizers").resolve(key[0]);
                String template = key[1];
                // one dataset per cutoff_len, since cutoff_len is a run-wide argument
                Map<Integer, List<JsonNode>> byCutoff = new TreeMap<>();
                for (JsonNode row : e.getValue().path("rows")) {
                    byCutoff.computeIfAbsent(row.path("cutoff_len").asInt(), k -> new ArrayList<>())
                            .add(row);
                }
                byCutoff.forEach((cutoff, rows) -> tests.add(DynamicTest.dynamicTest(
                        file.getFileName() + " " + e.getKey() + " cutoff_len " + cutoff + " (" + rows.size() + " rows)",
                        () -> check(worker, tokenizer, template, cutoff, rows))));
            }
        }
        return tests.stream();
    }

    private void check(DefaultDataWorker worker, Path tokenizer, String template, int cutoff, List<JsonNode> rows)
            throws IOException {
        Path dataDir = Files.createTempDirectory(tmp, "data");
        ArrayNode records = JSON.createArrayNode();
        for (JsonNode row : rows) {
            ObjectNode r = records.addObject();
            if (row.hasNonNull("system")) {
                r.put("system", row.get("system").asText());
            }
            r.set("messages", row.get("messages"));
        }
        JSON.writeValue(dataDir.resolve("golden.json").toFile(), records);
        Files.writeString(
                dataDir.resolve("dataset_info.json"),
                "{\"golden\": {\"file_name\": \"golden.json\", "
                        + "\"formatting\": \"sharegpt\", \"columns\": {\"messages\": \"messages\", \"system\": \"system\"}, "
                        + "\"tags\": {\"role_tag\": \"role\", \"content_tag\": \"content\", \"user_tag\": \"user\", "
                        + "\"assistant_tag\": \"assistant\", \"system_tag\": \"system\"}}}");
        PreparedData data = worker.prepare(config(
                tokenizer,
                tmp.resolve("out"),
                "stage",
                "sft",
                "dataset",
                "golden",
                "dataset_dir",
                dataDir.toString(),
                "template",
                template,
                "cutoff_len",
                cutoff,
                "do_train",
                false)); // no audit: only the encoding is compared
        assertThat(data.droppedRows()).isZero();
        List<EncodedSequence> encoded = data.train().sequences();
        assertThat(encoded).hasSameSizeAs(rows);
        for (int i = 0; i < rows.size(); i++) {
            assertThat(encoded.get(i).inputIds())
                    .as("input_ids of row %d", i)
                    .containsExactly(Conformance.ints(rows.get(i).get("input_ids")));
            assertThat(encoded.get(i).labels())
                    .as("labels of row %d", i)
                    .containsExactly(Conformance.ints(rows.get(i).get("labels")));
        }
    }

    @Test
    void demoDataWithTheQwen3TokenizerEveryStageAndTheCache() {
        Path qwen3 = Conformance.requireFolder("tokenizers/qwen3");
        DefaultDataWorker worker =
                DefaultDataWorker.builder().cacheRoot(tmp.resolve("cache")).build();
        PreparedData sft = worker.prepare(config(
                qwen3,
                tmp.resolve("out"),
                "stage",
                "sft",
                "dataset",
                "identity,alpaca_en_demo",
                "template",
                "qwen3_nothink",
                "cutoff_len",
                1024,
                "max_samples",
                100,
                "val_size",
                0.1));
        assertThat(sft.trainCount() + sft.evalCount()).isEqualTo(180);
        assertThat(sft.evalCount()).isEqualTo(18);
        assertThat(sft.padTokenId()).isEqualTo(151643);
        assertThat(sft.stopTokenIds()).containsExactly(151645);
        try (HfTokenizer tok = HfTokenizer.load(qwen3)) {
            List<String> texts = sft.train().sequences().stream()
                    .map(s -> tok.decode(s.inputIds(), false))
                    .toList();
            assertThat(texts)
                    .contains("<|im_start|>user\nWhat is your name?<|im_end|>\n<|im_start|>assistant\n"
                            + "My name is {{name}}. I am an AI assistant built by {{author}}."
                            + "<|im_end|>\n");
        }
        PreparedData again = worker.prepare(config(
                qwen3,
                tmp.resolve("out"),
                "stage",
                "sft",
                "dataset",
                "identity,alpaca_en_demo",
                "template",
                "qwen3_nothink",
                "cutoff_len",
                1024,
                "max_samples",
                100,
                "val_size",
                0.1));
        assertThat(again.source()).isEqualTo(PreparedData.Source.CACHE);
        assertThat(again.train()).isEqualTo(sft.train());
        assertThat(worker.encodingRuns()).isEqualTo(1);

        PreparedData dpo = worker.prepare(config(
                qwen3,
                tmp.resolve("out"),
                "stage",
                "dpo",
                "dataset",
                "dpo_en_demo",
                "template",
                "qwen3",
                "cutoff_len",
                1024,
                "max_samples",
                30));
        assertThat(dpo.train().kind()).isEqualTo(EncodedRecord.Kind.PAIR);
        assertThat(dpo.trainCount()).isEqualTo(30);
        assertThat(dpo.auditReport()).contains("Template audit: qwen3");
        PreparedData kto = worker.prepare(config(
                qwen3,
                tmp.resolve("out"),
                "stage",
                "kto",
                "dataset",
                "kto_en_demo",
                "template",
                "qwen3_nothink",
                "cutoff_len",
                1024,
                "max_samples",
                30));
        assertThat(kto.train().feedback()).hasSize(30);
        PreparedData pt = worker.prepare(config(
                qwen3,
                tmp.resolve("out"),
                "stage",
                "pt",
                "dataset",
                "corpus_demo",
                "template",
                "qwen3_nothink",
                "cutoff_len",
                513,
                "max_samples",
                50));
        assertThat(pt.train().sequences()).isNotEmpty().allSatisfy(s -> assertThat(s.length())
                .isEqualTo(512));
        assertThat(worker.encodingRuns()).isEqualTo(4);
    }
}
