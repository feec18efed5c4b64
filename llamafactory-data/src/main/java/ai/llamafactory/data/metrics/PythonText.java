package ai.llamafactory.data.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * The handful of Python {@code str} operations whose exact behaviour the metrics depend on: code-point iteration
 * ({@code list(s)}), Unicode whitespace as {@code str.isspace} and the {@code \s} regex class define it,
 * {@code str.split()}, {@code str.split(" ")} and {@code str.rstrip()}.
 */
final class PythonText {
    private PythonText() {}

    /**
     * Python's {@code str.isspace()} for one code point, which is also what {@code \s} matches in a {@code str}
     * pattern and what {@code str.split()} splits on.
     *
     * @param cp a Unicode code point
     * @return whether Python treats it as whitespace
     */
    static boolean isSpace(int cp) {
        if (cp <= 0x20) {
            return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F);
        }
        return cp == 0x85
                || cp == 0xA0
                || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A)
                || cp == 0x2028
                || cp == 0x2029
                || cp == 0x202F
                || cp == 0x205F
                || cp == 0x3000;
    }

    /**
     * Python's {@code list(s)}: one string per code point.
     *
     * @param s the text
     * @return its characters
     */
    static List<String> characters(String s) {
        List<String> out = new ArrayList<>(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int next = i + Character.charCount(cp);
            out.add(s.substring(i, next));
            i = next;
        }
        return out;
    }

    /**
     * Python's {@code s.split()} without arguments: runs of whitespace separate fields, empty fields are dropped.
     *
     * @param s the text
     * @return the fields
     */
    static List<String> splitWhitespace(String s) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (isSpace(cp)) {
                if (start >= 0) {
                    out.add(s.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) {
            out.add(s.substring(start));
        }
        return out;
    }

    /**
     * Python's {@code s.split(" ")}: every single space separates, empty fields are kept.
     *
     * @param s the text
     * @return the fields (at least one)
     */
    static List<String> splitOnSpace(String s) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == ' ') {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    /**
     * Python's {@code s.rstrip()}: trailing whitespace removed.
     *
     * @param s the text
     * @return the text without trailing whitespace
     */
    static String rstrip(String s) {
        int end = s.length();
        while (end > 0) {
            int cp = s.codePointBefore(end);
            if (!isSpace(cp)) {
                break;
            }
            end -= Character.charCount(cp);
        }
        return s.substring(0, end);
    }

    /**
     * Python's {@code s.strip()}: leading and trailing whitespace removed.
     *
     * @param s the text
     * @return the stripped text
     */
    static String strip(String s) {
        String right = rstrip(s);
        int start = 0;
        while (start < right.length()) {
            int cp = right.codePointAt(start);
            if (!isSpace(cp)) {
                break;
            }
            start += Character.charCount(cp);
        }
        return right.substring(start);
    }

    /**
     * The number of code points, Python's {@code len(s)}.
     *
     * @param s the text
     * @return its length in code points
     */
    static int length(String s) {
        return s.codePointCount(0, s.length());
    }
}
