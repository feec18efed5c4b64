package ai.llamafactory.api.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The keys of one argument class (model, data, method, training, generation, export), in the order they are written.
 *
 * @param <A> the argument class
 * @param <B> its builder
 */
final class ArgumentGroup<A, B> {
    private final String section;
    private final Supplier<B> newBuilder;
    private final Function<B, A> build;
    private final Supplier<A> defaults;
    private final String required;
    private final Map<String, ConfigKey<A, B, ?>> keys = new LinkedHashMap<>();
    private A defaultValues;
    private List<Key<?>> declarations = List.of();

    /**
     * @param section the heading written above this group's keys, e.g. {@code model}
     * @param newBuilder makes a builder with defaults
     * @param build builds the arguments
     * @param defaults the default arguments (the reference for "non-default" when writing)
     * @param required a key always written, or null
     */
    ArgumentGroup(String section, Supplier<B> newBuilder, Function<B, A> build, Supplier<A> defaults, String required) {
        this.section = section;
        this.newBuilder = newBuilder;
        this.build = build;
        this.defaults = defaults;
        this.required = required;
    }

    /** Adds a key whose value may be null (absent). */
    <T> ArgumentGroup<A, B> optional(String name, ValueType<T> type, BiConsumer<B, T> setter, Function<A, T> getter) {
        return add(new ConfigKey<>(name, type, true, setter, getter));
    }

    /** Adds a key that must have a value. */
    <T> ArgumentGroup<A, B> required(String name, ValueType<T> type, BiConsumer<B, T> setter, Function<A, T> getter) {
        return add(new ConfigKey<>(name, type, false, setter, getter));
    }

    private ArgumentGroup<A, B> add(ConfigKey<A, B, ?> key) {
        if (keys.put(key.name(), key) != null) {
            throw new IllegalStateException("duplicate key " + key.name());
        }
        return this;
    }

    /** Records the {@link Key} declarations this group was built from. */
    ArgumentGroup<A, B> declaredBy(List<Key<?>> keys) {
        this.declarations = List.copyOf(keys);
        return this;
    }

    /** @return the {@link Key} declarations of this group, in file order */
    List<Key<?>> declarations() {
        return declarations;
    }

    String section() {
        return section;
    }

    B newBuilder() {
        return newBuilder.get();
    }

    A build(B builder) {
        return build.apply(builder);
    }

    Map<String, ConfigKey<A, B, ?>> keys() {
        return Collections.unmodifiableMap(keys);
    }

    private synchronized A defaults() {
        if (defaultValues == null) {
            defaultValues = defaults.get();
        }
        return defaultValues;
    }

    /** @return true for keys holding credentials ({@code hf_hub_token}), which are never written or printed */
    static boolean isSecret(String key) {
        return key.endsWith("_token");
    }

    /**
     * @param arguments the arguments to write
     * @return key to file value for every key that differs from the default (and the required key); credentials are
     *     left out
     */
    Map<String, Object> fileValues(A arguments) {
        Map<String, Object> values = new LinkedHashMap<>();
        A reference = defaults();
        for (ConfigKey<A, B, ?> key : keys.values()) {
            Object value = key.fileValue(arguments);
            if (value != null
                    && !isSecret(key.name())
                    && (key.name().equals(required) || !Objects.equals(value, key.fileValue(reference)))) {
                values.put(key.name(), value);
            }
        }
        return values;
    }

    /** @return e.g. {@code DataArguments{dataset=identity, cutoff_len=1024}}, listing non-default keys */
    String describe(A arguments) {
        List<String> parts = new ArrayList<>();
        fileValues(arguments).forEach((k, v) -> parts.add(k + "=" + v));
        for (ConfigKey<A, B, ?> key : keys.values()) {
            if (isSecret(key.name()) && key.fileValue(arguments) != null) {
                parts.add(key.name() + "=<hidden>");
            }
        }
        return arguments.getClass().getSimpleName() + "{" + String.join(", ", parts) + "}";
    }
}
