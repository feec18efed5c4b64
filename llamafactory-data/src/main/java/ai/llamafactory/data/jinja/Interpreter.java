package ai.llamafactory.data.jinja;

import ai.llamafactory.data.jinja.Node.Expr;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Evaluates a parsed template against a set of variables. One instance per render call. */
final class Interpreter {

    /** Something a template can call: a global function, a bound method, a macro. */
    interface PyCallable {
        Object call(List<Object> args, Map<String, Object> kwargs, int line);
    }

    /** A method of a value, resolved when called: {@code "abc".upper}, {@code dict.items}, {@code loop.cycle}. */
    record BoundMethod(Object self, String name) {}

    /** Variables of one scope. */
    static final class Frame {
        final Map<String, Object> vars = new HashMap<>();
        final Frame parent;

        Frame(Frame parent) {
            this.parent = parent;
        }
    }

    /** The {@code loop} variable of a for loop. */
    static final class LoopState {
        final List<Object> items;
        int index0;

        LoopState(List<Object> items) {
            this.items = items;
        }

        Object attribute(String name) {
            int n = items.size();
            return switch (name) {
                case "index0" -> (long) index0;
                case "index" -> (long) index0 + 1;
                case "revindex" -> (long) (n - index0);
                case "revindex0" -> (long) (n - index0 - 1);
                case "first" -> index0 == 0;
                case "last" -> index0 == n - 1;
                case "length" -> (long) n;
                case "depth" -> 1L;
                case "depth0" -> 0L;
                case "previtem" -> index0 > 0 ? items.get(index0 - 1) : new Undefined("loop.previtem");
                case "nextitem" -> index0 + 1 < n ? items.get(index0 + 1) : new Undefined("loop.nextitem");
                case "cycle" -> new BoundMethod(this, "cycle");
                default -> new Undefined("loop." + name);
            };
        }
    }

