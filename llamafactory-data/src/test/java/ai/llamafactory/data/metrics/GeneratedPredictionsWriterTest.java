package ai.llamafactory.data.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Expected bytes are what Python's json.dumps / json.dump produce for the same values. */
class GeneratedPredictionsWriterTest {
    @Test
    void rowsAreWrittenLikeJsonDumpsWithEnsureAsciiFalse(@TempDir Path dir) throws Exception {
        GeneratedPrediction tricky = new GeneratedPrediction(
                "<|im_start|>user\n你好 \"quoted\"\t\\ \u0001<|im_end|>\n", "答案是：A 😀\u2028", "A\u007f");
        GeneratedPrediction plain = new GeneratedPrediction("Q", "", "B");
        try (GeneratedPredictionsWriter writer = GeneratedPredictionsWriter.open(dir.resolve("out"))) {
            writer.write(tricky);
            writer.write(plain.prompt(), plain.predict(), plain.label());
            assertThat(writer.rowsWritten()).isEqualTo(2);
        }
        Path file = dir.resolve("out").resolve("generated_predictions.jsonl");
        String text = Files.readString(file, StandardCharsets.UTF_8);
        // python: json.dumps(row, ensure_ascii=False) + "\n": ", " and ": " separators, non-ASCII (emoji, U+2028,
        // DEL) verbatim, quote/backslash/\n/\t escaped, other control characters as backslash-u00xx
        assertThat(text)
                .isEqualTo("{\"prompt\": \"<|im_start|>user\\n你好 \\\"quoted\\\"\\t\\\\ \\u0001<|im_end|>\\n\", "
                        + "\"predict\": \"答案是：A 😀\u2028\", \"label\": \"A\u007f\"}\n"
                        + "{\"prompt\": \"Q\", \"predict\": \"\", \"label\": \"B\"}\n");
        assertThat(GeneratedPredictionsWriter.toJsonLine(plain))
                .isEqualTo("{\"prompt\": \"Q\", \"predict\": \"\", " + "\"label\": \"B\"}");
    }

    @Test
    void writeAllReplacesTheFile(@TempDir Path dir) throws Exception {
        GeneratedPredictionsWriter.writeAll(
                dir, List.of(new GeneratedPrediction("a", "b", "c"), new GeneratedPrediction("d", "e", "f")));
        Path file = GeneratedPredictionsWriter.writeAll(dir, List.of(new GeneratedPrediction("x", "y", "z")));
        assertThat(Files.readAllLines(file, StandardCharsets.UTF_8))
                .containsExactly("{\"prompt\": \"x\", \"predict\": \"y\", \"label\": \"z\"}");
    }

    @Test
    void predictResultsAreSortedIndentedAndAsciiEscaped(@TempDir Path dir) throws Exception {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("predict_rouge-1", 55.238099999999996);
        metrics.put("predict_rouge-2", 46.666666666666664);
        metrics.put("predict_rouge-l", 56.349199999999996);
        metrics.put("predict_bleu-4", 39.83513333333333);
        metrics.put("predict_runtime", 12.3456);
        metrics.put("predict_samples_per_second", 0.243);
        metrics.put("predict_steps_per_second", 0.081);
        metrics.put("note", "é");
        Path file = GeneratedPredictionsWriter.writePredictResults(dir, metrics);
        assertThat(file.getFileName().toString()).isEqualTo("predict_results.json");
        // python: json.dump(metrics, f, indent=4, sort_keys=True)
        assertThat(Files.readString(file, StandardCharsets.UTF_8))
                .isEqualTo(
                        """
                {
                    "note": "\\u00e9",
                    "predict_bleu-4": 39.83513333333333,
                    "predict_rouge-1": 55.238099999999996,
                    "predict_rouge-2": 46.666666666666664,
                    "predict_rouge-l": 56.349199999999996,
                    "predict_runtime": 12.3456,
                    "predict_samples_per_second": 0.243,
                    "predict_steps_per_second": 0.081
                }""");
    }
}
