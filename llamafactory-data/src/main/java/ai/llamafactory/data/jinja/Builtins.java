package ai.llamafactory.data.jinja;

import ai.llamafactory.data.json.CodePoints;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Jinja's built-in filters, tests, operators and global functions, and Python's methods on str, dict and list. */
final class Builtins {
    private static final Set<String> STRING_METHODS = Set.of(
            "strip",
            "lstrip",
            "rstrip",
            "split",
            "rsplit",
            "splitlines",
            "startswith",
            "endswith",
            "replace",
            "upper",
            "lower",
            "title",
            "capitalize",
            "find",
            "rfind",
            "index",
            "rindex",
            "count",
            "join",
            "isdigit",
            "isalpha",
            "isalnum",
            "isspace",
            "islower",
            "isupper",
            "isnumeric",
            "format",
            "removeprefix",
            "removesuffix",
            "zfill",
            "swapcase",
            "casefold");
    private static final Set<String> DICT_METHODS = Set.of("items", "keys", "values", "get");
    private static final Set<String> LIST_METHODS = Set.of("index", "count");
    private static final Set<String> MUTATING_METHODS = Set.of(
            "append",
            "extend",
            "insert",
            "pop",
            "remove",
            "clear",
            "update",
            "setdefault",
            "popitem",
            "sort",
            "reverse");

    private Builtins() {}

