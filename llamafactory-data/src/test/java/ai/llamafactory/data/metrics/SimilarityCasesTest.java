package ai.llamafactory.data.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * 200 random prediction/label pairs (dictionary words, unknown Chinese characters, punctuation, English, digits,
 * whitespace) scored in Python by jieba 0.42.1, NLTK 3.8 and numpy, see
 * {@code llamafactory-data/tools/metrics/generate_similarity_cases.py}: tokens must be identical, ROUGE and the
 * reported x100 values equal, BLEU equal up to the last bit of exp/log, and the averages equal.
 */
class SimilarityCasesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> cases() throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        try (InputStream in = SimilarityCasesTest.class.getResourceAsStream("/metrics/similarity_cases.jsonl");
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void everyCaseAndTheAveragesMatchPython() throws Exception {
        List<JsonNode> lines = cases();
        JsonNode averages = lines.remove(lines.size() - 1).get("averages");
        assertThat(lines).hasSize(200);
        JiebaTokenizer jieba = JiebaTokenizer.defaultTokenizer();
        SimilarityMetrics metrics = new SimilarityMetrics(jieba);
        for (JsonNode c : lines) {
            String predict = c.get("predict").asText();
            String label = c.get("label").asText();
            String where = "predict=" + JSON.writeValueAsString(predict) + " label=" + JSON.writeValueAsString(label);
            List<String> hyp = jieba.cut(predict);
            List<String> ref = jieba.cut(label);
            assertThat(hyp).as(where).isEqualTo(strings(c.get("predict_tokens")));
            assertThat(ref).as(where).isEqualTo(strings(c.get("label_tokens")));
            SampleScores scores = metrics.add(predict, label);
            if (c.get("rouge-1").asDouble() != 0.0 || c.get("rouge-l").asDouble() != 0.0) {
                RougeScores rouge = Rouge.scoreTokens(hyp, ref);
                assertThat(rouge.rouge1().f())
                        .as(where)
                        .isEqualTo(c.get("rouge-1").asDouble());
                assertThat(rouge.rouge2().f())
                        .as(where)
                        .isEqualTo(c.get("rouge-2").asDouble());
                assertThat(rouge.rougeL().f())
                        .as(where)
                        .isEqualTo(c.get("rouge-l").asDouble());
            }
            double bleu = c.get("bleu").asDouble();
            assertThat(Bleu.characterBleu(predict, label).score())
                    .as(where)
                    .isCloseTo(bleu, within(Math.ulp(bleu) * 2));
            assertThat(scores)
                    .as(where)
                    .isEqualTo(new SampleScores(
                            c.get("rouge-1_x100").asDouble(),
                            c.get("rouge-2_x100").asDouble(),
                            c.get("rouge-l_x100").asDouble(),
                            c.get("bleu-4_x100").asDouble()));
        }
        assertThat(metrics.averages())
                .containsEntry(SimilarityMetric.ROUGE_1, averages.get("rouge-1").asDouble())
                .containsEntry(SimilarityMetric.ROUGE_2, averages.get("rouge-2").asDouble())
                .containsEntry(SimilarityMetric.ROUGE_L, averages.get("rouge-l").asDouble())
                .containsEntry(SimilarityMetric.BLEU_4, averages.get("bleu-4").asDouble());
    }
}
