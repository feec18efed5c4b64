package ai.llamafactory.peft.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.engine.EngineArrays;
import ai.llamafactory.core.kernel.Kernels;
import ai.llamafactory.core.nn.Linear;
import ai.llamafactory.core.nn.Module;
import ai.llamafactory.core.nn.Param;
import ai.llamafactory.core.nn.WeightedModule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A linear layer with LoRA adapters, laid out as PEFT's {@code lora.Linear}: the original layer is the child
 * {@code base_layer}, the adapters are {@code lora_A.<name>} ([r, in], no bias) and {@code lora_B.<name>} ([out, r],
 * no bias), DoRA magnitudes are {@code lora_magnitude_vector.<name>.weight} ([out]). Parameter paths are therefore
 * PEFT's in-memory names without the {@code base_model.model.} prefix.
 *
 * <p>Forward, for every active adapter that is not merged (PEFT's {@code Linear.forward}):
 * {@code y = base(x) + B(A(dropout(x))) * scaling}; with DoRA,
 * {@code y = base(x) + (m/||W + s B A|| - 1) * (x W^T) + (m/||W + s B A||) * B(A(dropout(x))) * s}, the norm detached.
 * The adapter tensors may have another dtype than the base (fp32 adapters on an fp16 base): the input is cast to the
 * adapter dtype, the sum is taken in the wider dtype and cast back to the base output's dtype, all differentiably.
 *
 * <p>Which adapters are active and whether adapters are disabled is decided by the owning {@link LoraModel}.
 */
public final class LoraLinear extends Module implements WeightedModule {
    /**
     * One adapter's settings on this layer.
     *
     * @param rank r
     * @param alpha lora_alpha
     * @param scaling the factor applied to {@code B A x}
     * @param dropout drop probability of the adapter input while training
     * @param dora whether the adapter is a DoRA adapter (has a magnitude vector)
     */
    public record AdapterSettings(int rank, double alpha, double scaling, double dropout, boolean dora) {}

    private final String path;
    private final DropoutSeeds seeds;
    private final Map<String, AdapterSettings> settings = new LinkedHashMap<>();
    private final Set<String> merged = new LinkedHashSet<>();
    private final Map<String, NDArray> doraMergeFactors = new LinkedHashMap<>();
    private List<String> active = List.of();
    private boolean disabled;

    /**
     * Wraps a linear layer; it becomes the child {@code base_layer}.
     *
     * @param path the wrapped module's dotted path (names dropout seeds and error messages)
     * @param base the layer to adapt
     * @param seeds where dropout masks come from
     */
    public LoraLinear(String path, Linear base, DropoutSeeds seeds) {
        this.path = Objects.requireNonNull(path, "path");
        this.seeds = Objects.requireNonNull(seeds, "seeds");
        addChild("base_layer", base);
        addChild("lora_A", new AdapterDict());
        addChild("lora_B", new AdapterDict());
        addChild("lora_magnitude_vector", new AdapterDict());
    }

    /** @return the wrapped module's dotted path */
    public String path() {
        return path;
    }

    /** @return the original layer */
    public Linear baseLayer() {
        return (Linear) child("base_layer");
    }

    private AdapterDict dict(String name) {
        return (AdapterDict) child(name);
    }

    /** @return the adapters on this layer, in the order they were added */
    public Set<String> adapterNames() {
        return Collections.unmodifiableSet(settings.keySet());
    }

    /**
     * @param adapter an adapter name
     * @return its settings on this layer
     * @throws IllegalArgumentException if the layer has no such adapter
     */
    public AdapterSettings settings(String adapter) {
        AdapterSettings s = settings.get(adapter);
        if (s == null) {
            throw new IllegalArgumentException(
                    path + " has no adapter '" + adapter + "'; adapters: " + settings.keySet());
        }
        return s;
    }

    /**
     * @param adapter an adapter name
     * @return its A matrix parameter [r, in]
     */
    public Param loraA(String adapter) {
        settings(adapter);
        return ((Linear) dict("lora_A").get(adapter)).weight();
    }

    /**
     * @param adapter an adapter name
     * @return its B matrix parameter [out, r]
     */
    public Param loraB(String adapter) {
        settings(adapter);
        return ((Linear) dict("lora_B").get(adapter)).weight();
    }

    /**
     * @param adapter an adapter name
     * @return its DoRA magnitude parameter [out], or null when the adapter is plain LoRA
     */
    public Param magnitude(String adapter) {
        return settings(adapter).dora()
                ? ((MagnitudeVector) dict("lora_magnitude_vector").get(adapter)).weight()
                : null;
    }

    /**
     * Adds an adapter. The layer takes ownership of the tensors.
     *
     * @param adapter the adapter name, unique on this layer
     * @param a lora_A [r, in]
     * @param b lora_B [out, r]
     * @param magnitude DoRA magnitude [out], or null for plain LoRA
     * @param s the settings (their {@code dora} flag must agree with {@code magnitude})
     * @throws IllegalArgumentException if the name is taken or a shape does not fit
     */
    void addAdapter(String adapter, NDArray a, NDArray b, NDArray magnitude, AdapterSettings s) {
        if (settings.containsKey(adapter)) {
            throw new IllegalArgumentException(path + " already has an adapter named '" + adapter + "'");
        }
        if (s.dora() != (magnitude != null)) {
            throw new IllegalArgumentException(path + ": DoRA flag and magnitude vector disagree");
        }
        Linear base = baseLayer();
        long in = base.inFeatures();
        long out = base.outFeatures();
        requireShape(a.getShape().getShape(), new long[] {s.rank(), in}, "lora_A");
        requireShape(b.getShape().getShape(), new long[] {out, s.rank()}, "lora_B");
        if (magnitude != null) {
            requireShape(magnitude.getShape().getShape(), new long[] {out}, "lora_magnitude_vector");
        }
        dict("lora_A").put(adapter, new Linear(a, null));
        dict("lora_B").put(adapter, new Linear(b, null));
        if (magnitude != null) {
            dict("lora_magnitude_vector").put(adapter, new MagnitudeVector(magnitude));
        }
        settings.put(adapter, s);
    }

    private void requireShape(long[] got, long[] want, String what) {
        if (!java.util.Arrays.equals(got, want)) {
            throw new IllegalArgumentException(path + "." + what + ": shape " + java.util.Arrays.toString(got)
                    + " does not fit the layer (in " + baseLayer().inFeatures() + ", out "
                    + baseLayer().outFeatures()
                    + "), expected " + java.util.Arrays.toString(want));
        }
    }

    /**
     * Removes an adapter (unmerging it first if it was merged) and frees its tensors.
     *
     * @param adapter the adapter name
     */
    void removeAdapter(String adapter) {
        settings(adapter);
        if (merged.contains(adapter)) {
            unmerge(adapter);
        }
        closeParams(dict("lora_A").remove(adapter));
        closeParams(dict("lora_B").remove(adapter));
        if (dict("lora_magnitude_vector").has(adapter)) {
            closeParams(dict("lora_magnitude_vector").remove(adapter));
        }
        settings.remove(adapter);
        List<String> a = new ArrayList<>(active);
        a.remove(adapter);
        active = List.copyOf(a);
    }

    /**
     * Drops an adapter without unmerging it (after a merge that is to stay) and frees its tensors.
     *
     * @param adapter the adapter name
     */
    void discardAdapter(String adapter) {
        settings(adapter);
        closeParams(dict("lora_A").remove(adapter));
        closeParams(dict("lora_B").remove(adapter));
        if (dict("lora_magnitude_vector").has(adapter)) {
            closeParams(dict("lora_magnitude_vector").remove(adapter));
        }
        NDArray factor = doraMergeFactors.remove(adapter);
        if (factor != null) {
            factor.close();
        }
        settings.remove(adapter);
        merged.remove(adapter);
        List<String> a = new ArrayList<>(active);
        a.remove(adapter);
        active = List.copyOf(a);
    }

    private static void closeParams(Module m) {
        m.namedParams().values().forEach(p -> p.array().close());
    }

    /**
     * Sets the adapters this layer applies (names it does not have are ignored, as a model-wide adapter list may
     * target other layers).
     *
     * @param adapters adapter names, in application order
     */
    void setActive(List<String> adapters) {
        List<String> a = new ArrayList<>();
        for (String n : adapters) {
            if (settings.containsKey(n)) {
                a.add(n);
            }
        }
        active = List.copyOf(a);
    }

    /** @return the adapters this layer applies, in order */
    public List<String> activeAdapters() {
        return active;
    }

    /**
     * @param value true to run only the base layer (merged adapters are unmerged first, as PEFT does)
     */
    void setDisabled(boolean value) {
        if (value && !merged.isEmpty()) {
            for (String m : new ArrayList<>(merged)) {
                unmerge(m);
            }
        }
        disabled = value;
    }

    /** @return the adapters currently merged into the base weight */
    public Set<String> mergedAdapters() {
        return Collections.unmodifiableSet(merged);
    }

    @Override
    public NDArray forward(NDArray x) {
        Linear base = baseLayer();
        NDArray result = base.forward(x);
        if (disabled || active.isEmpty()) {
            return result;
        }
        DataType resultType = result.getDataType();
        for (String name : active) {
            if (merged.contains(name)) {
                continue;
            }
            AdapterSettings s = settings.get(name);
            NDArray a = loraA(name).array();
            NDArray b = loraB(name).array();
            NDArray xa = Kernels.cast(x, a.getDataType());
            boolean drop = isTraining() && s.dropout() > 0;
            if (!s.dora()) {
                NDArray xd = drop ? LoraKernels.dropout(xa, s.dropout(), seeds.next(path + "#" + name)) : xa;
                NDArray ba = ai.djl.nn.core.Linear.linear(
                                ai.djl.nn.core.Linear.linear(xd, a).singletonOrThrow(), b)
                        .singletonOrThrow();
                NDArray delta = EngineArrays.withScalar(ba, s.scaling(), NDArray::mul);
                result = result.add(delta);
            } else {
                NDArray xd;
                NDArray baseResult;
                if (!drop) {
                    xd = xa;
                    baseResult = base.bias() == null
                            ? result
                            : result.sub(base.bias().array());
                } else {
                    xd = LoraKernels.dropout(xa, s.dropout(), seeds.next(path + "#" + name));
                    NDArray w = base.weight().array();
                    NDArray wCast = Kernels.cast(w, xd.getDataType());
                    if (wCast != w) {
                        wCast.attach(xd.getManager());
                    }
                    baseResult = ai.djl.nn.core.Linear.linear(xd, wCast).singletonOrThrow();
                }
                result = result.add(LoraKernels.doraTerm(
                        xd,
                        baseResult,
                        base.weight().array(),
                        a,
                        b,
                        magnitude(name).array(),
                        s.scaling()));
            }
        }
        return Kernels.cast(result, resultType);
    }

    /**
     * The weight this layer applies with its active, unmerged adapters (dropout ignored): {@code W + sum s B A}, or
     * DoRA's {@code m / ||W + s B A|| * (W + s B A)}; differentiable with respect to the adapter tensors.
     *
     * @param scope receives the computed weight (intermediate tensors are freed)
     * @return the base weight itself when no adapter applies, else a new [out, in] tensor in the adapter dtype
     */
    @Override
    public NDArray effectiveWeight(NDManager scope) {
        NDArray w = baseLayer().weight().array();
        if (disabled || active.stream().allMatch(merged::contains)) {
            return w;
        }
        NDArray out;
        try (NDScope ignored = new NDScope()) {
            out = w;
            for (String name : active) {
                if (merged.contains(name)) {
                    continue;
                }
                AdapterSettings s = settings.get(name);
                NDArray a = loraA(name).array();
                NDArray b = loraB(name).array();
                if (s.dora()) {
                    out = LoraKernels.doraWeight(out, a, b, magnitude(name).array(), s.scaling());
                } else {
                    out = Kernels.cast(out, a.getDataType())
                            .add(EngineArrays.withScalar(b.matMul(a), s.scaling(), NDArray::mul));
                }
            }
            NDScope.unregister(out);
        }
        out.attach(scope);
        return out;
    }

    /** @return the frozen base weight */
    @Override
    public Param baseWeight() {
        return baseLayer().weight();
    }

    /**
     * {@code scaling * B A} of one adapter (PEFT's {@code get_delta_weight}), with autograd off.
     *
     * @param adapter the adapter name
     * @return the delta [out, in] in the adapter dtype, attached to B's manager; the caller closes it
     */
    public NDArray deltaWeight(String adapter) {
        AdapterSettings s = settings(adapter);
        boolean grad = DjlEngine.isGradMode();
        DjlEngine.setGradMode(false);
        try (NDScope ignored = new NDScope()) {
            NDArray d = EngineArrays.withScalar(
                    loraB(adapter).array().matMul(loraA(adapter).array()), s.scaling(), NDArray::mul);
            NDScope.unregister(d);
            return d;
        } finally {
            DjlEngine.setGradMode(grad);
        }
    }

    /**
     * Merges an adapter into the base weight (PEFT's {@code merge}): {@code W += s B A}, or for DoRA
     * {@code W = m / ||W + s B A|| * (W + s B A)}. Afterwards forward skips the adapter. Runs with autograd off.
     *
     * @param adapter the adapter name
     * @throws IllegalStateException if it is already merged
     */
    public void merge(String adapter) {
        AdapterSettings s = settings(adapter);
        if (merged.contains(adapter)) {
            throw new IllegalStateException(path + ": adapter '" + adapter + "' is already merged");
        }
        Param w = baseLayer().weight();
        boolean grad = DjlEngine.isGradMode();
        DjlEngine.setGradMode(false);
        try (NDScope ignored = new NDScope()) {
            NDArray a = loraA(adapter).array();
            NDArray b = loraB(adapter).array();
            NDArray wf = w.array().toType(a.getDataType(), false);
            NDArray delta = EngineArrays.withScalar(b.matMul(a), s.scaling(), NDArray::mul);
            NDArray sum = wf.add(delta);
            NDArray updated;
            if (s.dora()) {
                NDArray norm = sum.square().sum(new int[] {1}).sqrt();
                NDArray factor = magnitude(adapter).array().div(norm);
                updated = sum.mul(factor.expandDims(1));
                NDScope.unregister(factor);
                doraMergeFactors.put(adapter, factor);
            } else {
                updated = sum;
            }
            NDArray cast = updated.toType(w.array().getDataType(), false);
            NDScope.unregister(cast);
            w.set(cast);
        } finally {
            DjlEngine.setGradMode(grad);
        }
        merged.add(adapter);
    }

    /**
     * Undoes {@link #merge} (PEFT's {@code unmerge}); exact up to rounding of the base dtype.
     *
     * @param adapter the adapter name
     * @throws IllegalStateException if it is not merged
     */
    public void unmerge(String adapter) {
        AdapterSettings s = settings(adapter);
        if (!merged.contains(adapter)) {
            throw new IllegalStateException(path + ": adapter '" + adapter + "' is not merged");
        }
        Param w = baseLayer().weight();
        boolean grad = DjlEngine.isGradMode();
        DjlEngine.setGradMode(false);
        try (NDScope ignored = new NDScope()) {
            NDArray a = loraA(adapter).array();
            NDArray b = loraB(adapter).array();
            NDArray wf = w.array().toType(a.getDataType(), false);
            NDArray delta = EngineArrays.withScalar(b.matMul(a), s.scaling(), NDArray::mul);
            NDArray restored;
            if (s.dora()) {
                NDArray factor = doraMergeFactors.remove(adapter);
                restored = wf.div(factor.expandDims(1)).sub(delta);
                factor.close();
            } else {
                restored = wf.sub(delta);
            }
            NDArray cast = restored.toType(w.array().getDataType(), false);
            NDScope.unregister(cast);
            w.set(cast);
        } finally {
            DjlEngine.setGradMode(grad);
        }
        merged.remove(adapter);
    }

    @Override
    public String toString() {
        return "LoraLinear(" + path + ", adapters " + settings.keySet() + ", active " + active
                + (disabled ? ", disabled" : "") + (merged.isEmpty() ? "" : ", merged " + merged) + ")";
    }
}
