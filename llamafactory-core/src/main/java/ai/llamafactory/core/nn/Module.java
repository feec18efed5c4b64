package ai.llamafactory.core.nn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A node of a model's module tree. Its parameters and children are named so that the dotted path of every parameter
 * equals its Hugging Face checkpoint name ({@code model.layers.0.self_attn.q_proj.weight}).
 *
 * <p>Children are looked up by name at forward time, so a child can be replaced (for example a {@link Linear} by a
 * LoRA-wrapped linear) without the parent knowing.
 */
public abstract class Module {
    private final Map<String, Param> params = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training;

    /**
     * Registers a parameter.
     *
     * @param param the parameter; its local name must be unique in this module
     * @return the parameter
     */
    protected final Param addParam(Param param) {
        if (params.putIfAbsent(param.name(), param) != null || children.containsKey(param.name())) {
            throw new IllegalArgumentException(
                    "duplicate name '" + param.name() + "' in " + getClass().getSimpleName());
        }
        return param;
    }

    /**
     * Registers a child module.
     *
     * @param name the child's local name, e.g. {@code q_proj} or a layer index
     * @param child the module
     * @param <M> the child's type
     * @return the child
     */
    protected final <M extends Module> M addChild(String name, M child) {
        Objects.requireNonNull(child, "child");
        if (children.putIfAbsent(name, child) != null || params.containsKey(name)) {
            throw new IllegalArgumentException(
                    "duplicate name '" + name + "' in " + getClass().getSimpleName());
        }
        return child;
    }

    /**
     * Removes a child (an adapter container dropping one adapter, for example).
     *
     * @param name the child's local name
     * @return the removed module
     * @throws IllegalArgumentException if there is no such child
     */
    protected final Module removeChild(String name) {
        Module m = child(name);
        children.remove(name);
        return m;
    }

    /**
     * @param name a child's local name
     * @return the child
     * @throws IllegalArgumentException if there is no such child
     */
    public final Module child(String name) {
        Module m = children.get(name);
        if (m == null) {
            throw new IllegalArgumentException(
                    getClass().getSimpleName() + " has no child '" + name + "'; children: " + children.keySet());
        }
        return m;
    }

    /**
     * @param name a parameter's local name
     * @return the parameter
     * @throws IllegalArgumentException if there is no such parameter
     */
    public final Param param(String name) {
        Param p = params.get(name);
        if (p == null) {
            throw new IllegalArgumentException(
                    getClass().getSimpleName() + " has no parameter '" + name + "'; parameters: " + params.keySet());
        }
        return p;
    }

    /**
     * Replaces a child, e.g. to wrap a linear layer with an adapter.
     *
     * @param name the child's local name
     * @param replacement the new module; must be usable where the old one was (same interfaces)
     * @return the module that was replaced
     */
    public final Module replaceChild(String name, Module replacement) {
        Module old = child(name);
        for (Class<?> iface : old.getClass().getInterfaces()) {
            if (!iface.isInstance(replacement)) {
                throw new IllegalArgumentException("cannot replace '" + name + "': replacement "
                        + replacement.getClass().getSimpleName() + " does not implement " + iface.getSimpleName());
            }
        }
        children.put(name, replacement);
        return old;
    }

    /** @return this module's own parameters, by local name, in registration order */
    public final Map<String, Param> localParams() {
        return Collections.unmodifiableMap(params);
    }

    /** @return this module's children, by local name, in registration order */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** @return every parameter of this subtree keyed by its dotted path, in registration order */
    public final Map<String, Param> namedParams() {
        Map<String, Param> out = new LinkedHashMap<>();
        collectParams("", out);
        return out;
    }

    /** @return every module of this subtree (this one under the empty name) keyed by its dotted path */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectParams(String prefix, Map<String, Param> out) {
        for (Param p : params.values()) {
            out.put(prefix + p.name(), p);
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collectParams(prefix + e.getKey() + ".", out);
        }
    }

    private void collectModules(String prefix, Map<String, Module> out) {
        out.put(prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1), this);
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collectModules(prefix + e.getKey() + ".", out);
        }
    }

    /** @return true in training mode (dropout active), false in evaluation mode */
    public final boolean isTraining() {
        return training;
    }

    /**
     * Switches this subtree between training and evaluation mode.
     *
     * @param value true for training mode
     */
    public final void setTraining(boolean value) {
        training = value;
        for (Module m : children.values()) {
            m.setTraining(value);
        }
    }
}
