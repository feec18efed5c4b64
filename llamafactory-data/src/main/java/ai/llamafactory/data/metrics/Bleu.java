package ai.llamafactory.data.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Sentence-level BLEU-4 exactly as NLTK's {@code sentence_bleu(references, hypothesis,
 * smoothing_function=SmoothingFunction().method3)} computes it with the default uniform weights (0.25 each), which is
 * what LLaMA-Factory reports as {@code bleu-4} on {@code list(label)} and {@code list(predict)}, the characters of
 * the two strings.
 *
 * <p>The computation, for n = 1..4:
 * <ul>
 *   <li>modified precision: hypothesis n-grams whose counts are clipped to the largest count of the same n-gram in
 *       any one reference, over the number of hypothesis n-grams (at least 1);</li>
 *   <li>if no unigram matches, the score is 0;</li>
 *   <li>method 3 (NIST geometric smoothing): the k-th order without any match (k = 1, 2, ...) gets the precision
 *       {@code 1 / (2^k * denominator)};</li>
 *   <li>brevity penalty with the reference length closest to the hypothesis length (the shorter one on a tie):
 *       1 if the hypothesis is longer, 0 if it is empty, otherwise {@code exp(1 - r/c)};</li>
 *   <li>score = {@code BP * exp(fsum(0.25 * log p_n))}, with {@code fsum} the correctly rounded sum.</li>
 * </ul>
 */
public final class Bleu {
    /** The highest n-gram order (BLEU-4). */
    public static final int MAX_ORDER = 4;

    private static final double WEIGHT = 1.0 / MAX_ORDER;

    private Bleu() {}

    /**
     * LLaMA-Factory's {@code sentence_bleu([list(label)], list(pred), smoothing_function=method3)}: BLEU-4 on the
     * characters (code points) of the two strings, spaces included.
     *
     * @param prediction the generated text
     * @param label the reference text
     * @return the score and its intermediate numbers
     */
    public static BleuScore characterBleu(String prediction, String label) {
        Objects.requireNonNull(prediction, "prediction");
        Objects.requireNonNull(label, "label");
        return sentenceBleu(List.of(PythonText.characters(label)), PythonText.characters(prediction));
    }

    /**
     * NLTK's {@code sentence_bleu(references, hypothesis, smoothing_function=SmoothingFunction().method3)} with
     * uniform BLEU-4 weights.
     *
     * @param references one or more reference token lists
     * @param hypothesis the hypothesis tokens
     * @return the score and its intermediate numbers
     */
    public static BleuScore sentenceBleu(List<? extends List<String>> references, List<String> hypothesis) {
        Objects.requireNonNull(references, "references");
        Objects.requireNonNull(hypothesis, "hypothesis");
        if (references.isEmpty()) {
            throw new IllegalArgumentException("sentence BLEU needs at least one reference");
        }
        List<Integer> matches = new ArrayList<>(MAX_ORDER);
        List<Integer> totals = new ArrayList<>(MAX_ORDER);
        for (int n = 1; n <= MAX_ORDER; n++) {
            int[] precision = modifiedPrecision(references, hypothesis, n);
            matches.add(precision[0]);
            totals.add(precision[1]);
        }
        int hypLength = hypothesis.size();
        int refLength = closestReferenceLength(references, hypLength);
        double brevityPenalty = brevityPenalty(refLength, hypLength);
        if (matches.get(0) == 0) {
            return new BleuScore(0.0, matches, totals, List.of(), hypLength, refLength, brevityPenalty);
        }
        List<Double> precisions = new ArrayList<>(MAX_ORDER);
        double[] logTerms = new double[MAX_ORDER];
        int smoothingStep = 1;
        for (int i = 0; i < MAX_ORDER; i++) {
            double p;
            if (matches.get(i) == 0) {
                p = 1.0 / ((double) (1L << smoothingStep) * totals.get(i));
                smoothingStep++;
            } else {
                p = (double) matches.get(i) / (double) totals.get(i);
            }
            precisions.add(p);
            logTerms[i] = WEIGHT * Math.log(p);
        }
        double score = brevityPenalty * Math.exp(PythonNumbers.fsum(logTerms));
        return new BleuScore(score, matches, totals, precisions, hypLength, refLength, brevityPenalty);
    }

    /** Returns {clipped matches, max(1, hypothesis n-gram count)}. */
    private static int[] modifiedPrecision(List<? extends List<String>> references, List<String> hypothesis, int n) {
        Map<List<String>, Integer> counts = ngramCounts(hypothesis, n);
        Map<List<String>, Integer> maxReferenceCounts = new HashMap<>();
        for (List<String> reference : references) {
            Map<List<String>, Integer> referenceCounts = ngramCounts(reference, n);
            for (List<String> ngram : counts.keySet()) {
                maxReferenceCounts.merge(ngram, referenceCounts.getOrDefault(ngram, 0), Math::max);
            }
        }
        int clipped = 0;
        int total = 0;
        for (Map.Entry<List<String>, Integer> e : counts.entrySet()) {
            clipped += Math.min(e.getValue(), maxReferenceCounts.getOrDefault(e.getKey(), 0));
            total += e.getValue();
        }
        return new int[] {clipped, Math.max(1, total)};
    }

    private static Map<List<String>, Integer> ngramCounts(List<String> tokens, int n) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) {
            counts.merge(tokens.subList(i, i + n), 1, Integer::sum);
        }
        return counts;
    }

    private static int closestReferenceLength(List<? extends List<String>> references, int hypLength) {
        int best = -1;
        for (List<String> reference : references) {
            int length = reference.size();
            if (best < 0) {
                best = length;
                continue;
            }
            int distance = Math.abs(length - hypLength);
            int bestDistance = Math.abs(best - hypLength);
            if (distance < bestDistance || (distance == bestDistance && length < best)) {
                best = length;
            }
        }
        return best;
    }

    private static double brevityPenalty(int referenceLength, int hypLength) {
        if (hypLength > referenceLength) {
            return 1.0;
        }
        if (hypLength == 0) {
            return 0.0;
        }
        return Math.exp(1.0 - (double) referenceLength / (double) hypLength);
    }
}
