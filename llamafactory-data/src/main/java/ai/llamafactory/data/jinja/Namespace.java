package ai.llamafactory.data.jinja;

import java.util.LinkedHashMap;
import java.util.Map;

/** The object made by {@code namespace(...)}: attributes that {@code {% set ns.x = ... %}} can change from any scope. */
final class Namespace {
    final Map<String, Object> attributes = new LinkedHashMap<>();

    @Override
    public String toString() {
        return "<Namespace " + attributes + ">";
    }
}
