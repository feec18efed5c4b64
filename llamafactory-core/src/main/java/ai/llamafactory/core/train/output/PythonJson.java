package ai.llamafactory.core.train.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON text exactly as Python's {@code json} module writes it, so that the run outputs written here
 * ({@code trainer_state.json}, {@code train_results.json}, {@code trainer_log.jsonl}) are byte-identical to what
 * transformers and LLaMA-Factory write for the same values.
 *
 * <p>The rules reproduced:
 * <ul>
 *   <li>floats are written as Python's {@code repr(float)}: the shortest decimal that reads back to the same double,
 *       in fixed notation for exponents -4 to 15 ({@code 0.0001}, {@code 3.0}) and scientific notation otherwise
 *       ({@code 1e-05}, {@code 2.5e+16}); {@code NaN}, {@code Infinity} and {@code -Infinity} as Python writes them;</li>
 *   <li>integers ({@link Integer}, {@link Long}, {@link BigInteger}, ...) without a decimal point, so Java callers
 *       choose int or float by the boxed type, as Python does by the value's type;</li>
 *   <li>strings escaped as {@code ensure_ascii=True} does;</li>
 *   <li>{@code indent}: items on their own lines, separators {@code ","} and {@code ": "}; without indent,
 *       {@code ", "} and {@code ": "}; {@code sort_keys} sorts object keys by code point, at every level.</li>
 * </ul>
 *
 * <p>{@link #parse} reads JSON (Python's {@code NaN}/{@code Infinity} included) back into the same Java shapes:
 * {@link LinkedHashMap}, {@link ArrayList}, {@link Long} (or {@link BigInteger}) for integers, {@link Double} for
 * floats, {@link String}, {@link Boolean} and {@code null}.
 */
public final class PythonJson {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final ObjectMapper READER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private PythonJson() {}

    /**
     * {@code json.dumps(value)}: one line, separators {@code ", "} and {@code ": "}, keys in map order.
     *
     * @param value a map, list, string, number, boolean or {@code null}
     * @return the JSON text
     */
    public static String dumps(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, -1, false, 0);
        return out.toString();
    }

    /**
     * {@code json.dumps(value, indent=indent, sort_keys=sortKeys)}.
     *
     * @param value a map, list, string, number, boolean or {@code null}
     * @param indent spaces per level; a negative value writes one line as {@link #dumps(Object)} does
     * @param sortKeys whether to sort object keys (by code point, as Python sorts {@code str})
     * @return the JSON text, without a trailing newline
     */
    public static String dumps(Object value, int indent, boolean sortKeys) {
        StringBuilder out = new StringBuilder();
        write(out, value, indent, sortKeys, 0);
        return out.toString();
    }

    /**
     * Python's {@code repr(x)} for a float.
     *
     * @param x the value
     * @return e.g. {@code 0.0001}, {@code 1e-05}, {@code 3.0}, {@code 1.2345e+16}, {@code NaN}, {@code -Infinity}
     */
    public static String formatFloat(double x) {
        if (Double.isNaN(x)) {
            return "NaN";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "Infinity" : "-Infinity";
        }
        if (x == 0.0) {
            return (Double.doubleToRawLongBits(x) < 0) ? "-0.0" : "0.0";
        }
        String sign = x < 0 ? "-" : "";
        BigDecimal shortest = shortestDecimal(Math.abs(x));
        String digits = shortest.unscaledValue().toString();
        // Strip trailing zeros of the digit string (the scale is adjusted accordingly).
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') {
            end--;
        }
        int exponent = digits.length() - 1 - shortest.scale(); // scientific exponent of the first digit
        digits = digits.substring(0, end);
        StringBuilder out = new StringBuilder(sign);
        if (exponent < -4 || exponent >= 16) {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            out.append('e').append(exponent < 0 ? '-' : '+');
            int abs = Math.abs(exponent);
            if (abs < 10) {
                out.append('0');
            }
            out.append(abs);
        } else if (exponent < 0) {
            out.append("0.");
            for (int i = -1; i > exponent; i--) {
                out.append('0');
            }
            out.append(digits);
        } else if (exponent + 1 >= digits.length()) {
            out.append(digits);
            for (int i = digits.length(); i <= exponent; i++) {
                out.append('0');
            }
            out.append(".0");
        } else {
            out.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, digits.length());
        }
        return out.toString();
    }

    /**
     * Python's {@code round(x, digits)} for a float: the exact binary value rounded half-to-even at that decimal
     * place (so {@code round(2.675, 2)} is {@code 2.67}, as in Python).
     *
     * @param x the value
     * @param digits decimal places
     * @return the rounded value; NaN and infinities unchanged
     */
    public static double round(double x, int digits) {
        if (Double.isNaN(x) || Double.isInfinite(x) || x == 0.0) {
            return x;
        }
        double rounded = new BigDecimal(x).setScale(digits, RoundingMode.HALF_EVEN).doubleValue();
        return Math.copySign(rounded, x); // Python keeps the sign: round(-1e-9, 3) is -0.0
    }

    /**
     * Python's {@code f"{x:.{decimals}f}"}: fixed notation with exactly that many decimals, rounded half-to-even on
     * the exact binary value.
     *
     * @param x the value
     * @param decimals decimal places
     * @return the text; {@code nan}, {@code inf}, {@code -inf} as Python writes them
     */
    public static String formatFixed(double x, int decimals) {
        if (Double.isNaN(x)) {
            return "nan";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        String text = new BigDecimal(x).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        if (Double.doubleToRawLongBits(x) < 0 && !text.startsWith("-")) {
            text = "-" + text; // Python keeps the sign of negative values that round to zero: -0.0000
        }
        return text;
    }

    /**
     * Python's {@code str(value)} for the values that appear in run outputs: floats as {@link #formatFloat},
     * booleans as {@code True}/{@code False}, {@code null} as {@code None}, everything else by {@code toString}.
     *
     * @param value the value
     * @return the text
     */
    public static String str(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (value instanceof Double || value instanceof Float) {
            return formatFloat(((Number) value).doubleValue());
        }
        return value.toString();
    }

    /**
     * Parses JSON text into maps, lists and boxed values (see the class comment).
     *
     * @param json the text
     * @return the value
     * @throws IllegalArgumentException if the text is not JSON, with the parser's location
     */
    public static Object parse(String json) {
        try {
            return toJava(READER.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage() + " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr(), e);
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

    private static void write(StringBuilder out, Object value, int indent, boolean sortKeys, int level) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (value instanceof Double || value instanceof Float) {
            out.append(formatFloat(((Number) value).doubleValue()));
        } else if (value instanceof BigDecimal d) {
            out.append(formatFloat(d.doubleValue()));
        } else if (value instanceof Number n) {
            out.append(n instanceof BigInteger ? n.toString() : Long.toString(n.longValue()));
        } else if (value instanceof CharSequence || value instanceof Enum<?> || value instanceof java.nio.file.Path) {
            appendString(out, value.toString());
        } else if (value instanceof Map<?, ?> map) {
            writeObject(out, map, indent, sortKeys, level);
        } else if (value instanceof Collection<?> items) {
            writeArray(out, items, indent, sortKeys, level);
        } else if (value instanceof double[] doubles) {
            List<Object> items = new ArrayList<>(doubles.length);
            for (double d : doubles) {
                items.add(d);
            }
            writeArray(out, items, indent, sortKeys, level);
        } else {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON: " + value);
        }
    }

    private static void writeObject(StringBuilder out, Map<?, ?> map, int indent, boolean sortKeys, int level) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        List<Map.Entry<String, Object>> entries = new ArrayList<>(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new IllegalArgumentException("JSON object keys must be strings, got " + e.getKey());
            }
            entries.add(Map.entry(key, e.getValue() == null ? NullValue.NULL : e.getValue()));
        }
        if (sortKeys) {
            entries.sort((a, b) -> compareCodePoints(a.getKey(), b.getKey()));
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, Object> e : entries) {
            if (!first) {
                out.append(indent >= 0 ? "," : ", ");
            }
            first = false;
            newline(out, indent, level + 1);
            appendString(out, e.getKey());
            out.append(": ");
            write(out, e.getValue() == NullValue.NULL ? null : e.getValue(), indent, sortKeys, level + 1);
        }
        newline(out, indent, level);
        out.append('}');
    }

    private static void writeArray(StringBuilder out, Collection<?> items, int indent, boolean sortKeys, int level) {
        if (items.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        boolean first = true;
        for (Object item : items) {
            if (!first) {
                out.append(indent >= 0 ? "," : ", ");
            }
            first = false;
            newline(out, indent, level + 1);
            write(out, item, indent, sortKeys, level + 1);
        }
        newline(out, indent, level);
        out.append(']');
    }

    private static void newline(StringBuilder out, int indent, int level) {
        if (indent < 0) {
            return;
        }
        out.append('\n');
        for (int i = 0; i < indent * level; i++) {
            out.append(' ');
        }
    }

    /** Map.entry refuses null values; this stands in for them while sorting. */
    private enum NullValue {
        NULL
    }

    /**
     * Appends a quoted string escaped as {@code json.dumps} does with {@code ensure_ascii=True}.
     *
     * @param out the destination
     * @param s the string
     */
    static void appendString(StringBuilder out, String s) {
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
                    if (c < 0x20 || c > 0x7e) {
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

    /**
     * The shortest decimal that reads back as {@code x} (positive, finite); among equally short ones the closest to
     * {@code x}. Java 17's {@link Double#toString} is not always the shortest, so the digits are searched directly.
     */
    private static BigDecimal shortestDecimal(double x) {
        BigDecimal exact = new BigDecimal(x);
        for (int precision = 1; precision <= 17; precision++) {
            BigDecimal nearest = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            BigDecimal step = nearest.ulp();
            BigDecimal best = null;
            for (BigDecimal candidate : new BigDecimal[] {nearest, nearest.subtract(step), nearest.add(step)}) {
                if (candidate.signum() > 0 && candidate.precision() <= precision
                        && candidate.doubleValue() == x
                        && (best == null || candidate.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
                    best = candidate;
                }
            }
            if (best != null) {
                return best;
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
    }
}
