package ai.llamafactory.data.metrics;

/**
 * One ROUGE variant's numbers for a hypothesis against a reference, as {@code rouge_chinese} reports them (fractions
 * in [0, 1]).
 *
 * @param f the F-measure {@code 2 * (p * r) / (p + r + 1e-8)}
 * @param p the precision
 * @param r the recall
 */
public record RougeScore(double f, double p, double r) {
    /** All zero: what LLaMA-Factory substitutes when the hypothesis or the reference has no token. */
    public static final RougeScore ZERO = new RougeScore(0.0, 0.0, 0.0);
}
