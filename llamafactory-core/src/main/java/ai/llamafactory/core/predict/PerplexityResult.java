package ai.llamafactory.core.predict;

/**
 * The perplexity of a dataset.
 *
 * @param meanNll the mean negative log-likelihood (nats) over every label token of the dataset
 * @param perplexity {@code exp(meanNll)}: the token-weighted perplexity
 * @param tokens the number of label tokens scored
 * @param examplePerplexities per example (per packed row when sequences are packed): {@code exp} of the mean NLL of
 *     its label tokens; NaN for an example without label tokens
 * @param meanExamplePerplexity the mean of the per-example perplexities over examples with label tokens (what
 *     LLaMA-Factory's {@code scripts/stat_utils/cal_ppl.py} prints as the average perplexity)
 */
public record PerplexityResult(
        double meanNll, double perplexity, long tokens, double[] examplePerplexities, double meanExamplePerplexity) {
    /** Copies the array. */
    public PerplexityResult {
        examplePerplexities = examplePerplexities.clone();
    }

    /** @return a copy of the per-example perplexities */
    @Override
    public double[] examplePerplexities() {
        return examplePerplexities.clone();
    }

    @Override
    public String toString() {
        return "PerplexityResult{perplexity=" + perplexity + ", mean_nll=" + meanNll + ", tokens=" + tokens
                + ", examples=" + examplePerplexities.length + ", mean_example_perplexity=" + meanExamplePerplexity
                + "}";
    }
}
