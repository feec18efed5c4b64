package ai.llamafactory.data.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Throughput of LLaMA-Factory's similarity metrics (jieba + ROUGE + BLEU per pair) and the dictionary load time.
 * Prints figures, asserts nothing: {@code mvn -B -ntp -Pbenchmark -pl llamafactory-data -am test
 * -Dtest=SimilarityMetricsBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class SimilarityMetricsBenchmarkTest {
    @Test
    void pairsPerSecond() throws Exception {
        long loadStart = System.nanoTime();
        JiebaTokenizer jieba = JiebaTokenizer.defaultTokenizer();
        double loadMs = (System.nanoTime() - loadStart) / 1e6;
        List<String[]> pairs = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (InputStream in = getClass().getResourceAsStream("/metrics/similarity_cases.jsonl");
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                JsonNode node = json.readTree(line);
                if (node.has("predict")) {
                    pairs.add(new String[] {
                        node.get("predict").asText(), node.get("label").asText()
                    });
                }
            }
        }
        long chars =
                pairs.stream().mapToLong(p -> p[0].length() + p[1].length()).sum();
        for (int round = 0; round < 3; round++) {
            SimilarityMetrics metrics = new SimilarityMetrics(jieba);
            long start = System.nanoTime();
            int repeats = 20;
            for (int r = 0; r < repeats; r++) {
                for (String[] pair : pairs) {
                    metrics.add(pair[0], pair[1]);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(
                    "similarity metrics: %d pairs (%.0f chars/pair) in %.2f s = %.0f pairs/s%n",
                    metrics.size(), (double) chars / pairs.size(), seconds, metrics.size() / seconds);
        }
        System.out.printf("jieba dictionary load: %.0f ms%n", loadMs);
    }
}
