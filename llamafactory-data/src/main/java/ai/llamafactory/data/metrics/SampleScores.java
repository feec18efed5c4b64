package ai.llamafactory.data.metrics;

import java.util.EnumMap;
import java.util.Map;

/**
 * One prediction's scores as LLaMA-Factory records them: each metric times 100, rounded to 4 decimals with Python's
 * {@code round}.
 *
 * @param rouge1 ROUGE-1 F x 100
 * @param rouge2 ROUGE-2 F x 100
 * @param rougeL ROUGE-L F x 100
 * @param bleu4 BLEU-4 x 100
 */
public record SampleScores(double rouge1, double rouge2, double rougeL, double bleu4) {
    /**
     * @param metric which metric
     * @return its value
     */
    public double get(SimilarityMetric metric) {
        return switch (metric) {
            case ROUGE_1 -> rouge1;
            case ROUGE_2 -> rouge2;
            case ROUGE_L -> rougeL;
            case BLEU_4 -> bleu4;
        };
    }

    /**
     * @return the four values keyed by metric, in LLaMA-Factory's order
     */
    public Map<SimilarityMetric, Double> asMap() {
        Map<SimilarityMetric, Double> map = new EnumMap<>(SimilarityMetric.class);
        for (SimilarityMetric metric : SimilarityMetric.values()) {
            map.put(metric, get(metric));
        }
        return map;
    }
}
