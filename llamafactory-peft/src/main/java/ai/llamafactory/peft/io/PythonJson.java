package ai.llamafactory.peft.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON exactly as Python's {@code json.dumps(obj, indent=2, sort_keys=...)} does, so that files written here
 * are byte-identical to the ones PEFT and transformers write ({@code adapter_config.json},
 * {@code tokenizer_config.json}): two-space indentation, {@code ": "} between key and value, a bare {@code ","} at
 * line ends, {@code {}} and {@code []} for empty containers, floats in Python's shortest {@code repr}
 * ({@code 0.0}, {@code 1e-05}, {@code 1e+16}), and optionally every non-ASCII character escaped
 * ({@code ensure_ascii}).
 */
public final class PythonJson {
    private PythonJson() {}

    /**
     * @param node the value
     * @param sortKeys sort object keys by code point, as {@code sort_keys=True}
     * @param ensureAscii escape non-ASCII characters as {@code \\uXXXX}, as {@code ensure_ascii=True}
     * @return the JSON text (no trailing newline)
     */
    public static String dumps(JsonNode node, boolean sortKeys, boolean ensureAscii) {
        StringBuilder out = new StringBuilder();
        write(out, node, 0, sortKeys, ensureAscii);
        return out.toString();
    }

    private static void write(StringBuilder out, JsonNode node, int level, boolean sortKeys, boolean ascii) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.append("null");
        } else if (node.isBoolean()) {
            out.append(node.booleanValue() ? "true" : "false");
        } else if (node.isIntegralNumber()) {
            out.append(node.bigIntegerValue().toString());
        } else if (node.isNumber()) {
            out.append(floatRepr(node.doubleValue()));
        } else if (node.isTextual()) {
            appendString(out, node.textValue(), ascii);
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append("[\n");
            Iterator<JsonNode> it = node.elements();
            while (it.hasNext()) {
                indent(out, level + 1);
                write(out, it.next(), level + 1, sortKeys, ascii);
                out.append(it.hasNext() ? ",\n" : "\n");
            }
            indent(out, level);
            out.append(']');
        } else if (node.isObject()) {
            if (node.isEmpty()) {
                out.append("{}");
                return;
            }
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            node.fields().forEachRemaining(fields::add);
            if (sortKeys) {
                fields.sort((a, b) -> compareCodePoints(a.getKey(), b.getKey()));
            }
            out.append("{\n");
            for (int i = 0; i < fields.size(); i++) {
                indent(out, level + 1);
                appendString(out, fields.get(i).getKey(), ascii);
                out.append(": ");
                write(out, fields.get(i).getValue(), level + 1, sortKeys, ascii);
                out.append(i + 1 < fields.size() ? ",\n" : "\n");
            }
            indent(out, level);
            out.append('}');
        } else {
            throw new IllegalArgumentException("cannot write JSON node of type " + node.getNodeType());
        }
    }

    private static void indent(StringBuilder out, int level) {
        out.append("  ".repeat(level));
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
     * Python's {@code repr(float)}: the shortest digits that round-trip, positional for decimal exponents in
     * [-4, 16), scientific otherwise; {@code NaN}, {@code Infinity} and {@code -Infinity} as Python's json writes
     * them.
     *
     * @param v the value
     * @return the text
     */
    public static String floatRepr(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Infinity" : "-Infinity";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0.0" : "0.0";
        }
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        String digits = d.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - d.scale();
        String sign = v < 0 ? "-" : "";
        if (exp >= -4 && exp < 16) {
            String plain = d.abs().toPlainString();
            if (!plain.contains(".")) {
                plain = plain + ".0";
            }
            return sign + plain;
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
    }

    private static void appendString(StringBuilder out, String s, boolean ascii) {
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
                    if (c < 0x20 || (ascii && c > 0x7f)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
