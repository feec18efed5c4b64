package ai.llamafactory.data.metrics;

import java.util.List;
import java.util.Objects;

/**
 * The result of one sentence-level BLEU computation, with the intermediate numbers that explain it.
 *
 * @param score the BLEU score in [0, 1] (not multiplied by 100)
 * @param matches clipped n-gram matches for n = 1..4 (NLTK's precision numerators)
 * @param totals hypothesis n-gram counts for n = 1..4, at least 1 each (NLTK's precision denominators)
 * @param precisions the precisions after method-3 smoothing for n = 1..4 ({@code matches/totals}, or
 *     {@code 1/(2^k * totals)} for the k-th order without a match); empty when the score is 0 because no unigram
 *     matched
 * @param hypothesisLength tokens in the hypothesis
 * @param referenceLength tokens in the reference closest in length to the hypothesis
 * @param brevityPenalty {@code 1} when the hypothesis is longer than the reference, {@code 0} when it is empty,
 *     otherwise {@code exp(1 - r/c)}
 */
public record BleuScore(
        double score,
        List<Integer> matches,
        List<Integer> totals,
        List<Double> precisions,
        int hypothesisLength,
        int referenceLength,
        double brevityPenalty) {
    /** Copies the lists. */
    public BleuScore {
        matches = List.copyOf(Objects.requireNonNull(matches, "matches"));
        totals = List.copyOf(Objects.requireNonNull(totals, "totals"));
        precisions = List.copyOf(Objects.requireNonNull(precisions, "precisions"));
    }
}
