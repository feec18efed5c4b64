package ai.llamafactory.api.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The values of one argument class, keyed by its {@link Key} declarations: what the generated-by-hand fields,
 * constructor copies, {@code toBuilder} copies and equality lists used to spell out key by key. Immutable; a
 * {@link Settings.Builder} collects values and {@link Settings.Builder#build} checks every declared key.
 */
final class Settings {
    private final Key.Group group;
    private final Map<Key<?>, Object> raw;

    private Settings(Key.Group group, Map<Key<?>, Object> raw) {
        this.group = group;
        this.raw = raw;
    }

    /** @return the value as set, or the declared default (null for an unset derived default) */
    @SuppressWarnings("unchecked")
    <T> T raw(Key<T> key) {
        return raw.containsKey(key) ? (T) raw.get(key) : key.rawDefault();
    }

    /** @return the value as set, else the declared or derived default */
    <T> T get(Key<T> key) {
        T value = raw(key);
        if (value == null && key.derivedDefault() != null) {
            return key.derivedDefault().apply(this);
        }
        return value;
    }

    OptionalInt optionalInt(Key<Integer> key) {
        Integer value = get(key);
        return value == null ? OptionalInt.empty() : OptionalInt.of(value);
    }

    OptionalDouble optionalDouble(Key<Double> key) {
        Double value = get(key);
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    private List<Object> resolved() {
        List<Object> values = new ArrayList<>();
        group.keys().forEach(k -> values.add(get(k)));
        return values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Settings
                && ((Settings) o).group == group
                && resolved().equals(((Settings) o).resolved());
    }

    @Override
    public int hashCode() {
        return resolved().hashCode();
    }

    /** @return a builder holding these values */
    Builder toBuilder() {
        Builder b = new Builder(group);
        b.values.putAll(raw);
        return b;
    }

    /** Collects values for {@link Settings}. */
    static final class Builder {
        private final Key.Group group;
        private final Map<Key<?>, Object> values = new HashMap<>();

        Builder(Key.Group group) {
            this.group = group;
        }

        /** Sets a value, normalised by its key (lists and maps copied, null refused where not allowed). */
        <T> void set(Key<T> key, Object value) {
            values.put(key, key.normalize(value));
        }

        /** @return the checked values: each key's refusal and checks, in declaration order */
        @SuppressWarnings({"unchecked", "rawtypes"})
        Settings build() {
            Settings settings = new Settings(group, new HashMap<>(values));
            for (Key key : group.keys()) {
                key.validate(settings.get(key));
            }
            return settings;
        }
    }

    /**
     * Builds the file schema of an argument class from its key declarations.
     *
     * @param <A> the argument class
     * @param <B> its builder
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static <A, B> ArgumentGroup<A, B> schema(
            String section,
            Key.Group keys,
            Supplier<B> newBuilder,
            Function<B, A> build,
            Supplier<A> defaults,
            String required,
            Function<A, Settings> values,
            Function<B, Settings.Builder> builderValues) {
        ArgumentGroup<A, B> group = new ArgumentGroup<>(section, newBuilder, build, defaults, required);
        for (Key key : keys.keys()) {
            if (key.isNullable()) {
                group.optional(
                        key.name(), key.type(), (b, v) -> builderValues.apply(b).set(key, v), a -> values.apply(a)
                                .raw(key));
            } else {
                group.required(
                        key.name(), key.type(), (b, v) -> builderValues.apply(b).set(key, v), a -> values.apply(a)
                                .raw(key));
            }
        }
        return group.declaredBy(keys.keys());
    }
}