    private static final class BreakSignal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BreakSignal() {
            super(null, null, false, false);
        }
    }

    private static final class ContinueSignal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ContinueSignal() {
            super(null, null, false, false);
        }
    }

    private static final BreakSignal BREAK = new BreakSignal();
    private static final ContinueSignal CONTINUE = new ContinueSignal();

    private final Map<String, Object> globals;

    Interpreter(Map<String, Object> globals) {
        this.globals = globals;
    }

    String render(List<Node> body) {
        StringBuilder out = new StringBuilder();
        Frame root = new Frame(null);
        execAll(body, root, out);
        return out.toString();
    }

    // ---------------------------------------------------------------- statements

    private void execAll(List<Node> nodes, Frame frame, StringBuilder out) {
        for (Node n : nodes) {
            exec(n, frame, out);
        }
    }

    private void exec(Node node, Frame frame, StringBuilder out) {
        if (node instanceof Node.Text t) {
            out.append(t.text());
        } else if (node instanceof Node.Print p) {
            out.append(PyValues.str(eval(p.expr(), frame)));
        } else if (node instanceof Node.If i) {
            for (Node.Branch b : i.branches()) {
                if (PyValues.isTrue(eval(b.condition(), frame))) {
                    execAll(b.body(), frame, out);
                    return;
                }
            }
            execAll(i.otherwise(), frame, out);
        } else if (node instanceof Node.For f) {
            execFor(f, frame, out);
        } else if (node instanceof Node.Set s) {
            Object value = eval(s.value(), frame);
            assign(s.targets(), value, frame, s.line());
        } else if (node instanceof Node.SetAttribute s) {
            Object target = eval(s.object(), frame);
            if (!(target instanceof Namespace ns)) {
                throw new JinjaException("Template line " + s.line() + ": cannot assign attribute '" + s.attribute()
                        + "' on " + PyValues.typeName(target) + " (only namespace objects)");
            }
            ns.attributes.put(s.attribute(), eval(s.value(), frame));
        } else if (node instanceof Node.SetBlock s) {
            StringBuilder body = new StringBuilder();
            execAll(s.body(), frame, body);
            Object value = body.toString();
            for (Expr.Filter f : s.filters()) {
                value = applyFilter(f, value, frame);
            }
            frame.vars.put(s.target(), value);
        } else if (node instanceof Node.Macro m) {
            frame.vars.put(m.name(), macroValue(m, frame));
        } else if (node instanceof Node.FilterBlock fb) {
            StringBuilder body = new StringBuilder();
            execAll(fb.body(), frame, body);
            Object value = body.toString();
            for (Expr.Filter f : fb.filters()) {
                value = applyFilter(f, value, frame);
            }
            out.append(PyValues.str(value));
        } else if (node instanceof Node.Break) {
            throw BREAK;
        } else if (node instanceof Node.Continue) {
            throw CONTINUE;
        } else if (node instanceof Node.Generation g) {
            execAll(g.body(), frame, out);
        } else {
            throw new JinjaException("Template line " + node.line() + ": cannot execute " + node);
        }
    }

    private void execFor(Node.For f, Frame frame, StringBuilder out) {
        Object iterable = eval(f.iterable(), frame);
        List<Object> items = iterate(iterable, f.line());
        if (f.filter() != null) {
            List<Object> kept = new ArrayList<>();
            for (Object item : items) {
                Frame probe = new Frame(frame);
                assign(f.targets(), item, probe, f.line());
                if (PyValues.isTrue(eval(f.filter(), probe))) {
                    kept.add(item);
                }
            }
            items = kept;
        }
        if (items.isEmpty()) {
            execAll(f.otherwise(), frame, out);
            return;
        }
        LoopState loop = new LoopState(items);
        for (int i = 0; i < items.size(); i++) {
            loop.index0 = i;
            Frame iteration = new Frame(frame);
            iteration.vars.put("loop", loop);
            assign(f.targets(), items.get(i), iteration, f.line());
            try {
                execAll(f.body(), iteration, out);
            } catch (ContinueSignal c) {
                // next item
            } catch (BreakSignal b) {
                break;
            }
        }
    }

    private void assign(List<String> targets, Object value, Frame frame, int line) {
        if (targets.size() == 1) {
            frame.vars.put(targets.get(0), value);
            return;
        }
        List<Object> parts = iterate(value, line);
        if (parts.size() != targets.size()) {
            throw new JinjaException("Template line " + line + ": cannot unpack " + parts.size() + " values into "
                    + targets.size() + " names " + targets);
        }
        for (int i = 0; i < targets.size(); i++) {
            frame.vars.put(targets.get(i), parts.get(i));
        }
    }

    /** The items a {@code for} loop visits: list items, dict keys, string characters. */
    static List<Object> iterate(Object value, int line) {
        if (value instanceof Undefined) {
            return List.of();
        }
        if (value instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        if (value instanceof Map<?, ?> m) {
            return new ArrayList<>(m.keySet());
        }
        if (value instanceof String s) {
            List<Object> chars = new ArrayList<>(s.length());
            s.codePoints().forEach(cp -> chars.add(new String(Character.toChars(cp))));
            return chars;
        }
        if (value instanceof Collection<?> c) {
            return new ArrayList<>(c);
        }
        throw new JinjaException("Template line " + line + ": " + PyValues.typeName(value) + " is not iterable");
    }

    private PyCallable macroValue(Node.Macro m, Frame closure) {
        return (args, kwargs, line) -> {
            Frame frame = new Frame(closure);
            List<Node.Parameter> params = m.parameters();
            if (args.size() > params.size()) {
                throw new JinjaException("Template line " + line + ": macro '" + m.name() + "' takes " + params.size()
                        + " arguments, got " + args.size());
            }
            for (int i = 0; i < params.size(); i++) {
                Node.Parameter p = params.get(i);
                Object value;
                if (i < args.size()) {
                    value = args.get(i);
                } else if (kwargs.containsKey(p.name())) {
                    value = kwargs.get(p.name());
                } else if (p.defaultValue() != null) {
                    value = eval(p.defaultValue(), frame);
                } else {
                    value = new Undefined(p.name());
                }
                frame.vars.put(p.name(), value);
            }
            StringBuilder out = new StringBuilder();
            execAll(m.body(), frame, out);
            return out.toString();
        };
    }

    // ---------------------------------------------------------------- expressions

    Object eval(Expr e, Frame frame) {
        if (e instanceof Expr.Const c) {
            return c.value();
        }
        if (e instanceof Expr.Name n) {
            return lookup(n.name(), frame);
        }
        if (e instanceof Expr.Attribute a) {
            return getAttribute(eval(a.object(), frame), a.name(), a.line());
        }
        if (e instanceof Expr.Item it) {
            return getItem(eval(it.object(), frame), eval(it.key(), frame), it.line());
        }
        if (e instanceof Expr.Slice s) {
            return slice(
                    eval(s.object(), frame),
                    s.start() == null ? null : eval(s.start(), frame),
                    s.stop() == null ? null : eval(s.stop(), frame),
                    s.step() == null ? null : eval(s.step(), frame),
                    s.line());
        }
        if (e instanceof Expr.Call c) {
            Object callee = eval(c.callee(), frame);
            List<Object> args = new ArrayList<>(c.args().size());
            for (Expr a : c.args()) {
                args.add(eval(a, frame));
            }
            Map<String, Object> kwargs = new LinkedHashMap<>();
            for (Expr.Keyword k : c.keywords()) {
                kwargs.put(k.name(), eval(k.value(), frame));
            }
            return call(callee, args, kwargs, c.line());
        }
        if (e instanceof Expr.Filter f) {
            return applyFilter(f, eval(f.value(), frame), frame);
        }
        if (e instanceof Expr.Test t) {
            Object value = eval(t.value(), frame);
            List<Object> args = new ArrayList<>();
            for (Expr a : t.args()) {
                args.add(eval(a, frame));
            }
            boolean result = Builtins.test(t.name(), value, args, t.line());
            return t.negated() != result;
        }
        if (e instanceof Expr.Logical l) {
            Object left = eval(l.left(), frame);
            if (l.operator().equals("and")) {
                return PyValues.isTrue(left) ? eval(l.right(), frame) : left;
            }
            return PyValues.isTrue(left) ? left : eval(l.right(), frame);
        }
        if (e instanceof Expr.Unary u) {
            Object v = eval(u.operand(), frame);
            return switch (u.operator()) {
                case "not" -> !PyValues.isTrue(v);
                case "-" -> Builtins.negate(v, u.line());
                default -> {
                    Builtins.requireNumber(v, "unary +", u.line());
                    yield v;
                }
            };
        }
        if (e instanceof Expr.Binary b) {
            return Builtins.binary(b.operator(), eval(b.left(), frame), eval(b.right(), frame), b.line());
        }
        if (e instanceof Expr.Compare c) {
            Object left = eval(c.first(), frame);
            for (int i = 0; i < c.operators().size(); i++) {
                Object right = eval(c.operands().get(i), frame);
                if (!Builtins.compare(c.operators().get(i), left, right, c.line())) {
                    return false;
                }
                left = right;
            }
            return true;
        }
        if (e instanceof Expr.Conditional c) {
            if (PyValues.isTrue(eval(c.condition(), frame))) {
                return eval(c.then(), frame);
            }
            return c.otherwise() == null ? new Undefined("conditional expression") : eval(c.otherwise(), frame);
        }
        if (e instanceof Expr.ListLiteral l) {
            List<Object> out = new ArrayList<>(l.items().size());
            for (Expr x : l.items()) {
                out.add(eval(x, frame));
            }
            return out;
        }
        if (e instanceof Expr.TupleLiteral t) {
            List<Object> out = new ArrayList<>(t.items().size());
            for (Expr x : t.items()) {
                out.add(eval(x, frame));
            }
            return new PyTuple(out);
        }
        if (e instanceof Expr.DictLiteral d) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (int i = 0; i < d.keys().size(); i++) {
                out.put(eval(d.keys().get(i), frame), eval(d.values().get(i), frame));
            }
            return out;
        }
        throw new JinjaException("Template line " + e.line() + ": cannot evaluate " + e);
    }

    private Object lookup(String name, Frame frame) {
        for (Frame f = frame; f != null; f = f.parent) {
            if (f.vars.containsKey(name)) {
                return f.vars.get(name);
            }
        }
        if (globals.containsKey(name)) {
            return globals.get(name);
        }
        return new Undefined(name);
    }

    Object applyFilter(Expr.Filter f, Object value, Frame frame) {
        List<Object> args = new ArrayList<>(f.args().size());
        for (Expr a : f.args()) {
            args.add(eval(a, frame));
        }
        Map<String, Object> kwargs = new LinkedHashMap<>();
        for (Expr.Keyword k : f.keywords()) {
            kwargs.put(k.name(), eval(k.value(), frame));
        }
        return Builtins.filter(this, f.name(), value, args, kwargs, f.line());
    }

    Object call(Object callee, List<Object> args, Map<String, Object> kwargs, int line) {
        if (callee instanceof PyCallable c) {
            return c.call(args, kwargs, line);
        }
        if (callee instanceof BoundMethod m) {
            return Builtins.callMethod(m.self(), m.name(), args, kwargs, line);
        }
        if (callee instanceof Undefined u) {
            throw new JinjaException("Template line " + line + ": '" + u.name() + "' is undefined");
        }
        throw new JinjaException("Template line " + line + ": " + PyValues.typeName(callee) + " is not callable");
    }

    /** Jinja's {@code getattr}: attributes (methods) first, then items. */
    static Object getAttribute(Object obj, String name, int line) {
        if (obj instanceof Undefined u) {
            throw new JinjaException(
                    "Template line " + line + ": '" + u.name() + "' is undefined (reading ." + name + ")");
        }
        if (obj instanceof LoopState loop) {
            return loop.attribute(name);
        }
        if (obj instanceof Namespace ns) {
            return ns.attributes.containsKey(name) ? ns.attributes.get(name) : new Undefined(name);
        }
        if (Builtins.hasMethod(obj, name)) {
            return new BoundMethod(obj, name);
        }
        if (obj instanceof Map<?, ?> m) {
            return m.containsKey(name) ? m.get(name) : new Undefined(name);
        }
        return new Undefined(name);
    }

    /** Jinja's {@code getitem}: items first, then attributes; out-of-range is undefined. */
    static Object getItem(Object obj, Object key, int line) {
        if (obj instanceof Undefined u) {
            throw new JinjaException("Template line " + line + ": '" + u.name() + "' is undefined (reading ["
                    + PyValues.repr(key) + "])");
        }
        if (obj instanceof Map<?, ?> m) {
            if (m.containsKey(key)) {
                return m.get(key);
            }
            if (key instanceof Long || key instanceof Boolean) {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (PyValues.eq(e.getKey(), key)) {
                        return e.getValue();
                    }
                }
            }
        } else if ((obj instanceof List || obj instanceof String) && (key instanceof Long || key instanceof Boolean)) {
            int size = obj instanceof List<?> l ? l.size() : ((String) obj).length();
            long i = PyValues.toLong(key);
            if (i < 0) {
                i += size;
            }
            if (i >= 0 && i < size) {
                return obj instanceof List<?> l ? l.get((int) i) : String.valueOf(((String) obj).charAt((int) i));
            }
            return new Undefined("index " + key);
        }
        if (key instanceof String s) {
            return getAttribute(obj, s, line);
        }
        return new Undefined(String.valueOf(key));
    }

    static Object slice(Object obj, Object start, Object stop, Object step, int line) {
        if (!(obj instanceof List) && !(obj instanceof String)) {
            if (obj instanceof Undefined u) {
                throw new JinjaException("Template line " + line + ": '" + u.name() + "' is undefined (slicing)");
            }
            throw new JinjaException("Template line " + line + ": cannot slice " + PyValues.typeName(obj));
        }
        int size = obj instanceof List<?> l ? l.size() : ((String) obj).length();
        long st = step == null ? 1 : sliceIndex(step, line);
        if (st == 0) {
            throw new JinjaException("Template line " + line + ": slice step cannot be zero");
        }
        long lo;
        long hi;
        if (st > 0) {
            lo = start == null ? 0 : clampSlice(sliceIndex(start, line), size, 0, size);
            hi = stop == null ? size : clampSlice(sliceIndex(stop, line), size, 0, size);
        } else {
            lo = start == null ? size - 1 : clampSlice(sliceIndex(start, line), size, -1, size - 1);
            hi = stop == null ? -1 : clampSlice(sliceIndex(stop, line), size, -1, size - 1);
        }
        List<Integer> indices = new ArrayList<>();
        if (st > 0) {
            for (long i = lo; i < hi; i += st) {
                indices.add((int) i);
            }
        } else {
            for (long i = lo; i > hi; i += st) {
                indices.add((int) i);
            }
        }
        if (obj instanceof List<?> l) {
            List<Object> out = new ArrayList<>(indices.size());
            for (int i : indices) {
                out.add(l.get(i));
            }
            return obj instanceof PyTuple ? new PyTuple(out) : out;
        }
        String s = (String) obj;
        StringBuilder sb = new StringBuilder(indices.size());
        for (int i : indices) {
            sb.append(s.charAt(i));
        }
        return sb.toString();
    }

    private static long sliceIndex(Object v, int line) {
        if (v == null) {
            throw new JinjaException("Template line " + line + ": slice index must not be None here");
        }
        if (!(v instanceof Long) && !(v instanceof Boolean)) {
            throw new JinjaException(
                    "Template line " + line + ": slice indices must be integers, got " + PyValues.typeName(v));
        }
        return PyValues.toLong(v);
    }

    private static long clampSlice(long index, int size, long min, long max) {
        long i = index < 0 ? index + size : index;
        return Math.max(min, Math.min(max, i));
    }
}
