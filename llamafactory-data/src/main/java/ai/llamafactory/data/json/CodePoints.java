package ai.llamafactory.data.json;

/** String ordering by Unicode code point, as Python's {@code sorted} on {@code str} and Rust's {@code str} order. */
public final class CodePoints {
    private CodePoints() {}

    /**
     * Compares strings by Unicode code point, which is the order of their UTF-8 bytes (Rust's {@code str} ordering)
     * and of Python's {@code sorted} on {@code str}; {@link String#compareTo} differs for supplementary characters.
     *
     * @param a first string
     * @param b second string
     * @return negative, zero or positive
     */
    public static int compare(String a, String b) {
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
