package ai.llamafactory.api.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One setting of a LLaMA-Factory configuration, declared once: its file name ({@code lora_rank}), value type,
 * default, checks and one line of documentation. The argument classes declare their keys as constants (e.g.
 * {@link FinetuningArguments#LORA_RANK}); their builders, typed accessors, YAML reading and writing, unknown-key
 * suggestions, {@code toBuilder}, equality and the reference table {@code docs/configuration-keys.md} are all derived
 * from these declarations.
 *
 * <p>Immutable once its argument class is initialised; keys are compared by identity.
 *
 * @param <T> the Java type of the value
 */
public final class Key<T> {
    /** A check of one value, throwing {@link ai.llamafactory.api.exception.InvalidConfigException} naming the key. */
    @FunctionalInterface
    interface Rule<T> {
        void check(String key, T value);
    }

    private final String name;
    private final ValueType<T> type;
    private final T defaultValue;
    private final String doc;
    private final List<Rule<T>> rules = new ArrayList<>();
    private final List<String> ruleDocs = new ArrayList<>();
    private boolean nullable;
    private String unsupported;
    private Function<Settings, T> derivedDefault;
    private String defaultDoc;

    private Key(String name, ValueType<T> type, T defaultValue, String doc) {
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.doc = doc;
        this.nullable = defaultValue == null;
    }

    static <T> Key<T> of(String name, ValueType<T> type, T defaultValue, String doc) {
        return new Key<>(name, type, defaultValue, doc);
    }

    /** @return this key, accepting null (absent) from a file even though its default is not null */
    Key<T> nullable() {
        this.nullable = true;
        return this;
    }

    /** @return this key with one more check, described in the reference table by {@code what} */
    Key<T> check(String what, Rule<T> rule) {
        ruleDocs.add(what);
        rules.add(rule);
        return this;
    }

    /** @return this key, refused at any value but its default: LLaMA-Factory honours it, this library not yet */
    Key<T> unsupported(String reason) {
        this.unsupported = reason;
        return this;
    }

    /** @return this key, whose unset value is computed from the other values of its arguments */
    Key<T> defaultFrom(String what, Function<Settings, T> derived) {
        this.derivedDefault = derived;
        this.defaultDoc = what;
        return this;
    }

    /** @return the key as written in configuration files, e.g. {@code learning_rate} */
    public String name() {
        return name;
    }

    /** @return one line saying what the setting does */
    public String doc() {
        return doc;
    }

    /** @return the default, as written in a file (empty when the key is unset by default or derived) */
    public Optional<Object> defaultValue() {
        return Optional.ofNullable(defaultValue).map(type::encode);
    }

    /** @return what values are accepted, e.g. {@code a number, > 0} */
    public String accepts() {
        List<String> parts = new ArrayList<>();
        parts.add(type.description());
        parts.addAll(ruleDocs);
        return String.join("; ", parts);
    }

    /** @return why the key is refused at any value but its default, when it is */
    public Optional<String> unsupportedReason() {
        return Optional.ofNullable(unsupported);
    }

    /** @return the default as documented: the value, the derivation or {@code none} */
    String defaultText() {
        if (defaultDoc != null) {
            return defaultDoc;
        }
        Object encoded = defaultValue == null ? null : type.encode(defaultValue);
        if (encoded == null
                || (encoded instanceof Collection && ((Collection<?>) encoded).isEmpty())
                || (encoded instanceof Map && ((Map<?, ?>) encoded).isEmpty())) {
            return defaultValue == null ? "none" : "[]";
        }
        return String.valueOf(encoded);
    }

    ValueType<T> type() {
        return type;
    }

    boolean isNullable() {
        return nullable;
    }

    T rawDefault() {
        return defaultValue;
    }

    Function<Settings, T> derivedDefault() {
        return derivedDefault;
    }

    /** Copies and checks a value given to a builder: lists and maps become immutable, null only where allowed. */
    @SuppressWarnings("unchecked")
    T normalize(Object value) {
        if (type == ValueType.STRING_LIST) {
            return (T) Checks.names(name, (Collection<String>) value);
        }
        if (type == ValueType.DOUBLE_LIST) {
            return (T) Checks.numbers(name, (Collection<Double>) value);
        }
        if (type == ValueType.MAP) {
            return (T) Checks.freeze(name, (Map<String, ?>) value);
        }
        if (value == null && defaultValue != null && !nullable) {
            throw Checks.invalid(name, "must not be null");
        }
        return (T) value;
    }

    /** Applies the declared refusal and checks to a (resolved) value. */
    void validate(T value) {
        if (unsupported != null) {
            Object off = defaultValue == null ? null : type.encode(defaultValue);
            Checks.notSupportedYet(name, value == null ? null : type.encode(value), off, unsupported);
        }
        if (value != null) {
            for (Rule<T> rule : rules) {
                rule.check(name, value);
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }

    // ---- the checks, each rule written once ----

    static Rule<Integer> positiveInt() {
        return (k, v) -> Checks.positive(k, v.intValue());
    }

    static Rule<Integer> nonNegativeInt() {
        return (k, v) -> Checks.nonNegative(k, v.intValue());
    }

    static Rule<Double> positive() {
        return (k, v) -> Checks.positive(k, v.doubleValue());
    }

    static Rule<Double> nonNegative() {
        return (k, v) -> Checks.nonNegative(k, v.doubleValue());
    }

    static Rule<Double> finite() {
        return (k, v) -> Checks.finite(k, v.doubleValue());
    }

    static Rule<Double> closed(double low, double high) {
        return (k, v) -> Checks.closed(k, v, low, high);
    }

    static Rule<Double> halfOpen(double low, double high) {
        return (k, v) -> Checks.halfOpen(k, v, low, high);
    }

    static Rule<Integer> oneOf(int... allowed) {
        return (k, v) -> Checks.oneOf(k, v, allowed);
    }

    static <V> Rule<V> require(java.util.function.Predicate<V> test, Function<V, String> problem) {
        return (k, v) -> Checks.require(test.test(v), k, problem.apply(v));
    }

    static Rule<List<String>> notEmpty(String problem) {
        return (k, v) -> Checks.require(!v.isEmpty(), k, problem);
    }

    /** Keys of one argument class, in declaration (and file) order. */
    static final class Group {
        private final List<Key<?>> keys = new ArrayList<>();

        <T> Key<T> add(Key<T> key) {
            keys.add(Objects.requireNonNull(key));
            return key;
        }

        List<Key<?>> keys() {
            return keys;
        }
    }
}
