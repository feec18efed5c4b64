package ai.llamafactory.data.metrics;

/**
 * The text-similarity metrics LLaMA-Factory computes when predicting with generation, in the order it reports them.
 */
public enum SimilarityMetric {
    /** ROUGE-1 F-measure on jieba words. */
    ROUGE_1("rouge-1"),
    /** ROUGE-2 F-measure on jieba words. */
    ROUGE_2("rouge-2"),
    /** ROUGE-L F-measure on jieba words. */
    ROUGE_L("rouge-l"),
    /** Sentence BLEU-4 on characters with method-3 smoothing. */
    BLEU_4("bleu-4");

    private final String key;

    SimilarityMetric(String key) {
        this.key = key;
    }

    /**
     * @return LLaMA-Factory's name for the metric, e.g. {@code rouge-l}
     */
    public String key() {
        return key;
    }

    /**
     * @param prefix the split, e.g. {@code predict} or {@code eval}
     * @return the name in a metrics file, e.g. {@code predict_rouge-l}
     */
    public String key(String prefix) {
        return prefix + "_" + key;
    }
}
