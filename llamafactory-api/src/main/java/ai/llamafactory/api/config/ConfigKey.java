package ai.llamafactory.api.config;

import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One snake_case key of a LLaMA-Factory configuration file, bound to the builder method that sets it and the field
 * that holds it.
 *
 * @param <A> the argument class
 * @param <B> its builder
 * @param <T> the Java type of the value
 */
final class ConfigKey<A, B, T> {
    private final String name;
    private final ValueType<T> type;
    private final boolean nullable;
    private final BiConsumer<B, T> setter;
    private final Function<A, T> getter;

    ConfigKey(String name, ValueType<T> type, boolean nullable, BiConsumer<B, T> setter, Function<A, T> getter) {
        this.name = name;
        this.type = type;
        this.nullable = nullable;
        this.setter = setter;
        this.getter = getter;
    }

    String name() {
        return name;
    }

    /** @return true for string-like keys (names, paths, lists of names), which keep an override's text as written */
    boolean takesText() {
        return type == ValueType.STRING || type == ValueType.PATH || type == ValueType.STRING_LIST;
    }

    String description() {
        return type.description();
    }

    /**
     * Converts a raw value and passes it to the builder.
     *
     * @throws ai.llamafactory.api.exception.InvalidConfigException naming this key, what it expects and the value
     */
    void apply(B builder, Object raw) {
        T value;
        if (raw == null) {
            if (!nullable) {
                throw Checks.invalid(name, "expected " + type.description() + ", got null");
            }
            value = null;
        } else {
            try {
                value = type.decode(raw);
            } catch (IllegalArgumentException e) {
                throw Checks.invalid(name, e.getMessage());
            }
        }
        setter.accept(builder, value);
    }

    /** @return the value of this key in a file: a string, number, boolean or map; null when unset */
    Object fileValue(A arguments) {
        T value = getter.apply(arguments);
        return value == null ? null : type.encode(value);
    }
}
