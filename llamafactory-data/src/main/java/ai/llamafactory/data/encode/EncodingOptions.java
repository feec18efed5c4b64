package ai.llamafactory.data.encode;

import ai.llamafactory.api.config.Stage;
import ai.llamafactory.api.exception.InvalidConfigException;

/**
 * The data arguments that shape encoding (LLaMA-Factory's {@code cutoff_len}, {@code train_on_prompt},
 * {@code mask_history}, {@code packing}, {@code neat_packing}). Immutable; build with {@link #builder()}.
 */
public final class EncodingOptions {
    private final int cutoffLen;
    private final boolean trainOnPrompt;
    private final boolean maskHistory;
    private final Boolean packing;
    private final boolean neatPacking;

    private EncodingOptions(Builder b) {
        if (b.cutoffLen < 2) {
            throw new InvalidConfigException("cutoff_len: must be at least 2, got " + b.cutoffLen);
        }
        if (b.trainOnPrompt && b.maskHistory) {
            throw new InvalidConfigException("train_on_prompt and mask_history cannot both be true");
        }
        if (b.neatPacking && Boolean.FALSE.equals(b.packing)) {
            throw new InvalidConfigException("neat_packing: true requires packing (got packing: false)");
        }
        this.cutoffLen = b.cutoffLen;
        this.trainOnPrompt = b.trainOnPrompt;
        this.maskHistory = b.maskHistory;
        this.packing = b.neatPacking ? Boolean.TRUE : b.packing;
        this.neatPacking = b.neatPacking;
    }

    /** @return a builder with LLaMA-Factory's defaults: cutoff_len 2048, everything else off, packing automatic */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding these values */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.cutoffLen = cutoffLen;
        b.trainOnPrompt = trainOnPrompt;
        b.maskHistory = maskHistory;
        b.packing = packing;
        b.neatPacking = neatPacking;
        return b;
    }

    /** @return the configured {@code cutoff_len} */
    public int cutoffLen() {
        return cutoffLen;
    }

    /** @return whether prompt tokens are learned too */
    public boolean trainOnPrompt() {
        return trainOnPrompt;
    }

    /** @return whether only the last turn is learned (earlier turns are truncated first) */
    public boolean maskHistory() {
        return maskHistory;
    }

    /** @return whether neat packing is on (sub-sequence indices in the attention mask) */
    public boolean neatPacking() {
        return neatPacking;
    }

    /**
     * @param stage the training stage
     * @return whether examples are packed: as configured, else automatically for pre-training only
     */
    public boolean packing(Stage stage) {
        return packing != null ? packing : stage == Stage.PT;
    }

    /**
     * @param stage the training stage
     * @return the length examples are truncated to: {@code cutoff_len}, minus one when packing (LLaMA-Factory pads a
     *     packed row to {@code cutoff_len} that way)
     */
    public int effectiveCutoffLen(Stage stage) {
        return packing(stage) ? cutoffLen - 1 : cutoffLen;
    }

    @Override
    public String toString() {
        return "EncodingOptions[cutoff_len=" + cutoffLen + ", train_on_prompt=" + trainOnPrompt + ", mask_history="
                + maskHistory + ", packing=" + packing + ", neat_packing=" + neatPacking + "]";
    }

    /** Builder for {@link EncodingOptions}. */
    public static final class Builder {
        private int cutoffLen = 2048;
        private boolean trainOnPrompt;
        private boolean maskHistory;
        private Boolean packing;
        private boolean neatPacking;

        private Builder() {}

        /**
         * @param value maximum tokens per example ({@code cutoff_len})
         * @return this builder
         */
        public Builder cutoffLen(int value) {
            this.cutoffLen = value;
            return this;
        }

        /**
         * @param value whether prompt tokens are learned too ({@code train_on_prompt})
         * @return this builder
         */
        public Builder trainOnPrompt(boolean value) {
            this.trainOnPrompt = value;
            return this;
        }

        /**
         * @param value whether only the last turn is learned ({@code mask_history})
         * @return this builder
         */
        public Builder maskHistory(boolean value) {
            this.maskHistory = value;
            return this;
        }

        /**
         * @param value whether examples are packed; null for automatic (on for pre-training only)
         * @return this builder
         */
        public Builder packing(Boolean value) {
            this.packing = value;
            return this;
        }

        /**
         * @param value whether packed sub-sequences stay separate (sub-sequence indices in the attention mask; forces
         *     packing)
         * @return this builder
         */
        public Builder neatPacking(boolean value) {
            this.neatPacking = value;
            return this;
        }

        /** @return the options */
        public EncodingOptions build() {
            return new EncodingOptions(this);
        }
    }
}