    /** The global functions transformers makes available to chat templates. */
    static Map<String, Object> globals(ZonedDateTime now) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("range", (Interpreter.PyCallable) Builtins::range);
        g.put("namespace", (Interpreter.PyCallable) (args, kwargs, line) -> {
            Namespace ns = new Namespace();
            for (Object a : args) {
                if (a instanceof Map<?, ?> m) {
                    m.forEach((k, v) -> ns.attributes.put(PyValues.str(k), v));
                } else {
                    throw new JinjaException("Template line " + line + ": namespace() takes keyword arguments or a "
                            + "dict, got " + PyValues.typeName(a));
                }
            }
            ns.attributes.putAll(kwargs);
            return ns;
        });
        g.put("dict", (Interpreter.PyCallable) (args, kwargs, line) -> {
            Map<Object, Object> m = new LinkedHashMap<>();
            for (Object a : args) {
                if (a instanceof Map<?, ?> src) {
                    m.putAll(src);
                }
            }
            m.putAll(kwargs);
            return m;
        });
        g.put("raise_exception", (Interpreter.PyCallable) (args, kwargs, line) -> {
            throw new TemplateRaisedException(args.isEmpty() ? "" : PyValues.str(args.get(0)), line);
        });
        g.put("strftime_now", (Interpreter.PyCallable)
                (args, kwargs, line) -> strftime(args.isEmpty() ? "" : PyValues.str(args.get(0)), now));
        return g;
    }

    private static Object range(List<Object> args, Map<String, Object> kwargs, int line) {
        long start = 0;
        long stop;
        long step = 1;
        if (args.size() == 1) {
            stop = requireInt(args.get(0), "range", line);
        } else if (args.size() == 2 || args.size() == 3) {
            start = requireInt(args.get(0), "range", line);
            stop = requireInt(args.get(1), "range", line);
            if (args.size() == 3) {
                step = requireInt(args.get(2), "range", line);
            }
        } else {
            throw new JinjaException("Template line " + line + ": range() takes 1 to 3 arguments");
        }
        if (step == 0) {
            throw new JinjaException("Template line " + line + ": range() step must not be zero");
        }
        List<Object> out = new ArrayList<>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
            out.add(i);
            if (out.size() > 10_000_000) {
                throw new JinjaException("Template line " + line + ": range() too large");
            }
        }
        return out;
    }

    /** Python's {@code time.strftime} for the directives chat templates use. */
    static String strftime(String format, ZonedDateTime t) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 >= format.length()) {
                sb.append(c);
                continue;
            }
            char d = format.charAt(++i);
            boolean noPad = false;
            if (d == '-' && i + 1 < format.length()) {
                noPad = true;
                d = format.charAt(++i);
            }
            String two = noPad ? "%d" : "%02d";
            switch (d) {
                case 'Y' -> sb.append(t.getYear());
                case 'y' -> sb.append(String.format("%02d", t.getYear() % 100));
                case 'm' -> sb.append(String.format(two, t.getMonthValue()));
                case 'd' -> sb.append(String.format(two, t.getDayOfMonth()));
                case 'H' -> sb.append(String.format(two, t.getHour()));
                case 'I' -> sb.append(String.format(two, (t.getHour() + 11) % 12 + 1));
                case 'M' -> sb.append(String.format(two, t.getMinute()));
                case 'S' -> sb.append(String.format(two, t.getSecond()));
                case 'p' -> sb.append(t.getHour() < 12 ? "AM" : "PM");
                case 'b', 'h' -> sb.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'B' -> sb.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'a' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'A' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'j' -> sb.append(String.format(noPad ? "%d" : "%03d", t.getDayOfYear()));
                case 'Z' -> sb.append(t.getZone().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case '%' -> sb.append('%');
                default -> sb.append('%').append(d);
            }
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- operators

    static Object negate(Object v, int line) {
        if (v instanceof Long l) {
            return -l;
        }
        if (v instanceof Double d) {
            return -d;
        }
        if (v instanceof Boolean b) {
            return b ? -1L : 0L;
        }
        throw typeError("bad operand type for unary -: " + PyValues.typeName(v), line);
    }

    static void requireNumber(Object v, String op, int line) {
        if (!PyValues.isNumber(v)) {
            throw typeError("bad operand type for " + op + ": " + PyValues.typeName(v), line);
        }
    }

    static Object binary(String op, Object a, Object b, int line) {
        if (op.equals("~")) {
            return PyValues.str(a) + PyValues.str(b);
        }
        if (a instanceof Undefined u) {
            throw new JinjaException(
                    "Template line " + line + ": '" + u.name() + "' is undefined (operator " + op + ")");
        }
        if (b instanceof Undefined u) {
            throw new JinjaException(
                    "Template line " + line + ": '" + u.name() + "' is undefined (operator " + op + ")");
        }
        boolean ints = (a instanceof Long || a instanceof Boolean) && (b instanceof Long || b instanceof Boolean);
        boolean numbers = PyValues.isNumber(a) && PyValues.isNumber(b);
        switch (op) {
            case "+":
                if (ints) {
                    return PyValues.toLong(a) + PyValues.toLong(b);
                }
                if (numbers) {
                    return PyValues.toDouble(a) + PyValues.toDouble(b);
                }
                if (a instanceof String sa && b instanceof String sb) {
                    return sa + sb;
                }
                if (a instanceof List<?> la && b instanceof List<?> lb) {
                    List<Object> out = new ArrayList<>(la);
                    out.addAll(lb);
                    return a instanceof PyTuple ? new PyTuple(out) : out;
                }
                break;
            case "-":
                if (ints) {
                    return PyValues.toLong(a) - PyValues.toLong(b);
                }
                if (numbers) {
                    return PyValues.toDouble(a) - PyValues.toDouble(b);
                }
                break;
            case "*":
                if (ints) {
                    return PyValues.toLong(a) * PyValues.toLong(b);
                }
                if (numbers) {
                    return PyValues.toDouble(a) * PyValues.toDouble(b);
                }
                if (a instanceof String s && (b instanceof Long || b instanceof Boolean)) {
                    return s.repeat((int) Math.max(0, PyValues.toLong(b)));
                }
                if (b instanceof String s && (a instanceof Long || a instanceof Boolean)) {
                    return s.repeat((int) Math.max(0, PyValues.toLong(a)));
                }
                if (a instanceof List<?> l && (b instanceof Long || b instanceof Boolean)) {
                    List<Object> out = new ArrayList<>();
                    for (long i = 0; i < PyValues.toLong(b); i++) {
                        out.addAll(l);
                    }
                    return out;
                }
                break;
            case "/":
                if (numbers) {
                    double d = PyValues.toDouble(b);
                    if (d == 0) {
                        throw new JinjaException("Template line " + line + ": division by zero");
                    }
                    return PyValues.toDouble(a) / d;
                }
                break;
            case "//":
                if (ints) {
                    long d = PyValues.toLong(b);
                    if (d == 0) {
                        throw new JinjaException("Template line " + line + ": integer division by zero");
                    }
                    return Math.floorDiv(PyValues.toLong(a), d);
                }
                if (numbers) {
                    return Math.floor(PyValues.toDouble(a) / PyValues.toDouble(b));
                }
                break;
            case "%":
                if (ints) {
                    long d = PyValues.toLong(b);
                    if (d == 0) {
                        throw new JinjaException("Template line " + line + ": modulo by zero");
                    }
                    return Math.floorMod(PyValues.toLong(a), d);
                }
                if (numbers) {
                    double x = PyValues.toDouble(a);
                    double y = PyValues.toDouble(b);
                    double r = x % y;
                    return (r != 0 && (r < 0) != (y < 0)) ? r + y : r;
                }
                if (a instanceof String fmt) {
                    List<Object> args = b instanceof PyTuple t ? new ArrayList<>(t) : List.of(b);
                    return percentFormat(fmt, args, line);
                }
                break;
            case "**":
                if (ints && PyValues.toLong(b) >= 0) {
                    long base = PyValues.toLong(a);
                    long result = 1;
                    for (long i = 0; i < PyValues.toLong(b); i++) {
                        result = Math.multiplyExact(result, base);
                    }
                    return result;
                }
                if (numbers) {
                    return Math.pow(PyValues.toDouble(a), PyValues.toDouble(b));
                }
                break;
            default:
                break;
        }
        throw typeError(
                "unsupported operand types for " + op + ": " + PyValues.typeName(a) + " and " + PyValues.typeName(b),
                line);
    }

    static boolean compare(String op, Object a, Object b, int line) {
        return switch (op) {
            case "==" -> PyValues.eq(a, b);
            case "!=" -> !PyValues.eq(a, b);
            case "<" -> PyValues.compare(a, b, line) < 0;
            case "<=" -> PyValues.compare(a, b, line) <= 0;
            case ">" -> PyValues.compare(a, b, line) > 0;
            case ">=" -> PyValues.compare(a, b, line) >= 0;
            case "in" -> contains(b, a, line);
            case "notin" -> !contains(b, a, line);
            default -> throw new JinjaException("Template line " + line + ": unknown operator " + op);
        };
    }

    static boolean contains(Object container, Object item, int line) {
        if (container instanceof String s) {
            if (!(item instanceof String i)) {
                throw typeError("'in <string>' requires string as left operand, not " + PyValues.typeName(item), line);
            }
            return s.contains(i);
        }
        if (container instanceof Map<?, ?> m) {
            if (m.containsKey(item)) {
                return true;
            }
            for (Object k : m.keySet()) {
                if (PyValues.eq(k, item)) {
                    return true;
                }
            }
            return false;
        }
        if (container instanceof Collection<?> c) {
            for (Object o : c) {
                if (PyValues.eq(o, item)) {
                    return true;
                }
            }
            return false;
        }
        if (container instanceof Undefined) {
            return false;
        }
        throw typeError("argument of type " + PyValues.typeName(container) + " is not iterable", line);
    }

    private static String percentFormat(String fmt, List<Object> args, int line) {
        StringBuilder sb = new StringBuilder();
        int argIndex = 0;
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 >= fmt.length()) {
                sb.append(c);
                continue;
            }
            char d = fmt.charAt(++i);
            if (d == '%') {
                sb.append('%');
                continue;
            }
            if (argIndex >= args.size()) {
                throw typeError("not enough arguments for format string", line);
            }
            Object a = args.get(argIndex++);
            switch (d) {
                case 's' -> sb.append(PyValues.str(a));
                case 'r' -> sb.append(PyValues.repr(a));
                case 'd', 'i' -> sb.append(PyValues.toLong(a instanceof Double x ? (long) (double) x : a));
                case 'f' -> sb.append(String.format(Locale.ROOT, "%f", PyValues.toDouble(a)));
                default -> throw typeError("unsupported format character '" + d + "'", line);
            }
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- tests

    static boolean test(String name, Object v, List<Object> args, int line) {
        switch (name) {
            case "defined":
                return !(v instanceof Undefined);
            case "undefined":
                return v instanceof Undefined;
            case "none":
                return v == null;
            case "boolean":
                return v instanceof Boolean;
            case "true":
                return Boolean.TRUE.equals(v);
            case "false":
                return Boolean.FALSE.equals(v);
            case "integer":
                return v instanceof Long;
            case "float":
                return v instanceof Double;
            case "number":
                return PyValues.isNumber(v);
            case "string":
                return v instanceof String;
            case "mapping":
                return v instanceof Map;
            case "iterable":
                return v instanceof Collection || v instanceof Map || v instanceof String || v instanceof Undefined;
            case "sequence":
                return v instanceof List || v instanceof Map || v instanceof String || v instanceof Undefined;
            case "callable":
                return v instanceof Interpreter.PyCallable || v instanceof Interpreter.BoundMethod;
            case "sameas":
                return args.size() == 1 && (v == args.get(0) || (v instanceof Boolean && v.equals(args.get(0))));
            case "eq", "equalto", "==":
                return PyValues.eq(v, arg(args, 0, name, line));
            case "ne", "!=":
                return !PyValues.eq(v, arg(args, 0, name, line));
            case "lt", "lessthan", "<":
                return PyValues.compare(v, arg(args, 0, name, line), line) < 0;
            case "le", "<=":
                return PyValues.compare(v, arg(args, 0, name, line), line) <= 0;
            case "gt", "greaterthan", ">":
                return PyValues.compare(v, arg(args, 0, name, line), line) > 0;
            case "ge", ">=":
                return PyValues.compare(v, arg(args, 0, name, line), line) >= 0;
            case "in":
                return contains(arg(args, 0, name, line), v, line);
            case "even":
                return requireInt(v, "even", line) % 2 == 0;
            case "odd":
                return requireInt(v, "odd", line) % 2 != 0;
            case "divisibleby":
                return requireInt(v, "divisibleby", line) % requireInt(arg(args, 0, name, line), name, line) == 0;
            case "lower":
                return v instanceof String s && s.equals(s.toLowerCase(Locale.ROOT));
            case "upper":
                return v instanceof String s && s.equals(s.toUpperCase(Locale.ROOT));
            case "escaped":
                return false;
            default:
                throw new JinjaException("Template line " + line + ": no test named '" + name + "'");
        }
    }

    private static Object arg(List<Object> args, int i, String name, int line) {
        if (args.size() <= i) {
            throw new JinjaException("Template line " + line + ": '" + name + "' needs an argument");
        }
        return args.get(i);
    }

    // ---------------------------------------------------------------- filters

    static Object filter(
            Interpreter in, String name, Object v, List<Object> args, Map<String, Object> kwargs, int line) {
        switch (name) {
            case "length", "count":
                return (long) length(v, line);
            case "tojson": {
                Object indent = param(args, kwargs, 0, "indent", null);
                Object separators = param(args, kwargs, 1, "separators", null);
                Object sortKeys = param(args, kwargs, 2, "sort_keys", false);
                String itemSep = null;
                String keySep = null;
                if (separators instanceof List<?> seps && seps.size() == 2) {
                    itemSep = PyValues.str(seps.get(0));
                    keySep = PyValues.str(seps.get(1));
                }
                Integer ind = indent == null ? null : (int) requireInt(indent, "tojson indent", line);
                return PyValues.toJson(v, ind, itemSep, keySep, PyValues.isTrue(sortKeys), line);
            }
            case "trim":
                return strip(PyValues.str(v), charsArg(param(args, kwargs, 0, "chars", null)), true, true);
            case "upper":
                return PyValues.str(v).toUpperCase(Locale.ROOT);
            case "lower":
                return PyValues.str(v).toLowerCase(Locale.ROOT);
            case "title":
                return title(PyValues.str(v));
            case "capitalize":
                return capitalize(PyValues.str(v));
            case "string":
                return PyValues.str(v);
            case "safe", "forceescape_off":
                return v;
            case "e", "escape", "forceescape":
                return htmlEscape(PyValues.str(v));
            case "first": {
                List<Object> items = Interpreter.iterate(v, line);
                return items.isEmpty() ? new Undefined("first of empty sequence") : items.get(0);
            }
            case "last": {
                List<Object> items = Interpreter.iterate(v, line);
                return items.isEmpty() ? new Undefined("last of empty sequence") : items.get(items.size() - 1);
            }
            case "list":
                return Interpreter.iterate(v, line);
            case "reverse": {
                if (v instanceof String s) {
                    return new StringBuilder(s).reverse().toString();
                }
                List<Object> items = Interpreter.iterate(v, line);
                java.util.Collections.reverse(items);
                return items;
            }
            case "join": {
                String sep = PyValues.str(param(args, kwargs, 0, "d", ""));
                Object attribute = param(args, kwargs, 1, "attribute", null);
                StringBuilder sb = new StringBuilder();
                boolean first = true;
                for (Object item : Interpreter.iterate(v, line)) {
                    if (!first) {
                        sb.append(sep);
                    }
                    first = false;
                    sb.append(PyValues.str(attribute == null ? item : attributePath(item, attribute, line)));
                }
                return sb.toString();
            }
            case "default", "d": {
                Object def = param(args, kwargs, 0, "default_value", "");
                boolean bool = PyValues.isTrue(param(args, kwargs, 1, "boolean", false));
                if (v instanceof Undefined || (bool && !PyValues.isTrue(v))) {
                    return def;
                }
                return v;
            }
            case "int": {
                Object def = param(args, kwargs, 0, "default", 0L);
                long base = requireInt(param(args, kwargs, 1, "base", 10L), "int base", line);
                if (v instanceof Long || v instanceof Boolean) {
                    return PyValues.toLong(v);
                }
                if (v instanceof Double d) {
                    return (long) (double) d;
                }
                if (v instanceof String s) {
                    try {
                        return Long.parseLong(s.strip().replace("_", ""), (int) base);
                    } catch (NumberFormatException e) {
                        try {
                            return (long) Double.parseDouble(s.strip());
                        } catch (NumberFormatException e2) {
                            return def;
                        }
                    }
                }
                return def;
            }
            case "float": {
                Object def = param(args, kwargs, 0, "default", 0.0);
                if (PyValues.isNumber(v)) {
                    return PyValues.toDouble(v);
                }
                if (v instanceof String s) {
                    try {
                        return Double.parseDouble(s.strip());
                    } catch (NumberFormatException e) {
                        return def;
                    }
                }
                return def;
            }
            case "abs":
                if (v instanceof Long l) {
                    return Math.abs(l);
                }
                return Math.abs(PyValues.toDouble(requireNumberValue(v, "abs", line)));
            case "round": {
                long precision = requireInt(param(args, kwargs, 0, "precision", 0L), "round", line);
                String method = PyValues.str(param(args, kwargs, 1, "method", "common"));
                double x = PyValues.toDouble(requireNumberValue(v, "round", line));
                double factor = Math.pow(10, precision);
                double r =
                        switch (method) {
                            case "ceil" -> Math.ceil(x * factor) / factor;
                            case "floor" -> Math.floor(x * factor) / factor;
                                // Python's round(): correctly rounded from the exact binary value, ties to even
                            default -> new java.math.BigDecimal(x)
                                    .setScale((int) precision, java.math.RoundingMode.HALF_EVEN)
                                    .doubleValue();
                        };
                return r;
            }
            case "replace": {
                String s = PyValues.str(v);
                String old = PyValues.str(param(args, kwargs, 0, "old", ""));
                String replacement = PyValues.str(param(args, kwargs, 1, "new", ""));
                Object count = param(args, kwargs, 2, "count", null);
                return replace(s, old, replacement, count == null ? -1 : requireInt(count, "replace", line));
            }
            case "items": {
                if (v instanceof Undefined) {
                    return new ArrayList<>();
                }
                return items(v, line);
            }
            case "dictsort": {
                boolean caseSensitive = PyValues.isTrue(param(args, kwargs, 0, "case_sensitive", false));
                String by = PyValues.str(param(args, kwargs, 1, "by", "key"));
                boolean reverse = PyValues.isTrue(param(args, kwargs, 2, "reverse", false));
                List<Object> pairs = items(v, line);
                int pos = by.equals("value") ? 1 : 0;
                pairs.sort((x, y) -> sortCompare(((List<?>) x).get(pos), ((List<?>) y).get(pos), caseSensitive, line));
                if (reverse) {
                    java.util.Collections.reverse(pairs);
                }
                return pairs;
            }
            case "sort": {
                boolean reverse = PyValues.isTrue(param(args, kwargs, 0, "reverse", false));
                boolean caseSensitive = PyValues.isTrue(param(args, kwargs, 1, "case_sensitive", false));
                Object attribute = param(args, kwargs, 2, "attribute", null);
                List<Object> items = Interpreter.iterate(v, line);
                Comparator<Object> cmp = (x, y) -> sortCompare(
                        attribute == null ? x : attributePath(x, attribute, line),
                        attribute == null ? y : attributePath(y, attribute, line),
                        caseSensitive,
                        line);
                items.sort(reverse ? cmp.reversed() : cmp);
                return items;
            }
            case "unique": {
                boolean caseSensitive = PyValues.isTrue(param(args, kwargs, 0, "case_sensitive", false));
                Object attribute = param(args, kwargs, 1, "attribute", null);
                List<Object> out = new ArrayList<>();
                List<Object> seen = new ArrayList<>();
                for (Object item : Interpreter.iterate(v, line)) {
                    Object key = attribute == null ? item : attributePath(item, attribute, line);
                    if (!caseSensitive && key instanceof String s) {
                        key = s.toLowerCase(Locale.ROOT);
                    }
                    boolean dup = false;
                    for (Object k : seen) {
                        if (PyValues.eq(k, key)) {
                            dup = true;
                            break;
                        }
                    }
                    if (!dup) {
                        seen.add(key);
                        out.add(item);
                    }
                }
                return out;
            }
            case "min", "max": {
                boolean caseSensitive = PyValues.isTrue(param(args, kwargs, 0, "case_sensitive", false));
                Object attribute = param(args, kwargs, 1, "attribute", null);
                List<Object> items = Interpreter.iterate(v, line);
                if (items.isEmpty()) {
                    return new Undefined(name + " of empty sequence");
                }
                Object best = items.get(0);
                for (Object item : items) {
                    int c = sortCompare(
                            attribute == null ? item : attributePath(item, attribute, line),
                            attribute == null ? best : attributePath(best, attribute, line),
                            caseSensitive,
                            line);
                    if (name.equals("min") ? c < 0 : c > 0) {
                        best = item;
                    }
                }
                return best;
            }
            case "sum": {
                Object attribute = param(args, kwargs, 0, "attribute", null);
                Object total = param(args, kwargs, 1, "start", 0L);
                for (Object item : Interpreter.iterate(v, line)) {
                    total = binary("+", total, attribute == null ? item : attributePath(item, attribute, line), line);
                }
                return total;
            }
            case "select", "reject": {
                boolean select = name.equals("select");
                List<Object> out = new ArrayList<>();
                for (Object item : Interpreter.iterate(v, line)) {
                    boolean ok = args.isEmpty()
                            ? PyValues.isTrue(item)
                            : test(PyValues.str(args.get(0)), item, args.subList(1, args.size()), line);
                    if (ok == select) {
                        out.add(item);
                    }
                }
                return out;
            }
            case "selectattr", "rejectattr": {
                boolean select = name.equals("selectattr");
                if (args.isEmpty()) {
                    throw new JinjaException("Template line " + line + ": " + name + " needs an attribute name");
                }
                Object attribute = args.get(0);
                List<Object> out = new ArrayList<>();
                for (Object item : Interpreter.iterate(v, line)) {
                    Object value = attributePath(item, attribute, line);
                    boolean ok = args.size() < 2
                            ? PyValues.isTrue(value)
                            : test(PyValues.str(args.get(1)), value, args.subList(2, args.size()), line);
                    if (ok == select) {
                        out.add(item);
                    }
                }
                return out;
            }
            case "map": {
                List<Object> out = new ArrayList<>();
                if (kwargs.containsKey("attribute")) {
                    Object attribute = kwargs.get("attribute");
                    Object def = kwargs.get("default");
                    for (Object item : Interpreter.iterate(v, line)) {
                        Object value = attributePath(item, attribute, line);
                        out.add(value instanceof Undefined && kwargs.containsKey("default") ? def : value);
                    }
                    return out;
                }
                if (args.isEmpty()) {
                    throw new JinjaException("Template line " + line + ": map needs a filter name or attribute=");
                }
                String filterName = PyValues.str(args.get(0));
                List<Object> rest = args.subList(1, args.size());
                for (Object item : Interpreter.iterate(v, line)) {
                    out.add(filter(in, filterName, item, rest, Map.of(), line));
                }
                return out;
            }
            case "attr":
                return Interpreter.getAttribute(v, PyValues.str(param(args, kwargs, 0, "name", "")), line);
            case "indent": {
                Object width = param(args, kwargs, 0, "width", 4L);
                boolean first = PyValues.isTrue(param(args, kwargs, 1, "first", false));
                boolean blank = PyValues.isTrue(param(args, kwargs, 2, "blank", false));
                String pad = width instanceof String w ? w : " ".repeat((int) requireInt(width, "indent", line));
                String s = PyValues.str(v) + "\n";
                List<String> lines = new ArrayList<>();
                for (Object o : (List<?>) stringMethod(s, "splitlines", List.of(), Map.of(), line)) {
                    lines.add((String) o);
                }
                StringBuilder sb = new StringBuilder();
                if (blank) {
                    sb.append(String.join("\n" + pad, lines));
                } else {
                    sb.append(lines.isEmpty() ? "" : lines.get(0));
                    for (int i = 1; i < lines.size(); i++) {
                        sb.append('\n');
                        if (!lines.get(i).isEmpty()) {
                            sb.append(pad);
                        }
                        sb.append(lines.get(i));
                    }
                }
                return first ? pad + sb : sb.toString();
            }
            case "wordcount":
                return (long)
                        (PyValues.str(v).isBlank() ? 0 : PyValues.str(v).strip().split("\\s+").length);
            case "center": {
                int width = (int) requireInt(param(args, kwargs, 0, "width", 80L), "center", line);
                String s = PyValues.str(v);
                if (s.length() >= width) {
                    return s;
                }
                int total = width - s.length();
                int left = total / 2 + (total & width & 1);
                return " ".repeat(left) + s + " ".repeat(total - left);
            }
            case "format": {
                List<Object> fa = new ArrayList<>(args);
                return percentFormat(PyValues.str(v), fa, line);
            }
            case "batch": {
                int size = (int) requireInt(param(args, kwargs, 0, "linecount", 1L), "batch", line);
                List<Object> out = new ArrayList<>();
                List<Object> current = new ArrayList<>();
                for (Object item : Interpreter.iterate(v, line)) {
                    current.add(item);
                    if (current.size() == size) {
                        out.add(current);
                        current = new ArrayList<>();
                    }
                }
                if (!current.isEmpty()) {
                    out.add(current);
                }
                return out;
            }
            default:
                throw new JinjaException("Template line " + line + ": no filter named '" + name + "'");
        }
    }

    private static int sortCompare(Object a, Object b, boolean caseSensitive, int line) {
        if (!caseSensitive && a instanceof String sa && b instanceof String sb) {
            return CodePoints.compare(sa.toLowerCase(Locale.ROOT), sb.toLowerCase(Locale.ROOT));
        }
        return PyValues.compare(a, b, line);
    }

    /** Jinja's attribute lookup for filters: {@code "a.b"} or an integer index. */
    private static Object attributePath(Object item, Object attribute, int line) {
        if (attribute instanceof Long) {
            return Interpreter.getItem(item, attribute, line);
        }
        Object current = item;
        for (String part : PyValues.str(attribute).split("\\.")) {
            if (current instanceof Undefined) {
                return current;
            }
            if (!part.isEmpty() && part.chars().allMatch(Character::isDigit)) {
                current = Interpreter.getItem(current, Long.parseLong(part), line);
            } else {
                current = Interpreter.getItem(current, part, line);
            }
        }
        return current;
    }

    private static List<Object> items(Object v, int line) {
        if (!(v instanceof Map<?, ?> m)) {
            throw typeError("items() needs a mapping, got " + PyValues.typeName(v), line);
        }
        List<Object> out = new ArrayList<>(m.size());
        for (Map.Entry<?, ?> e : m.entrySet()) {
            out.add(new PyTuple(e.getKey(), e.getValue()));
        }
        return out;
    }

    private static int length(Object v, int line) {
        if (v instanceof String s) {
            return s.codePointCount(0, s.length());
        }
        if (v instanceof Collection<?> c) {
            return c.size();
        }
        if (v instanceof Map<?, ?> m) {
            return m.size();
        }
        if (v instanceof Undefined) {
            return 0;
        }
        if (v instanceof Namespace ns) {
            return ns.attributes.size();
        }
        throw typeError("object of type " + PyValues.typeName(v) + " has no len()", line);
    }

    private static Object param(List<Object> args, Map<String, Object> kwargs, int index, String name, Object def) {
        if (index < args.size()) {
            return args.get(index);
        }
        return kwargs.getOrDefault(name, def);
    }

    private static long requireInt(Object v, String what, int line) {
        if (v instanceof Long || v instanceof Boolean) {
            return PyValues.toLong(v);
        }
        throw typeError(what + " needs an integer, got " + PyValues.typeName(v), line);
    }

    private static Object requireNumberValue(Object v, String what, int line) {
        requireNumber(v, what, line);
        return v;
    }

    private static JinjaException typeError(String message, int line) {
        return new JinjaException("Template line " + line + ": TypeError: " + message);
    }

    private static String htmlEscape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&#34;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- methods

    static boolean hasMethod(Object obj, String name) {
        if (obj instanceof String) {
            return STRING_METHODS.contains(name);
        }
        if (obj instanceof Map) {
            return DICT_METHODS.contains(name) || MUTATING_METHODS.contains(name);
        }
        if (obj instanceof List) {
            return LIST_METHODS.contains(name) || MUTATING_METHODS.contains(name);
        }
        return false;
    }

    static Object callMethod(Object self, String name, List<Object> args, Map<String, Object> kwargs, int line) {
        if (self instanceof Interpreter.LoopState loop && name.equals("cycle")) {
            if (args.isEmpty()) {
                throw new JinjaException("Template line " + line + ": loop.cycle() needs at least one value");
            }
            return args.get(loop.index0 % args.size());
        }
        if (MUTATING_METHODS.contains(name)) {
            throw new JinjaException("Template line " + line + ": SecurityError: access to '" + name + "' of "
                    + PyValues.typeName(self) + " is unsafe (the sandbox forbids modifying values; use namespace())");
        }
        if (self instanceof String s) {
            return stringMethod(s, name, args, kwargs, line);
        }
        if (self instanceof Map<?, ?> m) {
            switch (name) {
                case "items":
                    return items(m, line);
                case "keys":
                    return new ArrayList<Object>(m.keySet());
                case "values":
                    return new ArrayList<Object>(m.values());
                case "get": {
                    Object key = param(args, kwargs, 0, "key", null);
                    Object def = param(args, kwargs, 1, "default", null);
                    return m.containsKey(key) ? m.get(key) : def;
                }
                default:
                    break;
            }
        }
        if (self instanceof List<?> l) {
            Object x = param(args, kwargs, 0, "x", null);
            if (name.equals("count")) {
                long n = 0;
                for (Object o : l) {
                    if (PyValues.eq(o, x)) {
                        n++;
                    }
                }
                return n;
            }
            if (name.equals("index")) {
                for (int i = 0; i < l.size(); i++) {
                    if (PyValues.eq(l.get(i), x)) {
                        return (long) i;
                    }
                }
                throw new JinjaException(
                        "Template line " + line + ": ValueError: " + PyValues.repr(x) + " is not in list");
            }
        }
        throw new JinjaException(
                "Template line " + line + ": " + PyValues.typeName(self) + " has no method '" + name + "'");
    }

    private static Object stringMethod(String s, String name, List<Object> args, Map<String, Object> kwargs, int line) {
        switch (name) {
            case "strip":
                return strip(s, charsArg(param(args, kwargs, 0, "chars", null)), true, true);
            case "lstrip":
                return strip(s, charsArg(param(args, kwargs, 0, "chars", null)), true, false);
            case "rstrip":
                return strip(s, charsArg(param(args, kwargs, 0, "chars", null)), false, true);
            case "split":
            case "rsplit": {
                Object sep = param(args, kwargs, 0, "sep", null);
                long max = requireInt(param(args, kwargs, 1, "maxsplit", -1L), name, line);
                return name.equals("split")
                        ? split(s, sep == null ? null : PyValues.str(sep), max, line)
                        : rsplit(s, sep == null ? null : PyValues.str(sep), max, line);
            }
            case "splitlines": {
                boolean keepends = PyValues.isTrue(param(args, kwargs, 0, "keepends", false));
                List<Object> out = new ArrayList<>();
                int start = 0;
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    if (c == '\n' || c == '\r') {
                        int end = i;
                        if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                            i++;
                        }
                        out.add(s.substring(start, keepends ? i + 1 : end));
                        start = i + 1;
                    }
                }
                if (start < s.length()) {
                    out.add(s.substring(start));
                }
                return out;
            }
            case "startswith":
            case "endswith": {
                Object prefix = param(args, kwargs, 0, "prefix", "");
                List<Object> options = prefix instanceof List<?> l ? new ArrayList<>(l) : List.of(prefix);
                for (Object o : options) {
                    if (!(o instanceof String p)) {
                        throw typeError(
                                name + " first arg must be str or a tuple of str, not " + PyValues.typeName(o), line);
                    }
                    if (name.equals("startswith") ? s.startsWith(p) : s.endsWith(p)) {
                        return true;
                    }
                }
                return false;
            }
            case "replace": {
                Object count = param(args, kwargs, 2, "count", -1L);
                return replace(
                        s,
                        PyValues.str(param(args, kwargs, 0, "old", "")),
                        PyValues.str(param(args, kwargs, 1, "new", "")),
                        requireInt(count, "replace", line));
            }
            case "upper":
                return s.toUpperCase(Locale.ROOT);
            case "lower":
            case "casefold":
                return s.toLowerCase(Locale.ROOT);
            case "swapcase": {
                StringBuilder sb = new StringBuilder();
                s.codePoints()
                        .forEach(cp -> sb.appendCodePoint(
                                Character.isUpperCase(cp) ? Character.toLowerCase(cp) : Character.toUpperCase(cp)));
                return sb.toString();
            }
            case "title":
                return title(s);
            case "capitalize":
                return capitalize(s);
            case "find":
                return (long) s.indexOf(PyValues.str(param(args, kwargs, 0, "sub", "")));
            case "rfind":
                return (long) s.lastIndexOf(PyValues.str(param(args, kwargs, 0, "sub", "")));
            case "index":
            case "rindex": {
                String sub = PyValues.str(param(args, kwargs, 0, "sub", ""));
                int i = name.equals("index") ? s.indexOf(sub) : s.lastIndexOf(sub);
                if (i < 0) {
                    throw new JinjaException("Template line " + line + ": ValueError: substring not found");
                }
                return (long) i;
            }
            case "count": {
                String sub = PyValues.str(param(args, kwargs, 0, "sub", ""));
                if (sub.isEmpty()) {
                    return (long) s.length() + 1;
                }
                long n = 0;
                for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
                    n++;
                }
                return n;
            }
            case "join": {
                StringBuilder sb = new StringBuilder();
                boolean first = true;
                for (Object o : Interpreter.iterate(param(args, kwargs, 0, "iterable", List.of()), line)) {
                    if (!(o instanceof String part)) {
                        throw typeError(
                                "sequence item: expected str instance, " + PyValues.typeName(o) + " found", line);
                    }
                    if (!first) {
                        sb.append(s);
                    }
                    first = false;
                    sb.append(part);
                }
                return sb.toString();
            }
            case "isdigit":
            case "isnumeric":
                return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
            case "isalpha":
                return !s.isEmpty() && s.chars().allMatch(Character::isLetter);
            case "isalnum":
                return !s.isEmpty() && s.chars().allMatch(Character::isLetterOrDigit);
            case "isspace": {
                if (s.isEmpty()) {
                    return false;
                }
                for (int i = 0; i < s.length(); i++) {
                    if (!PyValues.isSpace(s.charAt(i))) {
                        return false;
                    }
                }
                return true;
            }
            case "islower":
                return s.chars().anyMatch(Character::isLetter) && s.equals(s.toLowerCase(Locale.ROOT));
            case "isupper":
                return s.chars().anyMatch(Character::isLetter) && s.equals(s.toUpperCase(Locale.ROOT));
            case "removeprefix": {
                String p = PyValues.str(param(args, kwargs, 0, "prefix", ""));
                return s.startsWith(p) ? s.substring(p.length()) : s;
            }
            case "removesuffix": {
                String p = PyValues.str(param(args, kwargs, 0, "suffix", ""));
                return !p.isEmpty() && s.endsWith(p) ? s.substring(0, s.length() - p.length()) : s;
            }
            case "zfill": {
                int width = (int) requireInt(param(args, kwargs, 0, "width", 0L), "zfill", line);
                if (s.length() >= width) {
                    return s;
                }
                boolean sign = !s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+');
                String zeros = "0".repeat(width - s.length());
                return sign ? s.charAt(0) + zeros + s.substring(1) : zeros + s;
            }
            case "format":
                return braceFormat(s, args, kwargs, line);
            default:
                throw new JinjaException("Template line " + line + ": str has no method '" + name + "'");
        }
    }

    private static String braceFormat(String s, List<Object> args, Map<String, Object> kwargs, int line) {
        StringBuilder sb = new StringBuilder();
        int auto = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{' && i + 1 < s.length() && s.charAt(i + 1) == '{') {
                sb.append('{');
                i++;
            } else if (c == '}' && i + 1 < s.length() && s.charAt(i + 1) == '}') {
                sb.append('}');
                i++;
            } else if (c == '{') {
                int end = s.indexOf('}', i);
                if (end < 0) {
                    throw new JinjaException("Template line " + line + ": ValueError: unmatched '{' in format");
                }
                String field = s.substring(i + 1, end);
                Object value;
                if (field.isEmpty()) {
                    value = auto < args.size() ? args.get(auto++) : new Undefined("format argument");
                } else if (field.chars().allMatch(Character::isDigit)) {
                    int k = Integer.parseInt(field);
                    value = k < args.size() ? args.get(k) : new Undefined("format argument " + k);
                } else {
                    value = kwargs.containsKey(field) ? kwargs.get(field) : new Undefined(field);
                }
                sb.append(PyValues.str(value));
                i = end;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String charsArg(Object chars) {
        return chars == null ? null : PyValues.str(chars);
    }

    /** Python's strip/lstrip/rstrip: whitespace when {@code chars} is null, else any of the characters. */
    static String strip(String s, String chars, boolean left, boolean right) {
        int start = 0;
        int end = s.length();
        if (left) {
            while (start < end && stripped(s.charAt(start), chars)) {
                start++;
            }
        }
        if (right) {
            while (end > start && stripped(s.charAt(end - 1), chars)) {
                end--;
            }
        }
        return s.substring(start, end);
    }

    private static boolean stripped(char c, String chars) {
        return chars == null ? PyValues.isSpace(c) : chars.indexOf(c) >= 0;
    }

    static List<Object> split(String s, String sep, long maxsplit, int line) {
        List<Object> out = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            int n = s.length();
            while (i < n) {
                while (i < n && PyValues.isSpace(s.charAt(i))) {
                    i++;
                }
                if (i >= n) {
                    break;
                }
                if (maxsplit >= 0 && out.size() == maxsplit) {
                    int end = n;
                    while (end > i && PyValues.isSpace(s.charAt(end - 1))) {
                        end--;
                    }
                    out.add(s.substring(i, end));
                    return out;
                }
                int j = i;
                while (j < n && !PyValues.isSpace(s.charAt(j))) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            }
            return out;
        }
        if (sep.isEmpty()) {
            throw new JinjaException("Template line " + line + ": ValueError: empty separator");
        }
        int start = 0;
        while (maxsplit < 0 || out.size() < maxsplit) {
            int i = s.indexOf(sep, start);
            if (i < 0) {
                break;
            }
            out.add(s.substring(start, i));
            start = i + sep.length();
        }
        out.add(s.substring(start));
        return out;
    }

    private static List<Object> rsplit(String s, String sep, long maxsplit, int line) {
        if (maxsplit < 0 || sep == null) {
            if (sep == null && maxsplit >= 0) {
                List<Object> all = split(s, null, -1, line);
                if (all.size() <= maxsplit + 1) {
                    return all;
                }
                // rebuild: keep the last maxsplit words separate
                int keep = (int) maxsplit;
                String stripped = strip(s, null, false, true);
                int idx = stripped.length();
                List<Object> tail = new ArrayList<>();
                for (int k = 0; k < keep; k++) {
                    int end = idx;
                    while (end > 0 && PyValues.isSpace(stripped.charAt(end - 1))) {
                        end--;
                    }
                    int begin = end;
                    while (begin > 0 && !PyValues.isSpace(stripped.charAt(begin - 1))) {
                        begin--;
                    }
                    tail.add(0, stripped.substring(begin, end));
                    idx = begin;
                }
                List<Object> out = new ArrayList<>();
                out.add(strip(stripped.substring(0, idx), null, true, true));
                out.addAll(tail);
                return out;
            }
            return split(s, sep, -1, line);
        }
        List<Object> out = new ArrayList<>();
        int end = s.length();
        while (out.size() < maxsplit) {
            int i = s.lastIndexOf(sep, end - sep.length());
            if (i < 0 || end - sep.length() < 0) {
                break;
            }
            out.add(0, s.substring(i + sep.length(), end));
            end = i;
        }
        out.add(0, s.substring(0, end));
        return out;
    }

    private static String replace(String s, String old, String replacement, long count) {
        if (count < 0) {
            if (old.isEmpty()) {
                StringBuilder sb = new StringBuilder(replacement);
                for (int i = 0; i < s.length(); i++) {
                    sb.append(s.charAt(i)).append(replacement);
                }
                return sb.toString();
            }
            return s.replace(old, replacement);
        }
        StringBuilder sb = new StringBuilder();
        int start = 0;
        long done = 0;
        while (done < count) {
            int i = s.indexOf(old, start);
            if (i < 0 || old.isEmpty()) {
                break;
            }
            sb.append(s, start, i).append(replacement);
            start = i + old.length();
            done++;
        }
        return sb.append(s.substring(start)).toString();
    }

    private static String title(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean prevCased = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetter(c)) {
                sb.append(prevCased ? Character.toLowerCase(c) : Character.toTitleCase(c));
                prevCased = true;
            } else {
                sb.append(c);
                prevCased = false;
            }
        }
        return sb.toString();
    }

    private static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        return Character.toUpperCase(s.charAt(0)) + s.substring(1).toLowerCase(Locale.ROOT);
    }
}
