package ai.llamafactory.data.jinja;

import ai.llamafactory.data.jinja.Node.Expr;
import ai.llamafactory.data.jinja.Token.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Recursive-descent parser with Jinja2's operator precedence. */
final class Parser {
    private static final Set<String> COMPARE_OPERATORS = Set.of("==", "!=", "<", "<=", ">", ">=");

    private final List<Token> tokens;
    private int index;

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static List<Node> parse(String source) {
        Parser p = new Parser(Lexer.tokenize(source));
        List<Node> body = p.parseBody(Set.of());
        if (p.peek().kind() != Kind.EOF) {
            throw p.error("unexpected " + p.peek());
        }
        return body;
    }

    // ---------------------------------------------------------------- statements

    /** Parses nodes until EOF or a block tag whose keyword is one of {@code ends} (left unconsumed). */
    private List<Node> parseBody(Set<String> ends) {
        List<Node> out = new ArrayList<>();
        while (true) {
            Token t = peek();
            switch (t.kind()) {
                case EOF -> {
                    if (!ends.isEmpty()) {
                        throw error("unexpected end of template, expected one of " + new java.util.TreeSet<>(ends));
                    }
                    return out;
                }
                case TEXT -> {
                    next();
                    out.add(new Node.Text(t.text(), t.line()));
                }
                case VARIABLE_BEGIN -> {
                    next();
                    Expr e = parseTuple(true);
                    expect(Kind.VARIABLE_END, "}}");
                    out.add(new Node.Print(e, t.line()));
                }
                case BLOCK_BEGIN -> {
                    Token keyword = peekAt(1);
                    if (keyword.kind() == Kind.NAME && ends.contains(keyword.text())) {
                        return out;
                    }
                    next();
                    out.add(parseStatement());
                }
                default -> throw error("unexpected " + t);
            }
        }
    }

    private Node parseStatement() {
        Token keyword = next();
        if (keyword.kind() != Kind.NAME) {
            throw error("expected a statement keyword, got " + keyword);
        }
        int line = keyword.line();
        switch (keyword.text()) {
            case "if":
                return parseIf(line);
            case "for":
                return parseFor(line);
            case "set":
                return parseSet(line);
            case "macro":
                return parseMacro(line);
            case "filter": {
                List<Expr.Filter> filters = parseFilterChain();
                expectBlockEnd();
                List<Node> body = parseBody(Set.of("endfilter"));
                endTag("endfilter");
                return new Node.FilterBlock(filters, body, line);
            }
            case "break":
                expectBlockEnd();
                return new Node.Break(line);
            case "continue":
                expectBlockEnd();
                return new Node.Continue(line);
            case "generation": {
                expectBlockEnd();
                List<Node> body = parseBody(Set.of("endgeneration"));
                endTag("endgeneration");
                return new Node.Generation(body, line);
            }
            default:
                throw new JinjaException(
                        "Template line " + line + ": unsupported or unknown tag '{% " + keyword.text() + " %}'");
        }
    }

    private Node parseIf(int line) {
        List<Node.Branch> branches = new ArrayList<>();
        Expr condition = parseTuple(true);
        expectBlockEnd();
        while (true) {
            List<Node> body = parseBody(Set.of("elif", "else", "endif"));
            branches.add(new Node.Branch(condition, body));
            next(); // BLOCK_BEGIN
            String kw = next().text();
            if (kw.equals("elif")) {
                condition = parseTuple(true);
                expectBlockEnd();
            } else if (kw.equals("else")) {
                expectBlockEnd();
                List<Node> otherwise = parseBody(Set.of("endif"));
                endTag("endif");
                return new Node.If(branches, otherwise, line);
            } else {
                expectBlockEnd();
                return new Node.If(branches, List.of(), line);
            }
        }
    }

