package ai.llamafactory.data.encode;

import ai.llamafactory.api.config.DataArguments;
import ai.llamafactory.api.config.Stage;
import java.util.Objects;

/**
 * The data arguments that shape encoding (LLaMA-Factory's {@code cutoff_len}, {@code train_on_prompt},
 * {@code mask_history}, {@code packing}, {@code neat_packing}): a view of {@link DataArguments}, whose keys hold the
 * defaults and the checks. Immutable; build with {@link #from(DataArguments)} or {@link #builder()}.
 */
public final class EncodingOptions {
    private final DataArguments data;

    private EncodingOptions(DataArguments data) {
        this.data = Objects.requireNonNull(data, "data");
    }

    /**
     * @param data the data arguments
     * @return the encoding view of them
     */
    public static EncodingOptions from(DataArguments data) {
        return new EncodingOptions(data);
    }

    /** @return a builder starting from {@link DataArguments#defaults()} (cutoff_len 2048, packing automatic) */
    public static Builder builder() {
        return new Builder(DataArguments.builder());
    }

    /** @return a builder holding these values */
    public Builder toBuilder() {
        return new Builder(data.toBuilder());
    }

    /** @return the arguments this view reads */
    public DataArguments arguments() {
        return data;
    }

    /** @return {@link DataArguments#CUTOFF_LEN} */
    public int cutoffLen() {
        return data.cutoffLen();
    }

    /** @return whether prompt tokens are learned too ({@link DataArguments#TRAIN_ON_PROMPT}) */
    public boolean trainOnPrompt() {
        return data.trainOnPrompt();
    }

    /** @return whether only the last turn is learned ({@link DataArguments#MASK_HISTORY}) */
    public boolean maskHistory() {
        return data.maskHistory();
    }

    /** @return whether neat packing is on ({@link DataArguments#NEAT_PACKING}) */
    public boolean neatPacking() {
        return data.neatPacking();
    }

    /**
     * @param stage the training stage
     * @return whether examples are packed ({@link DataArguments#packingEnabled(Stage)})
     */
    public boolean packing(Stage stage) {
        return data.packingEnabled(stage);
    }

    /**
     * @param stage the training stage
     * @return the length examples are truncated to: {@code cutoff_len}, minus one when packing (LLaMA-Factory pads a
     *     packed row to {@code cutoff_len} that way)
     */
    public int effectiveCutoffLen(Stage stage) {
        return packing(stage) ? cutoffLen() - 1 : cutoffLen();
    }

    @Override
    public String toString() {
        Boolean packing = data.neatPacking() ? Boolean.TRUE : data.packing().orElse(null);
        return "EncodingOptions[cutoff_len=" + cutoffLen() + ", train_on_prompt=" + trainOnPrompt() + ", mask_history="
                + maskHistory() + ", packing=" + packing + ", neat_packing=" + neatPacking() + "]";
    }

    /** Builder for {@link EncodingOptions}: writes the {@link DataArguments} keys of the same names. */
    public static final class Builder {
        private final DataArguments.Builder data;

        private Builder(DataArguments.Builder data) {
            this.data = data;
        }

        /**
         * @param value maximum tokens per example ({@code cutoff_len})
         * @return this builder
         */
        public Builder cutoffLen(int value) {
            data.cutoffLen(value);
            return this;
        }

        /**
         * @param value whether prompt tokens are learned too ({@code train_on_prompt})
         * @return this builder
         */
        public Builder trainOnPrompt(boolean value) {
            data.trainOnPrompt(value);
            return this;
        }

        /**
         * @param value whether only the last turn is learned ({@code mask_history})
         * @return this builder
         */
        public Builder maskHistory(boolean value) {
            data.maskHistory(value);
            return this;
        }

        /**
         * @param value whether examples are packed; null for automatic (on for pre-training only)
         * @return this builder
         */
        public Builder packing(Boolean value) {
            data.packing(value);
            return this;
        }

        /**
         * @param value whether packed sub-sequences stay separate (sub-sequence indices in the attention mask; forces
         *     packing)
         * @return this builder
         */
        public Builder neatPacking(boolean value) {
            data.neatPacking(value);
            return this;
        }

        /**
         * @return the options
         * @throws ai.llamafactory.api.exception.InvalidConfigException when the data arguments refuse a value
         */
        public EncodingOptions build() {
            return new EncodingOptions(data.build());
        }
    }
}
