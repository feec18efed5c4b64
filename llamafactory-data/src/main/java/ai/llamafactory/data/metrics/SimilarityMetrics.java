package ai.llamafactory.data.metrics;

import ai.llamafactory.data.json.PythonFloats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * LLaMA-Factory's {@code ComputeSimilarity}: scores each (prediction, label) pair and averages the scores into the
 * numbers reported as {@code predict_rouge-1}, {@code predict_rouge-2}, {@code predict_rouge-l} and
 * {@code predict_bleu-4}.
 *
 * <p>Per pair: both texts are cut with jieba; if either has no non-whitespace token, the three ROUGE values are 0,
 * otherwise they are {@link Rouge#scoreTokens rouge_chinese's F-measures} on the space-joined tokens; BLEU-4 is
 * {@link Bleu#characterBleu} on the raw characters. Each value is multiplied by 100 and rounded to 4 decimals
 * ({@code round(v * 100, 4)}). The averages are {@code np.mean} of those rounded values (numpy's pairwise sum
 * divided by the count), not rounded again, as LLaMA-Factory writes them to {@code predict_results.json}.
 *
 * <p>An accumulator: add pairs as predictions arrive, then read {@link #averages()}. Not thread-safe.
 */
public final class SimilarityMetrics {
    private final JiebaTokenizer tokenizer;
    private final List<SampleScores> samples = new ArrayList<>();

    /** An accumulator on jieba's default dictionary. */
    public SimilarityMetrics() {
        this(JiebaTokenizer.defaultTokenizer());
    }

    /**
     * @param tokenizer the word segmenter for ROUGE
     */
    public SimilarityMetrics(JiebaTokenizer tokenizer) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    }

    /**
     * Scores one pair with LLaMA-Factory's semantics, without accumulating it.
     *
     * @param prediction the generated text (decoded without special tokens)
     * @param label the reference text
     * @param tokenizer the word segmenter for ROUGE
     * @return the four rounded scores
     */
    public static SampleScores score(String prediction, String label, JiebaTokenizer tokenizer) {
        Objects.requireNonNull(prediction, "prediction");
        Objects.requireNonNull(label, "label");
        List<String> hypothesis = tokenizer.cut(prediction);
        List<String> reference = tokenizer.cut(label);
        RougeScores rouge;
        if (PythonText.splitWhitespace(String.join(" ", hypothesis)).isEmpty()
                || PythonText.splitWhitespace(String.join(" ", reference)).isEmpty()) {
            rouge = RougeScores.ZERO;
        } else {
            rouge = Rouge.scoreTokens(hypothesis, reference);
        }
        double bleu = Bleu.characterBleu(prediction, label).score();
        return new SampleScores(
                percent(rouge.rouge1().f()),
                percent(rouge.rouge2().f()),
                percent(rouge.rougeL().f()),
                percent(bleu));
    }

    /**
     * Scores a pair and keeps its scores for the averages.
     *
     * @param prediction the generated text (decoded without special tokens)
     * @param label the reference text
     * @return the pair's rounded scores
     */
    public SampleScores add(String prediction, String label) {
        SampleScores scores = score(prediction, label, tokenizer);
        samples.add(scores);
        return scores;
    }

    /**
     * Scores many pairs in order.
     *
     * @param predictions generated texts
     * @param labels reference texts, one per prediction
     * @throws IllegalArgumentException if the lists differ in length
     */
    public void addAll(List<String> predictions, List<String> labels) {
        if (predictions.size() != labels.size()) {
            throw new IllegalArgumentException("predictions and labels differ in length: " + predictions.size()
                    + " predictions, " + labels.size() + " labels");
        }
        for (int i = 0; i < predictions.size(); i++) {
            add(predictions.get(i), labels.get(i));
        }
    }

    /**
     * @return the number of pairs scored so far
     */
    public int size() {
        return samples.size();
    }

    /**
     * @return the per-pair scores in the order they were added
     */
    public List<SampleScores> samples() {
        return Collections.unmodifiableList(samples);
    }

    /**
     * The averages LLaMA-Factory reports: {@code float(np.mean(values))} of the rounded per-pair scores.
     *
     * @return the four averages, in LLaMA-Factory's order
     * @throws IllegalStateException if no pair has been added (numpy would answer NaN)
     */
    public Map<SimilarityMetric, Double> averages() {
        if (samples.isEmpty()) {
            throw new IllegalStateException("no prediction has been scored, so there is no average");
        }
        Map<SimilarityMetric, Double> averages = new EnumMap<>(SimilarityMetric.class);
        double[] values = new double[samples.size()];
        for (SimilarityMetric metric : SimilarityMetric.values()) {
            for (int i = 0; i < values.length; i++) {
                values[i] = samples.get(i).get(metric);
            }
            averages.put(metric, PythonNumbers.numpyMean(values));
        }
        return averages;
    }

    /**
     * The averages under the names of a metrics file, e.g. {@code predict_bleu-4}.
     *
     * @param prefix the split: {@code predict} for {@code predict_results.json}, {@code eval} for evaluation
     * @return name to value, in LLaMA-Factory's order
     * @throws IllegalStateException if no pair has been added
     */
    public Map<String, Double> metrics(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        Map<String, Double> named = new LinkedHashMap<>();
        averages().forEach((metric, value) -> named.put(metric.key(prefix), value));
        return named;
    }

    private static double percent(double fraction) {
        return PythonFloats.round(fraction * 100, 4);
    }
}