    private Node parseFor(int line) {
        List<String> targets = parseTargetNames();
        expectName("in");
        Expr iterable = parseTuple(false);
        Expr filter = null;
        if (peek().isName("if")) {
            next();
            filter = parseTuple(true);
        }
        if (peek().isName("recursive")) {
            throw error("recursive loops are not supported");
        }
        expectBlockEnd();
        List<Node> body = parseBody(Set.of("else", "endfor"));
        next();
        String kw = next().text();
        List<Node> otherwise = List.of();
        expectBlockEnd();
        if (kw.equals("else")) {
            otherwise = parseBody(Set.of("endfor"));
            endTag("endfor");
        }
        return new Node.For(targets, iterable, filter, body, otherwise, line);
    }

    private List<String> parseTargetNames() {
        List<String> names = new ArrayList<>();
        boolean paren = peek().isOperator("(");
        if (paren) {
            next();
        }
        names.add(expectKind(Kind.NAME).text());
        while (peek().isOperator(",")) {
            next();
            if (peek().kind() != Kind.NAME) {
                break;
            }
            names.add(next().text());
        }
        if (paren) {
            expectOperator(")");
        }
        return names;
    }

    private Node parseSet(int line) {
        Token first = expectKind(Kind.NAME);
        if (peek().isOperator(".")) {
            next();
            String attribute = expectKind(Kind.NAME).text();
            expectOperator("=");
            Expr value = parseTuple(true);
            expectBlockEnd();
            return new Node.SetAttribute(new Expr.Name(first.text(), first.line()), attribute, value, line);
        }
        List<String> targets = new ArrayList<>();
        targets.add(first.text());
        while (peek().isOperator(",")) {
            next();
            targets.add(expectKind(Kind.NAME).text());
        }
        if (peek().isOperator("=")) {
            next();
            Expr value = parseTuple(true);
            expectBlockEnd();
            return new Node.Set(targets, value, line);
        }
        if (targets.size() != 1) {
            throw error("a block set takes exactly one target");
        }
        List<Expr.Filter> filters = peek().isOperator("|") ? parseFilterChain() : List.of();
        expectBlockEnd();
        List<Node> body = parseBody(Set.of("endset"));
        endTag("endset");
        return new Node.SetBlock(targets.get(0), body, filters, line);
    }

    private Node parseMacro(int line) {
        String name = expectKind(Kind.NAME).text();
        expectOperator("(");
        List<Node.Parameter> params = new ArrayList<>();
        while (!peek().isOperator(")")) {
            if (!params.isEmpty()) {
                expectOperator(",");
                if (peek().isOperator(")")) {
                    break;
                }
            }
            String p = expectKind(Kind.NAME).text();
            Expr def = null;
            if (peek().isOperator("=")) {
                next();
                def = parseExpression(true);
            }
            params.add(new Node.Parameter(p, def));
        }
        expectOperator(")");
        expectBlockEnd();
        List<Node> body = parseBody(Set.of("endmacro"));
        endTag("endmacro");
        return new Node.Macro(name, params, body, line);
    }

    /** Filters of a filter block or block set: {@code | f(args) | g}; the first pipe is optional. */
    private List<Expr.Filter> parseFilterChain() {
        List<Expr.Filter> filters = new ArrayList<>();
        boolean first = true;
        while (first || peek().isOperator("|")) {
            if (peek().isOperator("|")) {
                next();
            }
            first = false;
            Expr.Filter f = parseFilter(null);
            filters.add(f);
        }
        return filters;
    }

    private void endTag(String keyword) {
        expect(Kind.BLOCK_BEGIN, "{%");
        expectName(keyword);
        expectBlockEnd();
    }

    // ---------------------------------------------------------------- expressions

    /** An expression or a bare tuple {@code a, b}. */
    private Expr parseTuple(boolean withCondExpr) {
        int line = peek().line();
        Expr first = parseExpression(withCondExpr);
        if (!peek().isOperator(",")) {
            return first;
        }
        List<Expr> items = new ArrayList<>();
        items.add(first);
        while (peek().isOperator(",")) {
            next();
            if (!startsExpression(peek())) {
                break;
            }
            items.add(parseExpression(withCondExpr));
        }
        return new Expr.TupleLiteral(items, line);
    }

    private static boolean startsExpression(Token t) {
        return switch (t.kind()) {
            case NAME, STRING, INTEGER, FLOAT -> true;
            case OPERATOR -> t.text().equals("(")
                    || t.text().equals("[")
                    || t.text().equals("{")
                    || t.text().equals("-")
                    || t.text().equals("+");
            default -> false;
        };
    }

