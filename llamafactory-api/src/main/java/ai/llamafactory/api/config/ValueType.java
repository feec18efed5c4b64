package ai.llamafactory.api.config;

import ai.llamafactory.api.exception.InvalidConfigException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The type of one configuration key at the file boundary: converts what a YAML/JSON parser or a {@code key=value}
 * override produced (strings, numbers, booleans, lists, maps) into the Java value the builder takes, and back.
 * Conversions are strict: {@code 1.5} is not an integer, {@code "abc"} is not a number, {@code 1} is not a boolean.
 *
 * @param <T> the Java type
 */
abstract class ValueType<T> {
    private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String description;

    private ValueType(String description) {
        this.description = description;
    }

    /** @return what the key accepts, e.g. "an integer" */
    final String description() {
        return description;
    }

    /**
     * @param raw a non-null value from a parser
     * @return the Java value
     * @throws IllegalArgumentException with a message saying what was expected and what was given
     */
    abstract T decode(Object raw);

    /** @return the value as it is written to a file: a string, number, boolean or map */
    abstract Object encode(T value);

    final IllegalArgumentException mismatch(Object raw) {
        return new IllegalArgumentException("expected " + description + ", got " + show(raw));
    }

    /** Renders a raw value for an error message: strings quoted, the Java type of others named. */
    static String show(Object raw) {
        if (raw instanceof String) {
            return "'" + raw + "'";
        }
        if (raw instanceof Collection) {
            return "a list " + raw;
        }
        if (raw instanceof Map) {
            return "a mapping " + raw;
        }
        return String.valueOf(raw);
    }

    static final ValueType<Boolean> BOOLEAN = new ValueType<>("true or false") {
        @Override
        Boolean decode(Object raw) {
            if (raw instanceof Boolean) {
                return (Boolean) raw;
            }
            if (raw instanceof String) {
                String s = ((String) raw).trim();
                if (s.equalsIgnoreCase("true")) {
                    return true;
                }
                if (s.equalsIgnoreCase("false")) {
                    return false;
                }
            }
            throw mismatch(raw);
        }

        @Override
        Object encode(Boolean value) {
            return value;
        }
    };

    static final ValueType<Integer> INTEGER = new ValueType<>("an integer") {
        @Override
        Integer decode(Object raw) {
            if (raw instanceof Integer || raw instanceof Short || raw instanceof Byte) {
                return ((Number) raw).intValue();
            }
            BigDecimal exact = null;
            if (raw instanceof Long || raw instanceof BigInteger) {
                exact = new BigDecimal(raw.toString());
            } else if (raw instanceof Double || raw instanceof Float) {
                double d = ((Number) raw).doubleValue();
                if (Double.isFinite(d)) {
                    exact = BigDecimal.valueOf(d);
                }
            } else if (raw instanceof BigDecimal) {
                exact = (BigDecimal) raw;
            } else if (raw instanceof String
                    && DECIMAL.matcher(((String) raw).trim()).matches()) {
                exact = new BigDecimal(((String) raw).trim());
            }
            if (exact == null || exact.stripTrailingZeros().scale() > 0) {
                throw mismatch(raw);
            }
            try {
                return exact.intValueExact();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("expected an integer between " + Integer.MIN_VALUE + " and "
                        + Integer.MAX_VALUE + ", got " + show(raw));
            }
        }

        @Override
        Object encode(Integer value) {
            return value;
        }
    };

    static final ValueType<Double> DOUBLE = new ValueType<>("a number") {
        @Override
        Double decode(Object raw) {
            if (raw instanceof Number) {
                return ((Number) raw).doubleValue();
            }
            if (raw instanceof String && DECIMAL.matcher(((String) raw).trim()).matches()) {
                return Double.parseDouble(((String) raw).trim());
            }
            throw mismatch(raw);
        }

        @Override
        Object encode(Double value) {
            return value;
        }
    };

    static final ValueType<String> STRING = new ValueType<>("a string") {
        @Override
        String decode(Object raw) {
            if (raw instanceof String || raw instanceof Number || raw instanceof Boolean) {
                return raw.toString();
            }
            throw mismatch(raw);
        }

        @Override
        Object encode(String value) {
            return value;
        }
    };

    static final ValueType<Path> PATH = new ValueType<>("a path") {
        @Override
        Path decode(Object raw) {
            String s = STRING.decode(raw);
            try {
                return Path.of(s);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("expected a path, got " + show(raw) + " (" + e.getReason() + ")");
            }
        }

        @Override
        Object encode(Path value) {
            return value.toString().replace('\\', '/');
        }
    };

