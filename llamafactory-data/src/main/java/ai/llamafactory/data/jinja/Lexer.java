package ai.llamafactory.data.jinja;

import ai.llamafactory.data.jinja.Token.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a template into tokens with Jinja2's whitespace rules as transformers configures them: {@code trim_blocks}
 * (the first newline after a block or comment tag is removed), {@code lstrip_blocks} (spaces and tabs before a block
 * or comment tag that starts a line are removed), {@code -} markers strip all whitespace on their side, {@code +}
 * disables lstrip, newlines are normalised to {@code \n} and one trailing newline of the template is dropped.
 */
final class Lexer {
    private static final String[] OPERATORS = {
        "**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "|", ".", ",", ":", "(", ")", "[", "]", "{",
        "}", "<", ">", "=", "!"
    };

    private final String src;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;
    private int line = 1;

    private Lexer(String source) {
        String s = source.replace("\r\n", "\n").replace('\r', '\n');
        if (s.endsWith("\n")) { // keep_trailing_newline=False
            s = s.substring(0, s.length() - 1);
        }
        this.src = s;
    }

    static List<Token> tokenize(String source) {
        Lexer lexer = new Lexer(source);
        lexer.run();
        return lexer.tokens;
    }

    private void run() {
        boolean lineStarting = true;
        int n = src.length();
        while (pos < n) {
            int tag = findTagStart(pos);
            if (tag < 0) {
                emitText(src.substring(pos), line);
                break;
            }
            String text = src.substring(pos, tag);
            char kind = src.charAt(tag + 1); // '{', '%' or '#'
            char sign = tag + 2 < n ? src.charAt(tag + 2) : 0;
            if (sign == '-') {
                text = rstripAll(text);
            } else if (sign != '+' && kind != '{') { // lstrip_blocks
                int lineStart = text.lastIndexOf('\n') + 1;
                if ((lineStart > 0 || lineStarting) && onlySpacesOrTabs(text, lineStart)) {
                    text = text.substring(0, lineStart);
                }
            }
            int textLine = line;
            emitText(text, textLine);
            line += count(src, pos, tag, '\n');
            pos = tag + 2 + ((sign == '-' || sign == '+') ? 1 : 0);
            boolean endedWithNewline;
            if (kind == '#') {
                endedWithNewline = skipComment();
            } else if (kind == '{') {
                tokens.add(new Token(Kind.VARIABLE_BEGIN, "{{", line));
                endedWithNewline = lexInside("}}", Kind.VARIABLE_END, false);
            } else {
                int beginLine = line;
                tokens.add(new Token(Kind.BLOCK_BEGIN, "{%", line));
                endedWithNewline = lexInside("%}", Kind.BLOCK_END, true);
                if (isRawBlock()) {
                    endedWithNewline = lexRaw(beginLine);
                }
            }
            lineStarting = endedWithNewline;
        }
        tokens.add(new Token(Kind.EOF, "", line));
    }

    private boolean isRawBlock() {
        int size = tokens.size();
        return size >= 3
                && tokens.get(size - 3).kind() == Kind.BLOCK_BEGIN
                && tokens.get(size - 2).isName("raw")
                && tokens.get(size - 1).kind() == Kind.BLOCK_END;
    }

    /** After {@code {% raw %}}: everything up to {@code {% endraw %}} is text. */
    private boolean lexRaw(int beginLine) {
        tokens.remove(tokens.size() - 1);
        tokens.remove(tokens.size() - 1);
        tokens.remove(tokens.size() - 1);
        int search = pos;
        while (true) {
            int start = src.indexOf("{%", search);
            if (start < 0) {
                throw new JinjaException("Template line " + beginLine + ": {% raw %} without {% endraw %}");
            }
            int p = start + 2;
            boolean minusBefore = p < src.length() && src.charAt(p) == '-';
            if (minusBefore || (p < src.length() && src.charAt(p) == '+')) {
                p++;
            }
            while (p < src.length() && Character.isWhitespace(src.charAt(p))) {
                p++;
            }
            if (src.startsWith("endraw", p)) {
                int q = p + 6;
                while (q < src.length() && Character.isWhitespace(src.charAt(q))) {
                    q++;
                }
                boolean minusAfter = q < src.length() && src.charAt(q) == '-';
                if (minusAfter) {
                    q++;
                }
                if (src.startsWith("%}", q)) {
                    String raw = src.substring(pos, start);
                    if (minusBefore) {
                        raw = rstripAll(raw);
                    }
                    emitText(raw, line);
                    line += count(src, pos, q + 2, '\n');
                    pos = q + 2;
                    return afterBlockEnd(minusAfter, true);
                }
            }
            search = start + 2;
        }
    }

    private int findTagStart(int from) {
        int i = src.indexOf('{', from);
        while (i >= 0 && i + 1 < src.length()) {
            char c = src.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
            i = src.indexOf('{', i + 1);
        }
        return -1;
    }

    private boolean skipComment() {
        int startLine = line;
        int end = src.indexOf("#}", pos);
        if (end < 0) {
            throw new JinjaException("Template line " + startLine + ": comment {# is never closed");
        }
        boolean minus = end > pos && src.charAt(end - 1) == '-';
        line += count(src, pos, end, '\n');
        pos = end + 2;
        return afterBlockEnd(minus, true);
    }

    /** Lexes expression tokens up to the closing delimiter; returns whether a newline was consumed after it. */
    private boolean lexInside(String close, Kind endKind, boolean block) {
        int startLine = line;
        int n = src.length();
        int depth = 0; // open brackets: a closing delimiter only counts outside them, as in Jinja's lexer
        while (true) {
            while (pos < n && Character.isWhitespace(src.charAt(pos))) {
                if (src.charAt(pos) == '\n') {
                    line++;
                }
                pos++;
            }
            if (pos >= n) {
                throw new JinjaException(
                        "Template line " + startLine + ": tag is never closed (expected '" + close + "')");
            }
            char c = src.charAt(pos);
            if (depth == 0 && c == '-' && src.startsWith(close, pos + 1)) {
                tokens.add(new Token(endKind, close, line));
                pos += 1 + close.length();
                return afterBlockEnd(true, block);
            }
            if (depth == 0 && c == '+' && src.startsWith(close, pos + 1)) {
                tokens.add(new Token(endKind, close, line));
                pos += 1 + close.length();
                return afterBlockEnd(false, block);
            }
            if (depth == 0 && src.startsWith(close, pos)) {
                tokens.add(new Token(endKind, close, line));
                pos += close.length();
                return afterBlockEnd(false, block);
            }
            if (c == '\'' || c == '"') {
                lexString(c);
            } else if (Character.isDigit(c)) {
                lexNumber();
            } else if (Character.isLetter(c) || c == '_') {
                int start = pos;
                while (pos < n && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
                    pos++;
                }
                tokens.add(new Token(Kind.NAME, src.substring(start, pos), line));
            } else {
                String op = null;
                for (String candidate : OPERATORS) {
                    if (src.startsWith(candidate, pos)) {
                        op = candidate;
                        break;
                    }
                }
                if (op == null) {
                    throw new JinjaException("Template line " + line + ": unexpected character '" + c + "'");
                }
                if (op.equals("(") || op.equals("[") || op.equals("{")) {
                    depth++;
                } else if ((op.equals(")") || op.equals("]") || op.equals("}")) && depth > 0) {
                    depth--;
                }
                tokens.add(new Token(Kind.OPERATOR, op, line));
                pos += op.length();
            }
        }
    }

    /** Whitespace handling after a tag end; returns whether the consumed text ended with a newline. */
    private boolean afterBlockEnd(boolean minus, boolean block) {
        int n = src.length();
        if (minus) {
            int start = pos;
            while (pos < n && Character.isWhitespace(src.charAt(pos))) {
                pos++;
            }
            line += count(src, start, pos, '\n');
            return pos > start && src.charAt(pos - 1) == '\n';
        }
        if (block && pos < n && src.charAt(pos) == '\n') { // trim_blocks
            pos++;
            line++;
            return true;
        }
        return false;
    }

    private void lexNumber() {
        int start = pos;
        int n = src.length();
        while (pos < n && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
            pos++;
        }
        boolean isFloat = false;
        if (pos + 1 < n && src.charAt(pos) == '.' && Character.isDigit(src.charAt(pos + 1))) {
            isFloat = true;
            pos++;
            while (pos < n && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
                pos++;
            }
        }
        if (pos < n && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            int save = pos;
            pos++;
            if (pos < n && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
                pos++;
            }
            if (pos < n && Character.isDigit(src.charAt(pos))) {
                isFloat = true;
                while (pos < n && Character.isDigit(src.charAt(pos))) {
                    pos++;
                }
            } else {
                pos = save;
            }
        }
        String text = src.substring(start, pos).replace("_", "");
        tokens.add(new Token(isFloat ? Kind.FLOAT : Kind.INTEGER, text, line));
    }

    private void lexString(char quote) {
        int startLine = line;
        StringBuilder sb = new StringBuilder();
        pos++;
        int n = src.length();
        while (true) {
            if (pos >= n) {
                throw new JinjaException("Template line " + startLine + ": string literal is never closed");
            }
            char c = src.charAt(pos++);
            if (c == quote) {
                break;
            }
            if (c == '\n') {
                line++;
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= n) {
                throw new JinjaException("Template line " + startLine + ": string literal is never closed");
            }
            char e = src.charAt(pos++);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'v' -> sb.append('\u000b');
                case 'a' -> sb.append('\u0007');
                case '0' -> sb.append('\0');
                case '\\' -> sb.append('\\');
                case '\'' -> sb.append('\'');
                case '"' -> sb.append('"');
                case '\n' -> line++; // line continuation
                case 'x' -> {
                    sb.append((char) Integer.parseInt(src.substring(pos, pos + 2), 16));
                    pos += 2;
                }
                case 'u' -> {
                    sb.append((char) Integer.parseInt(src.substring(pos, pos + 4), 16));
                    pos += 4;
                }
                case 'U' -> {
                    sb.appendCodePoint(Integer.parseInt(src.substring(pos, pos + 8), 16));
                    pos += 8;
                }
                default -> sb.append('\\').append(e); // Python keeps unknown escapes verbatim
            }
        }
        tokens.add(new Token(Kind.STRING, sb.toString(), startLine));
    }

    private void emitText(String text, int textLine) {
        if (!text.isEmpty()) {
            tokens.add(new Token(Kind.TEXT, text, textLine));
        }
    }

    private static String rstripAll(String s) {
        int end = s.length();
        while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    private static boolean onlySpacesOrTabs(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t') {
                return false;
            }
        }
        return true;
    }

    private static int count(String s, int from, int to, char c) {
        int k = 0;
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == c) {
                k++;
            }
        }
        return k;
    }
}