    private Expr parseExpression(boolean withCondExpr) {
        return withCondExpr ? parseConditional() : parseOr();
    }

    private Expr parseConditional() {
        Expr expr = parseOr();
        while (peek().isName("if")) {
            int line = next().line();
            Expr condition = parseOr();
            Expr otherwise = null;
            if (peek().isName("else")) {
                next();
                otherwise = parseConditional();
            }
            expr = new Expr.Conditional(condition, expr, otherwise, line);
        }
        return expr;
    }

    private Expr parseOr() {
        Expr left = parseAnd();
        while (peek().isName("or")) {
            int line = next().line();
            left = new Expr.Logical("or", left, parseAnd(), line);
        }
        return left;
    }

    private Expr parseAnd() {
        Expr left = parseNot();
        while (peek().isName("and")) {
            int line = next().line();
            left = new Expr.Logical("and", left, parseNot(), line);
        }
        return left;
    }

    private Expr parseNot() {
        if (peek().isName("not")) {
            int line = next().line();
            return new Expr.Unary("not", parseNot(), line);
        }
        return parseCompare();
    }

    private Expr parseCompare() {
        int line = peek().line();
        Expr first = parseMath1();
        List<String> ops = new ArrayList<>();
        List<Expr> operands = new ArrayList<>();
        while (true) {
            Token t = peek();
            if (t.kind() == Kind.OPERATOR && COMPARE_OPERATORS.contains(t.text())) {
                next();
                ops.add(t.text());
            } else if (t.isName("in")) {
                next();
                ops.add("in");
            } else if (t.isName("not") && peekAt(1).isName("in")) {
                next();
                next();
                ops.add("notin");
            } else {
                break;
            }
            operands.add(parseMath1());
        }
        return ops.isEmpty() ? first : new Expr.Compare(first, ops, operands, line);
    }

    private Expr parseMath1() {
        Expr left = parseConcat();
        while (peek().isOperator("+") || peek().isOperator("-")) {
            Token op = next();
            left = new Expr.Binary(op.text(), left, parseConcat(), op.line());
        }
        return left;
    }

    private Expr parseConcat() {
        Expr left = parseMath2();
        while (peek().isOperator("~")) {
            Token op = next();
            left = new Expr.Binary("~", left, parseMath2(), op.line());
        }
        return left;
    }

    private Expr parseMath2() {
        Expr left = parsePow();
        while (peek().isOperator("*") || peek().isOperator("/") || peek().isOperator("//") || peek().isOperator("%")) {
            Token op = next();
            left = new Expr.Binary(op.text(), left, parsePow(), op.line());
        }
        return left;
    }

    private Expr parsePow() {
        Expr left = parseUnary(true);
        while (peek().isOperator("**")) {
            Token op = next();
            left = new Expr.Binary("**", left, parseUnary(true), op.line());
        }
        return left;
    }

    private Expr parseUnary(boolean withFilter) {
        Token t = peek();
        Expr node;
        if (t.isOperator("-") || t.isOperator("+")) {
            next();
            node = new Expr.Unary(t.text(), parseUnary(false), t.line());
        } else {
            node = parsePrimary();
        }
        node = parsePostfix(node);
        if (withFilter) {
            node = parseFilterExpr(node);
        }
        return node;
    }