    /** Comma-separated names ({@code identity,alpaca_en_demo}) or a YAML list; written back comma-separated. */
    static final ValueType<List<String>> STRING_LIST = new ValueType<>("a comma-separated list of names") {
        @Override
        List<String> decode(Object raw) {
            List<String> names = new ArrayList<>();
            if (raw instanceof Collection) {
                for (Object o : (Collection<?>) raw) {
                    if (o == null || o instanceof Collection || o instanceof Map) {
                        throw mismatch(raw);
                    }
                    addNames(names, o.toString());
                }
            } else if (raw instanceof String || raw instanceof Number || raw instanceof Boolean) {
                addNames(names, raw.toString());
            } else {
                throw mismatch(raw);
            }
            return names;
        }

        private void addNames(List<String> names, String text) {
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    names.add(part.trim());
                }
            }
        }

        @Override
        Object encode(List<String> value) {
            return value.isEmpty() ? null : String.join(",", value);
        }
    };

    /** Comma-separated numbers ({@code 0.3,0.7}) or a YAML list; written back comma-separated. */
    static final ValueType<List<Double>> DOUBLE_LIST = new ValueType<>("a comma-separated list of numbers") {
        @Override
        List<Double> decode(Object raw) {
            List<Double> numbers = new ArrayList<>();
            Collection<?> items = raw instanceof Collection
                    ? (Collection<?>) raw
                    : raw instanceof String ? List.of(((String) raw).split(",")) : List.of(raw);
            for (Object o : items) {
                if (o instanceof String && ((String) o).isBlank()) {
                    continue;
                }
                try {
                    numbers.add(DOUBLE.decode(o == null ? "" : o));
                } catch (IllegalArgumentException e) {
                    throw mismatch(raw);
                }
            }
            return numbers;
        }

        @Override
        Object encode(List<Double> value) {
            if (value.isEmpty()) {
                return null;
            }
            StringBuilder s = new StringBuilder();
            for (Double d : value) {
                s.append(s.length() == 0 ? "" : ",").append(d);
            }
            return s.toString();
        }
    };

    /** A mapping, or a JSON object in a string (as transformers accepts for {@code lr_scheduler_kwargs}). */
    static final ValueType<Map<String, Object>> MAP = new ValueType<>("a mapping or a JSON object string") {
        @Override
        Map<String, Object> decode(Object raw) {
            if (raw instanceof Map) {
                Map<String, Object> copy = new LinkedHashMap<>();
                ((Map<?, ?>) raw).forEach((k, v) -> copy.put(String.valueOf(k), v));
                return copy;
            }
            if (raw instanceof String) {
                String s = ((String) raw).trim();
                if (s.isEmpty()) {
                    return Map.of();
                }
                if (s.startsWith("{")) {
                    try {
                        return JSON.readValue(s, new TypeReference<LinkedHashMap<String, Object>>() {});
                    } catch (JsonProcessingException e) {
                        throw new IllegalArgumentException(
                                "expected a JSON object, got " + show(raw) + " (" + e.getOriginalMessage() + ")");
                    }
                }
            }
            throw mismatch(raw);
        }

        @Override
        Object encode(Map<String, Object> value) {
            return value.isEmpty() ? null : value;
        }
    };

    /**
     * An enum written as its snake_case key.
     *
     * @param type the enum class
     * @param key the key of a constant
     * @param fromKey the enum's own parser (accepts aliases); throws {@link InvalidConfigException} when unknown
     */
    static <E extends Enum<E>> ValueType<E> ofEnum(
            Class<E> type, Function<E, String> key, Function<String, E> fromKey) {
        return new ValueType<>("one of " + EnumKeys.keys(type, key)) {
            @Override
            E decode(Object raw) {
                String text;
                if (raw instanceof String) {
                    text = (String) raw;
                } else if (Boolean.FALSE.equals(raw)) {
                    text = "no"; // YAML 1.1 reads a bare `no` (as in `eval_strategy: no`) as false
                } else {
                    throw mismatch(raw);
                }
                try {
                    return fromKey.apply(text);
                } catch (InvalidConfigException e) {
                    throw new IllegalArgumentException(EnumKeys.unknown(type, key, text));
                }
            }

            @Override
            Object encode(E value) {
                return key.apply(value);
            }
        };
    }
}
