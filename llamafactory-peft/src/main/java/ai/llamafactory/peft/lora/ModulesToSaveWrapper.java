package ai.llamafactory.peft.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.llamafactory.core.nn.Embedding;
import ai.llamafactory.core.nn.Linear;
import ai.llamafactory.core.nn.Module;
import ai.llamafactory.core.nn.Param;
import ai.llamafactory.core.nn.WeightedModule;
import java.util.Collections;
import java.util.Set;

/**
 * A module trained fully next to the adapters ({@code additional_target}, PEFT's {@code modules_to_save}), laid out
 * as PEFT's {@code ModulesToSaveWrapper}: the frozen original is {@code original_module}, each adapter's trainable
 * copy is {@code modules_to_save.<adapter>}. The copy of the active adapter runs; with adapters disabled, or when
 * the active adapter has no copy, the original runs. Linear layers and embeddings can be wrapped.
 */
public final class ModulesToSaveWrapper extends Module implements WeightedModule {
    private final String path;
    private String active;
    private boolean disabled;

    /**
     * @param path the wrapped module's dotted path
     * @param original the module to wrap: a {@link Linear} or an {@link Embedding}
     */
    ModulesToSaveWrapper(String path, WeightedModule original) {
        this.path = path;
        addChild("original_module", (Module) original);
        addChild("modules_to_save", new AdapterDict());
    }

    /** @return the wrapped module's dotted path */
    public String path() {
        return path;
    }

    /** @return the frozen original module */
    public WeightedModule original() {
        return (WeightedModule) child("original_module");
    }

    private AdapterDict copies() {
        return (AdapterDict) child("modules_to_save");
    }

    /** @return the adapters that have a copy here */
    public Set<String> adapterNames() {
        return Collections.unmodifiableSet(copies().names());
    }

    /**
     * @param adapter an adapter name
     * @return that adapter's copy
     */
    public WeightedModule copy(String adapter) {
        return (WeightedModule) copies().get(adapter);
    }

    /**
     * Adds a copy of the original for an adapter; the copy's tensors are new arrays on the original's manager.
     *
     * @param adapter the adapter name
     * @return the copy
     */
    WeightedModule addCopy(String adapter) {
        Module copy = duplicate((Module) original());
        copies().put(adapter, copy);
        return (WeightedModule) copy;
    }

    private static Module duplicate(Module m) {
        if (m instanceof Linear l) {
            return new Linear(
                    l.weight().array().duplicate(),
                    l.bias() == null ? null : l.bias().array().duplicate());
        }
        if (m instanceof Embedding e) {
            return new Embedding(e.weight().array().duplicate());
        }
        throw new IllegalArgumentException("cannot copy a " + m.getClass().getSimpleName());
    }

    /**
     * Removes an adapter's copy and frees it.
     *
     * @param adapter the adapter name
     */
    void removeCopy(String adapter) {
        Module m = copies().remove(adapter);
        m.namedParams().values().forEach(p -> p.array().close());
        if (adapter.equals(active)) {
            active = null;
        }
    }

    /**
     * @param adapters the model's active adapters; the first that has a copy here becomes this module's active one
     */
    void setActive(java.util.List<String> adapters) {
        active = null;
        for (String a : adapters) {
            if (copies().has(a)) {
                active = a;
                return;
            }
        }
    }

    /** @param value true to run the original */
    void setDisabled(boolean value) {
        this.disabled = value;
    }

    private WeightedModule current() {
        return disabled || active == null ? original() : copy(active);
    }

    @Override
    public NDArray forward(NDArray x) {
        return current().forward(x);
    }

    /**
     * The weight of the running module. For a wrapped embedding this weight is only asked for as the tied output
     * projection, and there PEFT's default ({@code ensure_weight_tying: false}) applies: the trained copy replaces
     * the input embedding only, the output projection stays the original tied weight.
     *
     * @param scope receives a computed weight
     * @return the running linear layer's weight, or the original embedding table
     */
    @Override
    public NDArray effectiveWeight(NDManager scope) {
        if (original() instanceof Embedding) {
            return original().effectiveWeight(scope);
        }
        return current().effectiveWeight(scope);
    }

    @Override
    public Param baseWeight() {
        return original().baseWeight();
    }

    @Override
    public String toString() {
        return "ModulesToSaveWrapper(" + path + ", copies " + copies().names() + ", active " + active + ")";
    }
}
