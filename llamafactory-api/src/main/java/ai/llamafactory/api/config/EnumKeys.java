package ai.llamafactory.api.config;

import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.api.internal.EditDistance;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Parses the snake_case spelling of an enum constant at the file boundary. */
final class EnumKeys {
    private EnumKeys() {}

    /**
     * Finds the constant whose key equals the value (case-insensitive, surrounding blanks ignored).
     *
     * @throws InvalidConfigException naming the key, the value, the accepted values and the closest one
     */
    static <E extends Enum<E>> E parse(Class<E> type, Function<E, String> key, String field, String value) {
        String wanted = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (key.apply(e).equals(wanted)) {
                return e;
            }
        }
        throw new InvalidConfigException(field + ": " + unknown(type, key, value));
    }

    /** @return "unknown value 'x', expected one of [a, b]" plus a suggestion when one is close */
    static <E extends Enum<E>> String unknown(Class<E> type, Function<E, String> key, String value) {
        List<String> keys = keys(type, key);
        String message = "unknown value '" + value + "', expected one of " + keys;
        return value == null
                ? message
                : message
                        + EditDistance.closest(value.trim(), keys)
                                .map(s -> "; did you mean '" + s + "'?")
                                .orElse("");
    }

    static <E extends Enum<E>> List<String> keys(Class<E> type, Function<E, String> key) {
        List<String> keys = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            keys.add(key.apply(e));
        }
        return keys;
    }

    /** @return the lower-case name of a constant, the default key spelling */
    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