    private Expr parsePrimary() {
        Token t = next();
        switch (t.kind()) {
            case NAME:
                return switch (t.text()) {
                    case "true", "True" -> new Expr.Const(Boolean.TRUE, t.line());
                    case "false", "False" -> new Expr.Const(Boolean.FALSE, t.line());
                    case "none", "None" -> new Expr.Const(null, t.line());
                    default -> new Expr.Name(t.text(), t.line());
                };
            case STRING: {
                StringBuilder sb = new StringBuilder(t.text());
                while (peek().kind() == Kind.STRING) { // adjacent literals concatenate
                    sb.append(next().text());
                }
                return new Expr.Const(sb.toString(), t.line());
            }
            case INTEGER:
                return new Expr.Const(Long.parseLong(t.text()), t.line());
            case FLOAT:
                return new Expr.Const(Double.parseDouble(t.text()), t.line());
            case OPERATOR:
                switch (t.text()) {
                    case "(": {
                        if (peek().isOperator(")")) {
                            next();
                            return new Expr.TupleLiteral(List.of(), t.line());
                        }
                        Expr first = parseExpression(true);
                        if (peek().isOperator(")")) {
                            next();
                            return first;
                        }
                        List<Expr> items = new ArrayList<>();
                        items.add(first);
                        while (peek().isOperator(",")) {
                            next();
                            if (peek().isOperator(")")) {
                                break;
                            }
                            items.add(parseExpression(true));
                        }
                        expectOperator(")");
                        return new Expr.TupleLiteral(items, t.line());
                    }
                    case "[": {
                        List<Expr> items = new ArrayList<>();
                        while (!peek().isOperator("]")) {
                            if (!items.isEmpty()) {
                                expectOperator(",");
                                if (peek().isOperator("]")) {
                                    break;
                                }
                            }
                            items.add(parseExpression(true));
                        }
                        expectOperator("]");
                        return new Expr.ListLiteral(items, t.line());
                    }
                    case "{": {
                        List<Expr> keys = new ArrayList<>();
                        List<Expr> values = new ArrayList<>();
                        while (!peek().isOperator("}")) {
                            if (!keys.isEmpty()) {
                                expectOperator(",");
                                if (peek().isOperator("}")) {
                                    break;
                                }
                            }
                            keys.add(parseExpression(true));
                            expectOperator(":");
                            values.add(parseExpression(true));
                        }
                        expectOperator("}");
                        return new Expr.DictLiteral(keys, values, t.line());
                    }
                    default:
                        break;
                }
                break;
            default:
                break;
        }
        throw new JinjaException("Template line " + t.line() + ": unexpected " + t + " in an expression");
    }

    private Expr parsePostfix(Expr node) {
        while (true) {
            Token t = peek();
            if (t.isOperator(".")) {
                next();
                Token name = next();
                if (name.kind() == Kind.NAME) {
                    node = new Expr.Attribute(node, name.text(), name.line());
                } else if (name.kind() == Kind.INTEGER) {
                    node = new Expr.Item(node, new Expr.Const(Long.parseLong(name.text()), name.line()), name.line());
                } else {
                    throw error("expected an attribute name after '.', got " + name);
                }
            } else if (t.isOperator("[")) {
                next();
                node = parseSubscript(node, t.line());
            } else if (t.isOperator("(")) {
                node = parseCall(node);
            } else {
                return node;
            }
        }
    }

    private Expr parseSubscript(Expr node, int line) {
        Expr start = null;
        Expr stop = null;
        Expr step = null;
        boolean slice = false;
        if (!peek().isOperator(":")) {
            start = parseTuple(true);
        }
        if (peek().isOperator(":")) {
            slice = true;
            next();
            if (!peek().isOperator("]") && !peek().isOperator(":")) {
                stop = parseExpression(true);
            }
            if (peek().isOperator(":")) {
                next();
                if (!peek().isOperator("]")) {
                    step = parseExpression(true);
                }
            }
        }
        expectOperator("]");
        return slice ? new Expr.Slice(node, start, stop, step, line) : new Expr.Item(node, start, line);
    }

    private Expr.Call parseCall(Expr callee) {
        int line = expectOperator("(").line();
        List<Expr> args = new ArrayList<>();
        List<Expr.Keyword> keywords = new ArrayList<>();
        parseArguments(args, keywords);
        return new Expr.Call(callee, args, keywords, line);
    }

    /** After '(' : positional and keyword arguments up to and including ')'. */
    private void parseArguments(List<Expr> args, List<Expr.Keyword> keywords) {
        boolean firstArg = true;
        while (!peek().isOperator(")")) {
            if (!firstArg) {
                expectOperator(",");
                if (peek().isOperator(")")) {
                    break;
                }
            }
            firstArg = false;
            if (peek().isOperator("*") || peek().isOperator("**")) {
                throw error("*args and **kwargs in calls are not supported");
            }
            if (peek().kind() == Kind.NAME && peekAt(1).isOperator("=")) {
                String name = next().text();
                next();
                keywords.add(new Expr.Keyword(name, parseExpression(true)));
            } else {
                if (!keywords.isEmpty()) {
                    throw error("positional argument after keyword argument");
                }
                args.add(parseExpression(true));
            }
        }
        expectOperator(")");
    }

