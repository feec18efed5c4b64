package ai.llamafactory.core.predict;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a prediction run produced.
 *
 * @param metrics the metrics written to {@code predict_results.json}: {@code predict_bleu-4},
 *     {@code predict_rouge-1}, {@code predict_rouge-2}, {@code predict_rouge-l} (averages ×100, LLaMA-Factory's
 *     {@code ComputeSimilarity}), {@code predict_runtime}, {@code predict_samples_per_second},
 *     {@code predict_steps_per_second}
 * @param samples the number of prompts answered
 * @param generatedTokens the tokens generated over all prompts (end-of-sequence tokens included)
 * @param files the files written ({@code generated_predictions.jsonl}, {@code predict_results.json},
 *     {@code all_results.json})
 */
public record PredictionResult(Map<String, Object> metrics, int samples, long generatedTokens, List<Path> files) {
    /** Copies the collections. */
    public PredictionResult {
        metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(metrics)));
        files = List.copyOf(files);
    }

    /**
     * @param name a metric name, e.g. {@code predict_bleu-4}
     * @return its value as a number
     * @throws IllegalArgumentException when the run did not report it
     */
    public double metric(String name) {
        Object v = metrics.get(name);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("no numeric metric '" + name + "'; reported: " + metrics.keySet());
        }
        return n.doubleValue();
    }
}
