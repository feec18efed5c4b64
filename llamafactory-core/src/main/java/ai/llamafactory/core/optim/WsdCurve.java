package ai.llamafactory.core.optim;

import ai.llamafactory.api.exception.InvalidConfigException;
import java.util.Locale;

/** Shape of the warmup or decay phase of the warmup-stable-decay schedule ({@code warmup_type}, {@code decay_type}). */
public enum WsdCurve {
    /** A straight line. */
    LINEAR("linear"),
    /** Half a cosine wave. */
    COSINE("cosine"),
    /** {@code 1 - sqrt(1 - p)} while warming up, {@code 1 - sqrt(p)} while decaying. */
    ONE_MINUS_SQRT("1-sqrt");

    private final String key;

    WsdCurve(String key) {
        this.key = key;
    }

    /** @return the config value: {@code linear}, {@code cosine} or {@code 1-sqrt} */
    public String key() {
        return key;
    }

    /**
     * Resolves a config value.
     *
     * @param field the config key, for the error message ({@code warmup_type} or {@code decay_type})
     * @param value {@code linear}, {@code cosine} or {@code 1-sqrt}
     * @return the curve
     * @throws InvalidConfigException for any other value
     */
    public static WsdCurve fromKey(String field, String value) {
        String k = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (WsdCurve c : values()) {
            if (c.key.equals(k)) {
                return c;
            }
        }
        throw new InvalidConfigException(field + ": expected 'linear', 'cosine' or '1-sqrt', got '" + value + "'");
    }
}
