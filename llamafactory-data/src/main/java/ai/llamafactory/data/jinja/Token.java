package ai.llamafactory.data.jinja;

/** One lexical token of a template. */
record Token(Kind kind, String text, int line) {

    /** Token kinds: template data, tag delimiters, and the tokens inside tags. */
    enum Kind {
        TEXT,
        VARIABLE_BEGIN,
        VARIABLE_END,
        BLOCK_BEGIN,
        BLOCK_END,
        NAME,
        STRING,
        INTEGER,
        FLOAT,
        OPERATOR,
        EOF
    }

    boolean is(Kind k, String t) {
        return kind == k && text.equals(t);
    }

    boolean isOperator(String t) {
        return kind == Kind.OPERATOR && text.equals(t);
    }

    boolean isName(String t) {
        return kind == Kind.NAME && text.equals(t);
    }

    @Override
    public String toString() {
        return kind == Kind.EOF ? "end of template" : "'" + text + "'";
    }
}
