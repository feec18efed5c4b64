package ai.llamafactory.data.worker;

import static ai.llamafactory.data.worker.WorkerFixture.config;
import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.data.PreparedData;
import ai.llamafactory.testing.Conformance;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the cache saves: 50,000 generated alpaca rows (JSON lines) prepared for sft with the Qwen3 tokenizer and
 * {@code qwen3_nothink} on two threads, first encoded (read, encode, write the cache entry), then read back from the
 * cache. Prints both times, rows/s and the entry's size; asserts nothing about time. Run with {@code mvn -pl
 * llamafactory-data -am test -Dtest=DataWorkerCacheBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dsurefire.excludedGroups=}.
 */
@Tag("benchmark")
class DataWorkerCacheBenchmarkTest {
    private static final int ROWS = 50_000;
    private static final String[] WORDS = ("the of and to in is was for on that with as by at from model data train "
                    + "learn token language fine tune answer question explain write summarise list three reasons why how "
                    + "what when where because however therefore example python function returns value error memory speed "
                    + "quality château naïve 東京 数据 модель")
            .split(" ");

    @TempDir
    Path tmp;

    @Test
    void encodeOnceThenReadFromTheCache() throws IOException {
        Path qwen3 = Conformance.requireFolder("tokenizers/qwen3");
        Path dataDir = tmp.resolve("data");
        Files.createDirectories(dataDir);
        Files.writeString(dataDir.resolve("dataset_info.json"), "{\"bench\": {\"file_name\": \"bench.jsonl\"}}");
        ObjectMapper json = new ObjectMapper();
        Random r = new Random(1);
        try (BufferedWriter w = Files.newBufferedWriter(dataDir.resolve("bench.jsonl"))) {
            for (int i = 0; i < ROWS; i++) {
                ObjectNode row = json.createObjectNode();
                row.put("instruction", sentence(r, 8 + r.nextInt(30)));
                row.put("input", r.nextBoolean() ? "" : sentence(r, 5 + r.nextInt(60)));
                row.put("output", sentence(r, 20 + r.nextInt(180)));
                w.write(json.writeValueAsString(row));
                w.newLine();
            }
        }
        FineTuneConfig config = config(
                qwen3,
                tmp.resolve("out"),
                "stage",
                "sft",
                "dataset",
                "bench",
                "dataset_dir",
                dataDir.toString(),
                "template",
                "qwen3_nothink",
                "cutoff_len",
                2048,
                "preprocessing_num_workers",
                2);
        DefaultDataWorker worker =
                DefaultDataWorker.builder().cacheRoot(tmp.resolve("cache")).build();

        long t0 = System.nanoTime();
        PreparedData encoded = worker.prepare(config);
        long t1 = System.nanoTime();
        PreparedData cached = worker.prepare(config);
        long t2 = System.nanoTime();

        assertThat(cached.source()).isEqualTo(PreparedData.Source.CACHE);
        assertThat(cached.train()).isEqualTo(encoded.train());
        long bytes;
        try (Stream<Path> s = Files.list(cached.cachePath().orElseThrow())) {
            bytes = s.mapToLong(p -> p.toFile().length()).sum();
        }
        double first = (t1 - t0) / 1e9;
        double second = (t2 - t1) / 1e9;
        System.out.printf(
                "data worker, %d alpaca rows, %d tokens, Qwen3 tokenizer, 2 threads:%n", ROWS, encoded.trainTokens());
        System.out.printf(
                "  encode + write cache: %.2f s (%.0f rows/s, %.0f tokens/s)%n",
                first, ROWS / first, encoded.trainTokens() / first);
        System.out.printf(
                "  cache hit:            %.2f s (%.0f rows/s), %.1fx faster%n", second, ROWS / second, first / second);
        System.out.printf(
                "  cache entry: %.1f MB, %.2f bytes per token%n", bytes / 1e6, (double) bytes / encoded.trainTokens());
    }

    private static String sentence(Random r, int words) {
        StringBuilder sb = new StringBuilder();
        for (int w = 0; w < words; w++) {
            sb.append(w == 0 ? "" : r.nextInt(12) == 0 ? ", " : " ").append(WORDS[r.nextInt(WORDS.length)]);
        }
        return sb.append('.').toString();
    }
}
