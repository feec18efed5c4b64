package ai.llamafactory.api.data;

/**
 * One encoded example of a split. The four implementations cover LLaMA-Factory's dataset processors; a split holds
 * records of one {@link Kind} only.
 */
public sealed interface EncodedRecord permits EncodedSequence, EncodedPair, EncodedFeedback, EncodedPrompt {

    /** The label of tokens that take no loss (PyTorch's cross-entropy {@code ignore_index}). */
    int IGNORE_INDEX = -100;

    /** Which record type a split holds. */
    enum Kind {
        /** {@link EncodedSequence}: pre-training blocks and supervised sequences (packed or not). */
        SEQUENCE,
        /** {@link EncodedPair}: chosen and rejected sequences for reward modelling and DPO. */
        PAIR,
        /** {@link EncodedFeedback}: a KTO example with its mismatched KL sequence. */
        FEEDBACK,
        /** {@link EncodedPrompt}: a prompt for generation (prediction, PPO) with its reference answer. */
        PROMPT;

        /** @return the lower-case name used in cache manifests, e.g. {@code sequence} */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /**
         * @param key a value written by {@link #key()}
         * @return the constant
         * @throws IllegalArgumentException for any other value
         */
        public static Kind fromKey(String key) {
            for (Kind k : values()) {
                if (k.key().equals(key)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown record kind '" + key + "'");
        }
    }

    /** @return the record type */
    Kind kind();

    /** @return the number of token ids the record holds (all sequences of it, padding of packed rows included) */
    int tokenCount();

    /** @return the number of labels that take a loss (not {@link #IGNORE_INDEX}); 0 for prompts */
    int labelCount();

    /**
     * @param labels labels
     * @return how many are not {@link #IGNORE_INDEX}
     */
    static int countLabels(int[] labels) {
        int n = 0;
        for (int l : labels) {
            if (l != IGNORE_INDEX) {
                n++;
            }
        }
        return n;
    }
}
