package ai.llamafactory.data.metrics;

import java.util.Objects;

/**
 * ROUGE-1, ROUGE-2 and ROUGE-L for one hypothesis-reference pair.
 *
 * @param rouge1 unigram overlap
 * @param rouge2 bigram overlap
 * @param rougeL longest common subsequence
 */
public record RougeScores(RougeScore rouge1, RougeScore rouge2, RougeScore rougeL) {
    /** All zero, LLaMA-Factory's result when the hypothesis or the reference has no token. */
    public static final RougeScores ZERO = new RougeScores(RougeScore.ZERO, RougeScore.ZERO, RougeScore.ZERO);

    /** Validates the fields. */
    public RougeScores {
        Objects.requireNonNull(rouge1, "rouge1");
        Objects.requireNonNull(rouge2, "rouge2");
        Objects.requireNonNull(rougeL, "rougeL");
    }
}
