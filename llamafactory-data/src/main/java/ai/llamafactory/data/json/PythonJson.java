package ai.llamafactory.data.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * JSON text exactly as Python's {@code json.dumps(obj, indent=..., separators=..., sort_keys=..., ensure_ascii=...,
 * default=...)} writes it, so that files written on the JVM ({@code trainer_state.json}, {@code adapter_config.json},
 * {@code predict_results.json}, tool-call strings, chat-template {@code tojson}) are byte-identical to Python's.
 *
 * <p>An instance is one immutable, thread-safe set of {@code json.dumps} options, made with {@link #builder()};
 * {@link #DEFAULTS} is {@code json.dumps}' own defaults. The rules reproduced:
 * <ul>
 *   <li>floats ({@link Double}, {@link Float}, {@link BigDecimal}, float {@link JsonNode}s) as
 *       {@link PythonFloats#toJson}; integers ({@link Integer}, {@link Long}, {@link BigInteger}, any other
 *       {@link Number}, integral {@link JsonNode}s) without a decimal point, so Java callers choose int or float by
 *       the boxed type as Python does by the value's type;</li>
 *   <li>strings ({@link CharSequence}, {@link Enum} and {@link Path} by {@code toString}) escaped as Python escapes
 *       them: {@code \"}, {@code \\}, {@code \n}, {@code \r}, {@code \t}, {@code \b}, {@code \f}, other control
 *       characters as lowercase <code>&#92;u00XX</code>; with {@code ensure_ascii} every character outside {@code ' '..'~'}
 *       as a lowercase UTF-16 <code>&#92;uXXXX</code> escape;</li>
 *   <li>{@link Map}s and object {@link JsonNode}s as objects, keys coerced as Python does ({@code str} as is,
 *       {@code None} to {@code "null"}, booleans to {@code "true"}/{@code "false"}, ints and floats to their JSON
 *       text; anything else is refused), sorted by code point with {@code sort_keys}; {@link Collection}s (lists,
 *       tuples), {@code double[]} and array {@link JsonNode}s as arrays; empty containers as {@code {}} and
 *       {@code []};</li>
 *   <li>{@code indent}: items on their own lines, default separators {@code ","} and {@code ": "}; without indent
 *       {@code ", "} and {@code ": "}; explicit {@code separators} replace either;</li>
 *   <li>any other value goes through the {@code default} function (the {@link Builder#fallback}), which returns a
 *       value to write or throws; without one it is refused with an {@link IllegalArgumentException}.</li>
 * </ul>
 *
 * <p>{@link #parse} reads JSON (Python's {@code NaN}/{@code Infinity} included) back into the same Java shapes:
 * {@link LinkedHashMap}, {@link ArrayList}, {@link Long} (or {@link BigInteger}) for integers, {@link Double} for
 * floats, {@link String}, {@link Boolean} and {@code null}.
 */
public final class PythonJson {
    /** {@code json.dumps(x)} with Python's defaults: one line, {@code ensure_ascii=True}, keys in map order. */
    public static final PythonJson DEFAULTS = builder().build();

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final ObjectMapper READER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private final int indent;
    private final boolean sortKeys;
    private final boolean ensureAscii;
    private final String itemSeparator;
    private final String keySeparator;
    private final Function<Object, Object> fallback;

    private PythonJson(Builder b) {
        this.indent = b.indent;
        this.sortKeys = b.sortKeys;
        this.ensureAscii = b.ensureAscii;
        this.itemSeparator = b.itemSeparator != null ? b.itemSeparator : (b.indent < 0 ? ", " : ",");
        this.keySeparator = b.keySeparator != null ? b.keySeparator : ": ";
        this.fallback = b.fallback;
    }

    /**
     * A builder starting from {@code json.dumps}' defaults: no indent, no key sorting, {@code ensure_ascii=True},
     * default separators, no {@code default} function.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return spaces per level, or -1 for {@code indent=None}
     */
    public int indent() {
        return indent;
    }

    /**
     * @return whether object keys are sorted ({@code sort_keys})
     */
    public boolean sortKeys() {
        return sortKeys;
    }

    /**
     * @return whether non-ASCII characters are escaped ({@code ensure_ascii})
     */
    public boolean ensureAscii() {
        return ensureAscii;
    }

    /**
     * {@code json.dumps(value, ...)} with these options.
     *
     * @param value a map, collection, {@code double[]}, Jackson tree, string, number, boolean or {@code null}
     * @return the JSON text, without a trailing newline
     * @throws IllegalArgumentException for a value that cannot be written (naming its type) or a key that is not a
     *     str, int, float, bool or None
     */
    public String dumps(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.toString();
    }

    /**
     * Appends a quoted JSON string escaped as Python's {@code json} module escapes it.
     *
     * @param out the destination
     * @param s the string
     * @param ensureAscii whether to escape every character outside printable ASCII ({@code ensure_ascii=True})
     */
    public static void appendString(StringBuilder out, String s, boolean ensureAscii) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || (ensureAscii && c > 0x7e)) {
                        out.append("\\u")
                                .append(HEX[(c >> 12) & 0xf])
                                .append(HEX[(c >> 8) & 0xf])
                                .append(HEX[(c >> 4) & 0xf])
                                .append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * Parses JSON text into maps, lists and boxed values (see the class comment).
     *
     * @param json the text
     * @return the value
     * @throws IllegalArgumentException if the text is not JSON, with the parser's line and column
     */
    public static Object parse(String json) {
        try {
            return toJava(READER.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    e.getOriginalMessage() + " at line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr(),
                    e);
        }
    }

    /**
     * Converts a Jackson tree into the Java shapes described in the class comment.
     *
     * @param node the tree
     * @return the value
     */
    public static Object toJava(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                map.put(e.getKey(), toJava(e.getValue()));
            }
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            for (JsonNode item : node) {
                list.add(toJava(item));
            }
            return list;
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return node.asText();
    }

    // ---------------------------------------------------------------------------------------------------------

    private void write(StringBuilder out, Object value, int level) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            out.append(PythonFloats.toJson(((Number) value).doubleValue()));
        } else if (value instanceof BigInteger n) {
            out.append(n);
        } else if (value instanceof Number n) {
            out.append(n.longValue());
        } else if (value instanceof CharSequence || value instanceof Enum<?> || value instanceof Path) {
            appendString(out, value.toString(), ensureAscii);
        } else if (value instanceof JsonNode node) {
            writeNode(out, node, level);
        } else if (value instanceof Map<?, ?> map) {
            List<Map.Entry<String, Object>> entries = new ArrayList<>(map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                entries.add(new Entry(key(e.getKey()), e.getValue()));
            }
            writeObject(out, entries, level);
        } else if (value instanceof Collection<?> items) {
            writeArray(out, items, level);
        } else if (value instanceof double[] doubles) {
            List<Object> items = new ArrayList<>(doubles.length);
            for (double d : doubles) {
                items.add(d);
            }
            writeArray(out, items, level);
        } else {
            writeOther(out, value, level);
        }
    }

    private void writeOther(StringBuilder out, Object value, int level) {
        if (fallback == null) {
            throw new IllegalArgumentException(
                    "Object of type " + value.getClass().getName() + " is not JSON serializable: " + value);
        }
        Object replacement = fallback.apply(value);
        if (replacement == value) {
            throw new IllegalArgumentException("the default function returned the unserializable "
                    + value.getClass().getName() + " itself: " + value);
        }
        write(out, replacement, level);
    }

    private void writeNode(StringBuilder out, JsonNode node, int level) {
        if (node.isNull() || node.isMissingNode()) {
            out.append("null");
        } else if (node.isBoolean()) {
            out.append(node.booleanValue() ? "true" : "false");
        } else if (node.isIntegralNumber()) {
            out.append(node.bigIntegerValue());
        } else if (node.isNumber()) {
            out.append(PythonFloats.toJson(node.doubleValue()));
        } else if (node.isTextual()) {
            appendString(out, node.textValue(), ensureAscii);
        } else if (node.isArray()) {
            List<Object> items = new ArrayList<>(node.size());
            node.elements().forEachRemaining(items::add);
            writeArray(out, items, level);
        } else if (node.isObject()) {
            List<Map.Entry<String, Object>> entries = new ArrayList<>(node.size());
            node.fields().forEachRemaining(e -> entries.add(new Entry(e.getKey(), e.getValue())));
            writeObject(out, entries, level);
        } else {
            throw new IllegalArgumentException("cannot write a JSON node of type " + node.getNodeType() + ": " + node);
        }
    }

    /** Python's coercion of dict keys ({@code json.dumps} accepts str, int, float, bool and None keys). */
    private static String key(Object key) {
        if (key instanceof String s) {
            return s;
        }
        if (key == null) {
            return "null";
        }
        if (key instanceof Boolean b) {
            return b ? "true" : "false";
        }
        if (key instanceof Double || key instanceof Float || key instanceof BigDecimal) {
            return PythonFloats.toJson(((Number) key).doubleValue());
        }
        if (key instanceof BigInteger
                || key instanceof Long
                || key instanceof Integer
                || key instanceof Short
                || key instanceof Byte) {
            return key.toString();
        }
        throw new IllegalArgumentException("keys must be str, int, float, bool or None, not "
                + key.getClass().getName() + ": " + key);
    }

    private void writeObject(StringBuilder out, List<Map.Entry<String, Object>> entries, int level) {
        if (entries.isEmpty()) {
            out.append("{}");
            return;
        }
        if (sortKeys) {
            entries.sort((a, b) -> CodePoints.compare(a.getKey(), b.getKey()));
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, Object> e : entries) {
            if (!first) {
                out.append(itemSeparator);
            }
            first = false;
            newline(out, level + 1);
            appendString(out, e.getKey(), ensureAscii);
            out.append(keySeparator);
            write(out, e.getValue(), level + 1);
        }
        newline(out, level);
        out.append('}');
    }

    private void writeArray(StringBuilder out, Collection<?> items, int level) {
        if (items.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        boolean first = true;
        for (Object item : items) {
            if (!first) {
                out.append(itemSeparator);
            }
            first = false;
            newline(out, level + 1);
            write(out, item, level + 1);
        }
        newline(out, level);
        out.append(']');
    }

    private void newline(StringBuilder out, int level) {
        if (indent >= 0) {
            out.append('\n').append(" ".repeat(indent * level));
        }
    }

    /** A key/value pair that, unlike {@link Map#entry}, allows a null value. */
    private record Entry(String getKey, Object getValue) implements Map.Entry<String, Object> {
        @Override
        public Object setValue(Object value) {
            throw new UnsupportedOperationException();
        }
    }

    /** Builds a {@link PythonJson}; each setter is the {@code json.dumps} keyword of the same name. */
    public static final class Builder {
        private int indent = -1;
        private boolean sortKeys;
        private boolean ensureAscii = true;
        private String itemSeparator;
        private String keySeparator;
        private Function<Object, Object> fallback;

        private Builder() {}

        /**
         * @param spaces {@code indent}: spaces per level (0 puts items on their own lines without indentation); a
         *     negative value means {@code indent=None} (one line)
         * @return this builder
         */
        public Builder indent(int spaces) {
            this.indent = Math.max(spaces, -1);
            return this;
        }

        /**
         * @param sortKeys {@code sort_keys}: sort object keys by code point, at every level
         * @return this builder
         */
        public Builder sortKeys(boolean sortKeys) {
            this.sortKeys = sortKeys;
            return this;
        }

        /**
         * @param ensureAscii {@code ensure_ascii}: escape every character outside printable ASCII
         * @return this builder
         */
        public Builder ensureAscii(boolean ensureAscii) {
            this.ensureAscii = ensureAscii;
            return this;
        }

        /**
         * {@code separators=(item, key)}; {@code null} for either keeps Python's default for it.
         *
         * @param item between items ({@code ", "} without indent, {@code ","} with one)
         * @param key between a key and its value ({@code ": "})
         * @return this builder
         */
        public Builder separators(String item, String key) {
            this.itemSeparator = item;
            this.keySeparator = key;
            return this;
        }

        /**
         * {@code default}: called with each value that has no JSON form; returns the value to write in its place
         * or throws.
         *
         * @param fallback the function, or {@code null} to refuse such values with an
         *     {@link IllegalArgumentException}
         * @return this builder
         */
        public Builder fallback(Function<Object, Object> fallback) {
            this.fallback = fallback;
            return this;
        }

        /**
         * @return the immutable writer
         */
        public PythonJson build() {
            return new PythonJson(this);
        }
    }

    @Override
    public String toString() {
        return "PythonJson[indent=" + (indent < 0 ? "None" : indent) + ", sort_keys=" + sortKeys + ", ensure_ascii="
                + ensureAscii + ", separators=(" + Objects.toString(itemSeparator) + ", " + keySeparator + ")]";
    }
}
