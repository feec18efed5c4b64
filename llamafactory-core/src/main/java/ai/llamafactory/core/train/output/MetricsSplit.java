package ai.llamafactory.core.train.output;

/**
 * The phases whose metrics the Hugging Face Trainer saves as {@code <split>_results.json}, each with its metric-name
 * prefix ({@code train_runtime}, {@code eval_loss}, {@code predict_loss}).
 */
public enum MetricsSplit {
    /** Training: {@code train_results.json}, metrics {@code train_*}. */
    TRAIN("train"),
    /** Evaluation: {@code eval_results.json}, metrics {@code eval_*}. */
    EVAL("eval"),
    /** Prediction: {@code predict_results.json}, metrics {@code predict_*}. */
    PREDICT("predict");

    private final String prefix;

    MetricsSplit(String prefix) {
        this.prefix = prefix;
    }

    /**
     * The name used in file names and metric prefixes.
     *
     * @return {@code train}, {@code eval} or {@code predict}
     */
    public String prefix() {
        return prefix;
    }

    /**
     * The results file of this split.
     *
     * @return e.g. {@code train_results.json}
     */
    public String fileName() {
        return prefix + "_results.json";
    }
}
