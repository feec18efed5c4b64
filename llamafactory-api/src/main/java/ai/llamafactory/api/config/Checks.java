package ai.llamafactory.api.config;

import ai.llamafactory.api.exception.InvalidConfigException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validation helpers shared by the argument builders. Every message starts with the snake_case key, then says what
 * was expected and which value was given, e.g. {@code lora_rank: must be a positive integer, got 0}. The file reader
 * relies on that leading key to add the file name and line.
 */
final class Checks {
    private Checks() {}

    static InvalidConfigException invalid(String key, String problem) {
        return new InvalidConfigException(key + ": " + problem);
    }

    static void require(boolean condition, String key, String problem) {
        if (!condition) {
            throw invalid(key, problem);
        }
    }

    static <T> T notNull(T value, String key) {
        if (value == null) {
            throw invalid(key, "must not be null");
        }
        return value;
    }

    static void positive(String key, int value) {
        require(value > 0, key, "must be a positive integer, got " + value);
    }

    static void positive(String key, Integer value) {
        if (value != null) {
            positive(key, value.intValue());
        }
    }

    static void nonNegative(String key, int value) {
        require(value >= 0, key, "must be >= 0, got " + value);
    }

    static void finite(String key, double value) {
        require(Double.isFinite(value), key, "must be a finite number, got " + value);
    }

    static void positive(String key, double value) {
        require(Double.isFinite(value) && value > 0, key, "must be > 0, got " + value);
    }

    static void positive(String key, Double value) {
        if (value != null) {
            positive(key, value.doubleValue());
        }
    }

    static void nonNegative(String key, double value) {
        require(Double.isFinite(value) && value >= 0, key, "must be >= 0, got " + value);
    }

    static void nonNegative(String key, Double value) {
        if (value != null) {
            nonNegative(key, value.doubleValue());
        }
    }

    /** Checks {@code low <= value <= high}. */
    static void closed(String key, double value, double low, double high) {
        require(
                Double.isFinite(value) && value >= low && value <= high,
                key,
                "must lie in [" + low + ", " + high + "], got " + value);
    }

    /** Checks {@code low <= value < high}. */
    static void halfOpen(String key, double value, double low, double high) {
        require(
                Double.isFinite(value) && value >= low && value < high,
                key,
                "must lie in [" + low + ", " + high + "), got " + value);
    }

    /**
     * Refuses a setting LLaMA-Factory honours but this library does not implement yet, unless it has its off value.
     * The message names the key, says what to use instead (or that the feature is not implemented yet) and shows the
     * value, e.g. {@code use_galore: not supported by LlamaFactory for Java yet (GaLore is not implemented; ...), got
     * true}.
     *
     * @param key the key
     * @param value the value given (an enum as its file spelling, a list as a list)
     * @param offValue the value that turns the feature off (the default)
     * @param reason what is missing and what to use instead
     */
    static void notSupportedYet(String key, Object value, Object offValue, String reason) {
        if (!java.util.Objects.equals(value, offValue)) {
            throw invalid(
                    key, "not supported by LlamaFactory for Java yet (" + reason + "), got " + ValueType.show(value));
        }
    }

    static void oneOf(String key, Integer value, int... allowed) {
        if (value == null) {
            return;
        }
        for (int a : allowed) {
            if (a == value) {
                return;
            }
        }
        StringBuilder choices = new StringBuilder();
        for (int a : allowed) {
            choices.append(choices.length() == 0 ? "" : ", ").append(a);
        }
        throw invalid(key, "must be one of [" + choices + "], got " + value);
    }

    /** Copies a list of names, rejecting null or blank entries; the copy is immutable. */
    static List<String> names(String key, Collection<String> values) {
        if (values == null) {
            return List.of();
        }
        List<String> copy = new ArrayList<>(values.size());
        for (String v : values) {
            if (v == null || v.isBlank()) {
                throw invalid(key, "entries must not be empty, got " + values);
            }
            // LLaMA-Factory's comma lists ("q_proj,v_proj") mean the same from Java as in a YAML file.
            for (String part : v.split(",", -1)) {
                if (part.isBlank()) {
                    throw invalid(key, "entries must not be empty, got " + values);
                }
                copy.add(part.trim());
            }
        }
        return List.copyOf(copy);
    }

    /** Copies a list of numbers, rejecting null entries; the copy is immutable. */
    static List<Double> numbers(String key, Collection<Double> values) {
        if (values == null) {
            return List.of();
        }
        for (Double v : values) {
            if (v == null) {
                throw invalid(key, "entries must not be null, got " + values);
            }
        }
        return List.copyOf(values);
    }

    static Path path(String key, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw invalid(key, "not a valid path: '" + value + "' (" + e.getReason() + ")");
        }
    }

    /** Deep, immutable copy of a map of plain values (strings, numbers, booleans, lists, maps). */
    static Map<String, Object> freeze(String key, Map<String, ?> values) {
        if (values == null) {
            return Map.of();
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : values.entrySet()) {
            if (e.getKey() == null) {
                throw invalid(key, "keys must not be null, got " + values);
            }
            copy.put(e.getKey(), freezeValue(key, e.getValue()));
        }
        return Collections.unmodifiableMap(copy);
    }

    @SuppressWarnings("unchecked")
    private static Object freezeValue(String key, Object value) {
        if (value instanceof Map) {
            return freeze(key, (Map<String, ?>) value);
        }
        if (value instanceof Collection) {
            List<Object> list = new ArrayList<>();
            for (Object o : (Collection<?>) value) {
                list.add(freezeValue(key, o));
            }
            return Collections.unmodifiableList(list);
        }
        return value;
    }
}
