package ai.llamafactory.data.metrics;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Serialises maps, lists, strings, numbers, booleans and nulls exactly as Python's {@code json.dumps} does, so that
 * the files written here equal the files LLaMA-Factory writes byte for byte.
 *
 * <p>Without an indent the separators are {@code ", "} and {@code ": "}; with one they are {@code ","} plus a new
 * line and {@code ": "}. Floats are written as {@code repr} writes them, integers without a fraction. With
 * {@code ensureAscii} every character outside printable ASCII becomes a lowercase <code>&#92;uXXXX</code> escape (UTF-16 units);
 * without it only the quote, the backslash and control characters are escaped.
 */
final class PythonJson {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final boolean ensureAscii;
    private final int indent;
    private final boolean sortKeys;

    /**
     * @param ensureAscii Python's {@code ensure_ascii}
     * @param indent Python's {@code indent}; negative for {@code None} (one line)
     * @param sortKeys Python's {@code sort_keys}
     */
    PythonJson(boolean ensureAscii, int indent, boolean sortKeys) {
        this.ensureAscii = ensureAscii;
        this.indent = indent;
        this.sortKeys = sortKeys;
    }

    /**
     * @param value the value to serialise
     * @return its JSON text, without a trailing new line (as {@code json.dump} writes it)
     */
    String dumps(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.toString();
    }

    private void write(StringBuilder out, Object value, int depth) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            appendString(out, s, ensureAscii);
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (value instanceof Double || value instanceof Float) {
            out.append(PythonNumbers.jsonFloat(((Number) value).doubleValue()));
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger) {
            out.append(value);
        } else if (value instanceof BigDecimal d) {
            out.append(PythonNumbers.jsonFloat(d.doubleValue()));
        } else if (value instanceof Map<?, ?> map) {
            writeMap(out, map, depth);
        } else if (value instanceof Collection<?> list) {
            writeList(out, list, depth);
        } else {
            throw new IllegalArgumentException("cannot serialise a " + value.getClass().getName() + " as JSON");
        }
    }

    private void writeMap(StringBuilder out, Map<?, ?> map, int depth) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
        for (Map.Entry<?, ?> e : entries) {
            if (!(e.getKey() instanceof String)) {
                throw new IllegalArgumentException("JSON object keys must be strings, got " + e.getKey());
            }
        }
        if (sortKeys) {
            entries.sort((a, b) -> compareCodePoints((String) a.getKey(), (String) b.getKey()));
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : entries) {
            separate(out, first, depth + 1);
            first = false;
            appendString(out, (String) e.getKey(), ensureAscii);
            out.append(": ");
            write(out, e.getValue(), depth + 1);
        }
        close(out, depth);
        out.append('}');
    }

    private void writeList(StringBuilder out, Collection<?> list, int depth) {
        if (list.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        boolean first = true;
        for (Object item : list) {
            separate(out, first, depth + 1);
            first = false;
            write(out, item, depth + 1);
        }
        close(out, depth);
        out.append(']');
    }

    private void separate(StringBuilder out, boolean first, int depth) {
        if (indent < 0) {
            if (!first) {
                out.append(", ");
            }
            return;
        }
        if (!first) {
            out.append(',');
        }
        out.append('\n').append(" ".repeat(indent * depth));
    }

    private void close(StringBuilder out, int depth) {
        if (indent >= 0) {
            out.append('\n').append(" ".repeat(indent * depth));
        }
    }

    /**
     * Appends a quoted JSON string as Python's {@code json} module escapes it.
     *
     * @param out the destination
     * @param s the string
     * @param ensureAscii whether to escape everything outside printable ASCII
     */
    static void appendString(StringBuilder out, String s, boolean ensureAscii) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || (ensureAscii && c > 0x7e)) {
                        out.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * Python's {@code str} ordering: by code point (differs from {@link String#compareTo} for supplementary
     * characters).
     */
    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