    private Expr parseFilterExpr(Expr node) {
        while (true) {
            Token t = peek();
            if (t.isOperator("|")) {
                next();
                node = parseFilter(node);
            } else if (t.isName("is")) {
                next();
                node = parseTest(node, t.line());
            } else if (t.isOperator("(")) {
                node = parseCall(node);
            } else {
                return node;
            }
        }
    }

    private Expr.Filter parseFilter(Expr value) {
        Token nameToken = expectKind(Kind.NAME);
        StringBuilder name = new StringBuilder(nameToken.text());
        while (peek().isOperator(".")) {
            next();
            name.append('.').append(expectKind(Kind.NAME).text());
        }
        List<Expr> args = new ArrayList<>();
        List<Expr.Keyword> keywords = new ArrayList<>();
        if (peek().isOperator("(")) {
            next();
            parseArguments(args, keywords);
        }
        return new Expr.Filter(value, name.toString(), args, keywords, nameToken.line());
    }

    private Expr parseTest(Expr value, int line) {
        boolean negated = false;
        if (peek().isName("not")) {
            next();
            negated = true;
        }
        StringBuilder name = new StringBuilder(expectKind(Kind.NAME).text());
        while (peek().isOperator(".")) {
            next();
            name.append('.').append(expectKind(Kind.NAME).text());
        }
        List<Expr> args = new ArrayList<>();
        Token t = peek();
        if (t.isOperator("(")) {
            next();
            List<Expr.Keyword> keywords = new ArrayList<>();
            parseArguments(args, keywords);
            if (!keywords.isEmpty()) {
                throw error("keyword arguments to tests are not supported");
            }
        } else if ((t.kind() == Kind.NAME
                        || t.kind() == Kind.STRING
                        || t.kind() == Kind.INTEGER
                        || t.kind() == Kind.FLOAT
                        || t.isOperator("(")
                        || t.isOperator("[")
                        || t.isOperator("{"))
                && !t.isName("else")
                && !t.isName("or")
                && !t.isName("and")) {
            if (t.isName("is")) {
                throw error("tests cannot be chained with 'is'");
            }
            args.add(parsePostfix(parsePrimary()));
        }
        return new Expr.Test(value, name.toString(), args, negated, line);
    }

    // ---------------------------------------------------------------- token helpers

    private Token peek() {
        return tokens.get(index);
    }

    private Token peekAt(int offset) {
        int i = Math.min(index + offset, tokens.size() - 1);
        return tokens.get(i);
    }

    private Token next() {
        Token t = tokens.get(index);
        if (t.kind() != Kind.EOF) {
            index++;
        }
        return t;
    }

    private Token expect(Kind kind, String what) {
        Token t = next();
        if (t.kind() != kind) {
            throw new JinjaException("Template line " + t.line() + ": expected '" + what + "', got " + t);
        }
        return t;
    }

    private Token expectKind(Kind kind) {
        Token t = next();
        if (t.kind() != kind) {
            throw new JinjaException(
                    "Template line " + t.line() + ": expected a " + kind.name().toLowerCase() + ", got " + t);
        }
        return t;
    }

    private Token expectOperator(String op) {
        Token t = next();
        if (!t.isOperator(op)) {
            throw new JinjaException("Template line " + t.line() + ": expected '" + op + "', got " + t);
        }
        return t;
    }

    private void expectName(String name) {
        Token t = next();
        if (!t.isName(name)) {
            throw new JinjaException("Template line " + t.line() + ": expected '" + name + "', got " + t);
        }
    }

    private void expectBlockEnd() {
        expect(Kind.BLOCK_END, "%}");
    }

    private JinjaException error(String message) {
        return new JinjaException("Template line " + peek().line() + ": " + message);
    }
}
