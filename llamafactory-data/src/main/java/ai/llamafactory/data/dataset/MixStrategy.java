package ai.llamafactory.data.dataset;

import ai.llamafactory.api.exception.InvalidConfigException;
import java.util.Arrays;
import java.util.Locale;

/** How several training datasets are merged: LLaMA-Factory's {@code mix_strategy}. */
public enum MixStrategy {
    /** One after the other, in the order given. */
    CONCAT,
    /**
     * Alternate between datasets (round robin, or drawn by {@code interleave_probs}) and stop as soon as one is used
     * up: Hugging Face's {@code first_exhausted}, which undersamples the larger datasets.
     */
    INTERLEAVE_UNDER,
    /**
     * Alternate and restart used-up datasets until every dataset has been used up at least once: Hugging Face's
     * {@code all_exhausted}, which oversamples the smaller datasets.
     */
    INTERLEAVE_OVER,
    /** Alternate, skipping used-up datasets, until all are used up; every row exactly once. */
    INTERLEAVE_ONCE;

    /** @return the YAML value, e.g. {@code interleave_under} */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return true for the interleave strategies */
    public boolean interleaves() {
        return this != CONCAT;
    }

    /**
     * @param key a {@code mix_strategy} value
     * @return the strategy
     * @throws InvalidConfigException naming the value and the accepted ones
     */
    public static MixStrategy fromKey(String key) {
        for (MixStrategy m : values()) {
            if (m.key().equals(key)) {
                return m;
            }
        }
        throw new InvalidConfigException("mix_strategy: unknown value '" + key + "', expected one of "
                + Arrays.toString(Arrays.stream(values()).map(MixStrategy::key).toArray()));
    }
}
