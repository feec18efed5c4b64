package ai.llamafactory.core.checkpoint;

/**
 * Writes JSON strings byte-for-byte as the two Python-side producers do, so that files written here equal files
 * written there: the Rust {@code serde_json} serializer behind {@code safetensors} headers, and Python's
 * {@code json.dumps} (default {@code ensure_ascii=True}) behind {@code model.safetensors.index.json}.
 */
final class JsonText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonText() {}

    /**
     * Appends a quoted string escaped as {@code serde_json} does: {@code "} and {@code \}, the short escapes
     * {@code \b \t \n \f \r}, other control characters as lowercase <code>&#92;u00xx</code>; everything else verbatim.
     *
     * @param out the destination
     * @param s the string
     */
    static void appendSerde(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!appendShortEscape(out, c)) {
                if (c < 0x20) {
                    appendUnicodeEscape(out, c);
                } else {
                    out.append(c);
                }
            }
        }
        out.append('"');
    }

    private static boolean appendShortEscape(StringBuilder out, char c) {
        switch (c) {
            case '"' -> out.append("\\\"");
            case '\\' -> out.append("\\\\");
            case '\b' -> out.append("\\b");
            case '\t' -> out.append("\\t");
            case '\n' -> out.append("\\n");
            case '\f' -> out.append("\\f");
            case '\r' -> out.append("\\r");
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void appendUnicodeEscape(StringBuilder out, char c) {
        out.append("\\u")
                .append(HEX[(c >> 12) & 0xf])
                .append(HEX[(c >> 8) & 0xf])
                .append(HEX[(c >> 4) & 0xf])
                .append(HEX[c & 0xf]);
    }
}
