package ai.llamafactory.data.jinja;

import java.util.List;

/** The syntax tree of a template: statements render output, expressions compute values. */
interface Node {
    /** @return the template line the node starts on */
    int line();

    // ---- statements ----

    /** Literal template data. */
    record Text(String text, int line) implements Node {}

    /** {@code {{ expr }}}. */
    record Print(Expr expr, int line) implements Node {}

    /** One {@code if}/{@code elif} branch. */
    record Branch(Expr condition, List<Node> body) {}

    /** {@code {% if %}...{% elif %}...{% else %}...{% endif %}}. */
    record If(List<Branch> branches, List<Node> otherwise, int line) implements Node {}

    /** {@code {% for targets in iterable if filter %}...{% else %}...{% endfor %}}. */
    record For(List<String> targets, Expr iterable, Expr filter, List<Node> body, List<Node> otherwise, int line)
            implements Node {}

    /** {@code {% set a = expr %}}, {@code {% set a, b = expr %}}. */
    record Set(List<String> targets, Expr value, int line) implements Node {}

    /** {@code {% set ns.attr = expr %}}. */
    record SetAttribute(Expr object, String attribute, Expr value, int line) implements Node {}

    /** {@code {% set name %}...{% endset %}}, optionally piped through filters. */
    record SetBlock(String target, List<Node> body, List<Expr.Filter> filters, int line) implements Node {}

    /** A macro parameter with an optional default value. */
    record Parameter(String name, Expr defaultValue) {}

    /** {@code {% macro name(params) %}...{% endmacro %}}. */
    record Macro(String name, List<Parameter> parameters, List<Node> body, int line) implements Node {}

    /** {@code {% filter f %}...{% endfilter %}}. */
    record FilterBlock(List<Expr.Filter> filters, List<Node> body, int line) implements Node {}

    /** {@code {% break %}}. */
    record Break(int line) implements Node {}

    /** {@code {% continue %}}. */
    record Continue(int line) implements Node {}

    /** {@code {% generation %}...{% endgeneration %}} (transformers' assistant-mask marker; renders its body). */
    record Generation(List<Node> body, int line) implements Node {}

    // ---- expressions ----

    /** Expressions. */
    interface Expr extends Node {

        /** A literal value. */
        record Const(Object value, int line) implements Expr {}

        /** A variable name. */
        record Name(String name, int line) implements Expr {}

        /** {@code [a, b]}. */
        record ListLiteral(List<Expr> items, int line) implements Expr {}

        /** {@code (a, b)}. */
        record TupleLiteral(List<Expr> items, int line) implements Expr {}

        /** {@code {k: v}}. */
        record DictLiteral(List<Expr> keys, List<Expr> values, int line) implements Expr {}

        /** {@code obj.name}. */
        record Attribute(Expr object, String name, int line) implements Expr {}

        /** {@code obj[key]}. */
        record Item(Expr object, Expr key, int line) implements Expr {}

        /** {@code obj[start:stop:step]}; absent parts are null. */
        record Slice(Expr object, Expr start, Expr stop, Expr step, int line) implements Expr {}

        /** A keyword argument. */
        record Keyword(String name, Expr value) {}

        /** {@code callee(args, name=value)}. */
        record Call(Expr callee, List<Expr> args, List<Keyword> keywords, int line) implements Expr {}

        /** {@code value | name(args)}. */
        record Filter(Expr value, String name, List<Expr> args, List<Keyword> keywords, int line) implements Expr {}

        /** {@code value is [not] name args}. */
        record Test(Expr value, String name, List<Expr> args, boolean negated, int line) implements Expr {}

        /** {@code -x}, {@code +x}, {@code not x}. */
        record Unary(String operator, Expr operand, int line) implements Expr {}

        /** Arithmetic and concatenation: {@code + - * / // % ** ~}. */
        record Binary(String operator, Expr left, Expr right, int line) implements Expr {}

        /** {@code a and b}, {@code a or b} (short-circuit, returning an operand as Python does). */
        record Logical(String operator, Expr left, Expr right, int line) implements Expr {}

        /** A comparison chain {@code a < b <= c}; operators include {@code in} and {@code notin}. */
        record Compare(Expr first, List<String> operators, List<Expr> operands, int line) implements Expr {}

        /** {@code a if cond else b}; {@code otherwise} may be null (then undefined). */
        record Conditional(Expr condition, Expr then, Expr otherwise, int line) implements Expr {}
    }
}
