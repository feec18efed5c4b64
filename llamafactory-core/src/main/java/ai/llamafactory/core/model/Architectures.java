package ai.llamafactory.core.model;

import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.api.spi.Plugins;
import java.util.Map;
import java.util.TreeMap;

/** The registry from config.json {@code model_type} to {@link Architecture}, filled through {@link java.util.ServiceLoader} by {@link Plugins#all}. */
public final class Architectures {
    private static volatile Map<String, Architecture> registry;

    private Architectures() {}

    /**
     * @param modelType config.json's model_type
     * @return the architecture
     * @throws InvalidConfigException listing the supported types when none handles it
     */
    public static Architecture forModelType(String modelType) {
        Architecture a = all().get(modelType);
        if (a == null) {
            throw new InvalidConfigException(
                    "model_type '" + modelType + "' is not supported; supported: " + String.join(", ", all().keySet()));
        }
        return a;
    }

    /** @return every registered architecture by model_type, sorted */
    public static Map<String, Architecture> all() {
        Map<String, Architecture> r = registry;
        if (r == null) {
            synchronized (Architectures.class) {
                r = registry;
                if (r == null) {
                    Map<String, Architecture> m = new TreeMap<>();
                    for (Architecture a : Plugins.all(Architecture.class, Architectures.class.getClassLoader())) {
                        for (String type : a.modelTypes()) {
                            m.putIfAbsent(type, a);
                        }
                    }
                    r = java.util.Collections.unmodifiableMap(m);
                    registry = r;
                }
            }
        }
        return r;
    }
}
