package ai.llamafactory.data.dataset;

import ai.llamafactory.api.exception.InvalidConfigException;

/**
 * How much of the training data is held out for evaluation: LLaMA-Factory's {@code val_size}, either a fraction in
 * (0, 1) or a row count.
 *
 * @param fraction the held-out fraction, or 0 when a count is given or nothing is held out
 * @param count the held-out row count, or 0 when a fraction is given or nothing is held out
 */
public record ValSize(double fraction, int count) {
    /** Nothing held out. */
    public static final ValSize NONE = new ValSize(0, 0);

    /** Validates the components. */
    public ValSize {
        if (fraction < 0 || fraction >= 1 || Double.isNaN(fraction)) {
            throw new InvalidConfigException("val_size: a fraction must be in [0, 1), got " + fraction);
        }
        if (count < 0) {
            throw new InvalidConfigException("val_size: a count must be >= 0, got " + count);
        }
        if (fraction > 0 && count > 0) {
            throw new InvalidConfigException("val_size: give a fraction or a count, not both");
        }
    }

    /**
     * @param fraction in (0, 1)
     * @return a fractional hold-out
     */
    public static ValSize fraction(double fraction) {
        return new ValSize(fraction, 0);
    }

    /**
     * @param count rows to hold out
     * @return a counted hold-out
     */
    public static ValSize count(int count) {
        return new ValSize(0, count);
    }

    /**
     * Interprets a YAML number as LLaMA-Factory does: above 1 it is a row count (truncated), otherwise a fraction.
     *
     * @param value the {@code val_size} value
     * @return the hold-out
     * @throws InvalidConfigException for negative values and for exactly 1 (which would hold out everything)
     */
    public static ValSize of(double value) {
        if (value > 1) {
            return count((int) value);
        }
        if (value == 1) {
            throw new InvalidConfigException(
                    "val_size: 1 would hold out every row; use a fraction below 1 or a " + "row count above 1");
        }
        return value == 0 ? NONE : fraction(value);
    }

    /** @return true when rows are held out */
    public boolean isSet() {
        return fraction > 0 || count > 0;
    }

    /**
     * @param total rows available
     * @return rows to hold out: {@code ceil(fraction * total)} or the count (as Hugging Face's
     *     {@code train_test_split})
     */
    public int heldOut(int total) {
        return fraction > 0 ? (int) Math.ceil(fraction * total) : count;
    }

    @Override
    public String toString() {
        return fraction > 0 ? Double.toString(fraction) : Integer.toString(count);
    }
}
