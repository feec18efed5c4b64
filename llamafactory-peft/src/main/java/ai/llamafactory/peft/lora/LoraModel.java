package ai.llamafactory.peft.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.core.checkpoint.SafetensorsCheckpoint;
import ai.llamafactory.core.checkpoint.SafetensorsWriter;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.engine.EngineArrays;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.nn.Embedding;
import ai.llamafactory.core.nn.Linear;
import ai.llamafactory.core.nn.Module;
import ai.llamafactory.core.nn.Param;
import ai.llamafactory.core.nn.WeightedModule;
import ai.llamafactory.core.optim.ParamGroup;
import ai.llamafactory.core.optim.ParamGroups;
import ai.llamafactory.peft.TrainableParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A causal LM with named LoRA adapters, the counterpart of PEFT's {@code PeftModel} over a {@code LoraModel}. The
 * adapters live inside the wrapped {@link CausalLm}'s module tree ({@link LoraLinear} around each targeted linear
 * layer, {@link ModulesToSaveWrapper} around each additional target), so the model's forward, loss and
 * {@link CausalLm#parameters()} see them; this object decides which adapters run.
 *
 * <ul>
 *   <li>{@link #addAdapter} creates a trainable adapter (LoRA, rsLoRA, DoRA, PiSSA initialisation, extra trained
 *       modules); {@link #loadAdapter} reads one written by PEFT or by {@link #saveAdapter}.</li>
 *   <li>{@link #setActiveAdapter} switches adapters by name; {@link #disableAdapters()} runs the bare base model
 *       (the reference model of DPO/KTO/PPO) until {@link #enableAdapters()}; {@link #adaptersDisabled()} does both
 *       around a block.</li>
 *   <li>{@link #mergeAndUnload()} folds the active adapters into the base weights and removes every wrapper.</li>
 * </ul>
 *
 * <p>Not thread-safe: configure adapters from one thread, outside any gradient collector.
 */
public final class LoraModel {
    /** The adapter name PEFT and LLaMA-Factory use for a single adapter. */
    public static final String DEFAULT_ADAPTER = "default";
    /** The adapter weights file name. */
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";

    /** Output layers that {@code lora_target: all} never adapts (LLaMA-Factory's list). */
    private static final Set<String> OUTPUT_LAYERS = Set.of("lm_head", "output_layer", "output");
    /** PEFT's layer-index rule without {@code layers_pattern}: the last {@code .name.<digits>.} in the path. */
    private static final Pattern LAYER_INDEX = Pattern.compile(".*\\.[^.]*\\.(\\d+)\\..*");

    /**
     * What the model knows about one adapter.
     *
     * @param name the adapter name
     * @param config its settings
     * @param modulePaths the adapted linear modules
     * @param savedModulePaths the modules trained fully ({@code modules_to_save})
     * @param targetModules the value written as {@code target_modules}
     * @param trainable whether its tensors take gradients
     */
    public record AdapterInfo(
            String name,
            LoraConfig config,
            List<String> modulePaths,
            List<String> savedModulePaths,
            List<String> targetModules,
            boolean trainable) {}

    private final CausalLm model;
    private final DropoutSeeds seeds;
    private final boolean quantizedBase;
    private final Map<String, AdapterInfo> adapters = new LinkedHashMap<>();
    private List<String> active = List.of();
    private boolean disabled;

    /**
     * Wraps a model without adapters yet. A base whose {@code config.json} has a {@code quantization_config} is
     * treated as quantised.
     *
     * @param model the base model; adapters are inserted into its module tree
     */
    public LoraModel(CausalLm model) {
        this(
                model,
                model.config()
                        .raw("quantization_config")
                        .filter(n -> !n.isNull())
                        .isPresent());
    }

    /**
     * @param model the base model
     * @param quantizedBase whether the base weights are quantised (PiSSA and DoRA are then refused, as in
     *     LLaMA-Factory)
     */
    public LoraModel(CausalLm model, boolean quantizedBase) {
        this.model = Objects.requireNonNull(model, "model");
        this.quantizedBase = quantizedBase;
        this.seeds = new DropoutSeeds(() -> 0L);
    }

    /** @return the wrapped model (its module tree holds the adapters) */
    public CausalLm model() {
        return model;
    }

    /** @return whether the base is treated as quantised */
    public boolean isQuantizedBase() {
        return quantizedBase;
    }

    /** @return the source of LoRA dropout masks; the trainer sets its step seed */
    public DropoutSeeds dropoutSeeds() {
        return seeds;
    }

    /** @return the adapters, by name, in the order they were added */
    public Map<String, AdapterInfo> adapters() {
        return Collections.unmodifiableMap(adapters);
    }

    /**
     * @param name an adapter name
     * @return what the model knows about it
     * @throws IllegalArgumentException if there is no such adapter
     */
    public AdapterInfo adapter(String name) {
        AdapterInfo info = adapters.get(name);
        if (info == null) {
            throw new IllegalArgumentException("no adapter named '" + name + "'; adapters: " + adapters.keySet());
        }
        return info;
    }

    // ------------------------------------------------------------------------------------------------ creation

    /**
     * Adds a new trainable adapter initialised as the configuration says. The first adapter added becomes active.
     * Every parameter that is not an adapter tensor is frozen, as PEFT's {@code get_peft_model} does.
     *
     * @param name the adapter name
     * @param config its settings
     * @throws InvalidConfigException if the name is taken, a target matches nothing (the message lists the module
     *     names available), a target is not a linear layer, or the combination is not allowed on this base
     */
    public void addAdapter(String name, LoraConfig config) {
        requireNewName(name);
        checkCompatible(config);
        Plan plan = plan(config);
        DataType type = model.policy().trainableType();
        NDManager manager = model.manager();
        for (String path : plan.targets) {
            LoraLinear layer = wrapLinear(path);
            Linear base = layer.baseLayer();
            int r = config.rankFor(path);
            double alpha = config.alphaFor(path);
            double scaling = LoraConfig.scaling(alpha, r, config.useRslora());
            NDArray a;
            NDArray b;
            long seed = DropoutSeeds.mix(config.initSeed() ^ DropoutSeeds.mix(path.hashCode() * 31L + r));
            if (config.init() == LoraInit.PISSA) {
                NDList out = pissa(base.weight(), r, scaling, config.pissaIterations(), seed);
                a = out.get(0);
                b = out.get(1);
            } else {
                a = randomA(manager, r, base.inFeatures(), config.init(), seed);
                b = manager.zeros(new Shape(base.outFeatures(), r), DataType.FLOAT32);
            }
            a = toType(a, type);
            b = toType(b, type);
            NDArray magnitude =
                    config.useDora() ? initialMagnitude(base.weight().array(), a, b, scaling) : null;
            layer.addAdapter(
                    name,
                    a,
                    b,
                    magnitude,
                    new LoraLinear.AdapterSettings(r, alpha, scaling, config.dropout(), config.useDora()));
        }
        for (String path : plan.saves) {
            wrapForSaving(path).addCopy(name);
        }
        AdapterInfo info = new AdapterInfo(name, config, plan.targets, plan.saves, plan.targetModules, true);
        adapters.put(name, info);
        markTrainable(info, true);
        freezeEverythingButAdapters();
        if (active.isEmpty()) {
            active = List.of(name);
        }
        propagate();
    }

    private static NDArray toType(NDArray a, DataType type) {
        if (a.getDataType() == type) {
            return a;
        }
        NDArray c = a.toType(type, false);
        a.close();
        return c;
    }

    private NDList pissa(Param weight, int rank, double scaling, int iterations, long seed) {
        boolean grad = DjlEngine.isGradMode();
        DjlEngine.setGradMode(false);
        try {
            NDList out = LoraKernels.pissa(weight.array(), rank, scaling, iterations, seed);
            weight.set(out.get(2));
            return out;
        } finally {
            DjlEngine.setGradMode(grad);
        }
    }

    private static NDArray initialMagnitude(NDArray w, NDArray a, NDArray b, double scaling) {
        boolean grad = DjlEngine.isGradMode();
        DjlEngine.setGradMode(false);
        try {
            return LoraKernels.weightNorm(w, a, b, scaling);
        } finally {
            DjlEngine.setGradMode(grad);
        }
    }

    /** A new A matrix: PEFT's Kaiming-uniform (bound 1/sqrt(in)) or N(0, 1/r), drawn in Java from the seed. */
    private static NDArray randomA(NDManager manager, int r, long in, LoraInit init, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] values = new float[Math.toIntExact(r * in)];
        if (init == LoraInit.GAUSSIAN) {
            double std = 1.0 / r;
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (gaussian(rnd) * std);
            }
        } else {
            double bound = 1.0 / Math.sqrt(in);
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
            }
        }
        return EngineArrays.of(manager, values, new Shape(r, in));
    }

    private static double gaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    /**
     * Loads an adapter folder written by PEFT ({@code save_pretrained}) or by {@link #saveAdapter}:
     * {@code adapter_config.json} and {@code adapter_model.safetensors}. Everything is checked before the model is
     * changed. The first adapter loaded becomes active.
     *
     * @param name the adapter name
     * @param folder the adapter folder
     * @param trainable whether its tensors take gradients (resume training) or stay frozen (inference, reference)
     * @throws CheckpointException if a file is missing or malformed, a tensor is missing, unexpected, or its shape
     *     does not fit the base model (the message names the tensor and both shapes)
     * @throws InvalidConfigException if the name is taken or the configuration's targets match nothing here
     */
    public void loadAdapter(String name, Path folder, boolean trainable) {
        requireNewName(name);
        Path configFile = folder.resolve(AdapterConfigJson.FILE);
        if (!Files.isRegularFile(configFile)) {
            throw new CheckpointException("adapter folder " + folder + " has no " + AdapterConfigJson.FILE);
        }
        Path weightsFile = folder.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(weightsFile)) {
            String hint = Files.exists(folder.resolve("adapter_model.bin"))
                    ? " (only adapter_model.bin was found: save the adapter with safe_serialization=True)"
                    : "";
            throw new CheckpointException("adapter folder " + folder + " has no " + WEIGHTS_FILE + hint);
        }
        LoraConfig config = AdapterConfigJson.read(configFile, model.config().modelType());
        if (config.useDora() && quantizedBase) {
            throw new InvalidConfigException(
                    "use_dora: DoRA adapters cannot be applied to a quantized base model (" + configFile + ")");
        }
        Plan plan;
        try {
            plan = plan(config);
        } catch (InvalidConfigException e) {
            throw new CheckpointException(configFile + ": " + e.getMessage(), e);
        }
        List<String> targetNames = config.target().kind() == LoraTarget.Kind.NAMES
                ? config.target().names()
                : plan.targetModules;
        DataType type = model.policy().trainableType();
        NDManager manager = model.manager();
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(weightsFile)) {
            Map<String, long[]> expected = new LinkedHashMap<>();
            Map<String, Module> modules = model.namedModules();
            for (String path : plan.targets) {
                Linear base = baseLinear(modules.get(path));
                int r = config.rankFor(path);
                expected.put(PeftNames.savedLora(path, "lora_A"), new long[] {r, base.inFeatures()});
                expected.put(PeftNames.savedLora(path, "lora_B"), new long[] {base.outFeatures(), r});
                if (config.useDora()) {
                    expected.put(PeftNames.savedLora(path, "lora_magnitude_vector"), new long[] {base.outFeatures()});
                }
            }
            for (String path : plan.saves) {
                Module m = modules.get(path);
                Module original = m instanceof ModulesToSaveWrapper w ? (Module) w.original() : m;
                original.localParams()
                        .forEach((local, p) -> expected.put(
                                PeftNames.savedCopy(path, local),
                                p.array().getShape().getShape()));
            }
            for (Map.Entry<String, long[]> e : expected.entrySet()) {
                if (!ckpt.contains(e.getKey())) {
                    throw new CheckpointException(weightsFile + ": tensor '" + e.getKey() + "' is missing (the "
                            + "adapter configuration targets this module); the file holds "
                            + ckpt.names().size()
                            + " tensors, e.g. "
                            + ckpt.names().subList(0, Math.min(3, ckpt.names().size())));
                }
                long[] got = ckpt.info(e.getKey()).shape();
                if (!Arrays.equals(got, e.getValue())) {
                    throw new CheckpointException(weightsFile + ": tensor '" + e.getKey() + "' has shape "
                            + Arrays.toString(got) + " but the base model needs " + Arrays.toString(e.getValue())
                            + describeModule(e.getKey(), config, modules));
                }
            }
            List<String> unexpected = new ArrayList<>();
            for (String n : ckpt.names()) {
                if (!expected.containsKey(n)) {
                    unexpected.add(n);
                }
            }
            if (!unexpected.isEmpty()) {
                throw new CheckpointException(weightsFile + ": " + unexpected.size() + " tensors do not belong to any "
                        + "module the adapter configuration targets, e.g. "
                        + unexpected.subList(0, Math.min(5, unexpected.size())));
            }
            for (String path : plan.targets) {
                LoraLinear layer = wrapLinear(path);
                int r = config.rankFor(path);
                double alpha = config.alphaFor(path);
                NDArray a = load(ckpt, PeftNames.savedLora(path, "lora_A"), manager, type);
                NDArray b = load(ckpt, PeftNames.savedLora(path, "lora_B"), manager, type);
                NDArray m = config.useDora()
                        ? load(ckpt, PeftNames.savedLora(path, "lora_magnitude_vector"), manager, type)
                        : null;
                layer.addAdapter(
                        name,
                        a,
                        b,
                        m,
                        new LoraLinear.AdapterSettings(
                                r,
                                alpha,
                                LoraConfig.scaling(alpha, r, config.useRslora()),
                                config.dropout(),
                                config.useDora()));
            }
            for (String path : plan.saves) {
                WeightedModule copy = wrapForSaving(path).addCopy(name);
                for (Map.Entry<String, Param> e : ((Module) copy).localParams().entrySet()) {
                    Param p = e.getValue();
                    p.set(load(
                            ckpt,
                            PeftNames.savedCopy(path, e.getKey()),
                            p.array().getManager(),
                            p.array().getDataType()));
                }
            }
        }
        AdapterInfo info = new AdapterInfo(name, config, plan.targets, plan.saves, targetNames, trainable);
        adapters.put(name, info);
        markTrainable(info, trainable);
        if (trainable) {
            freezeEverythingButAdapters();
        }
        if (active.isEmpty()) {
            active = List.of(name);
        }
        propagate();
    }

    private static NDArray load(SafetensorsCheckpoint ckpt, String tensor, NDManager manager, DataType type) {
        NDArray a = ckpt.load(manager, tensor, type);
        a.setName(null);
        return a;
    }

    private static String describeModule(String tensor, LoraConfig config, Map<String, Module> modules) {
        String rest = tensor.substring(PeftNames.PREFIX.length());
        for (String kind : new String[] {".lora_A.weight", ".lora_B.weight", ".lora_magnitude_vector"}) {
            if (rest.endsWith(kind)) {
                String path = rest.substring(0, rest.length() - kind.length());
                Linear base = baseLinear(modules.get(path));
                return " (module " + path + ": in " + base.inFeatures() + ", out " + base.outFeatures() + ", r "
                        + config.rankFor(path) + ")";
            }
        }
        return "";
    }

    /**
     * Writes an adapter as PEFT's {@code save_pretrained} does: {@code adapter_model.safetensors} (PEFT's tensor
     * names, metadata {@code format: pt}) and {@code adapter_config.json}.
     *
     * @param name the adapter name
     * @param folder the output folder (created if missing)
     * @param baseModelNameOrPath written as {@code base_model_name_or_path}; may be null
     * @return the files written
     * @throws CheckpointException if writing fails
     */
    public List<Path> saveAdapter(String name, Path folder, String baseModelNameOrPath) {
        AdapterInfo info = adapter(name);
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new CheckpointException("cannot create adapter folder " + folder + ": " + e.getMessage(), e);
        }
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
        for (Map.Entry<String, Param> e : adapterParameters(name).entrySet()) {
            writer.add(PeftNames.saved(e.getKey()), e.getValue().array());
        }
        Path weights = folder.resolve(WEIGHTS_FILE);
        writer.write(weights);
        Path config = folder.resolve(AdapterConfigJson.FILE);
        AdapterConfigJson.write(
                config, AdapterConfigJson.toJson(info.config(), info.targetModules(), baseModelNameOrPath));
        return List.of(weights, config);
    }

    /**
     * Writes a PiSSA-initialised adapter as a plain LoRA adapter for the original (not residual) base model, as
     * PEFT's {@code save_pretrained(path_initial_model_for_weight_conversion=...)} and LLaMA-Factory's
     * {@code pissa_convert} do: with the initial matrices {@code A0, B0} saved before training, the trained change
     * {@code s (B A - B0 A0)} is stored as rank {@code 2r} with {@code A' = [A; A0]}, {@code B' = [B, -B0]} and
     * {@code lora_alpha} doubled ({@code x sqrt(2)} with rsLoRA), so that the scaling stays the same.
     *
     * @param name the adapter name
     * @param folder the output folder
     * @param initialAdapter the folder where the adapter was saved right after its PiSSA initialisation
     * @param baseModelNameOrPath written as {@code base_model_name_or_path}; may be null
     * @return the files written
     * @throws InvalidConfigException if the adapter uses DoRA
     * @throws CheckpointException if the initial adapter does not fit the adapter
     */
    public List<Path> savePissaConverted(String name, Path folder, Path initialAdapter, String baseModelNameOrPath) {
        AdapterInfo info = adapter(name);
        LoraConfig c = info.config();
        if (c.useDora()) {
            throw new InvalidConfigException("pissa_convert: converting a DoRA adapter is not supported");
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new CheckpointException("cannot create adapter folder " + folder + ": " + e.getMessage(), e);
        }
        Path initialWeights = initialAdapter.resolve(WEIGHTS_FILE);
        Path weights = folder.resolve(WEIGHTS_FILE);
        try (NDManager tmp = model.manager().newSubManager();
                SafetensorsCheckpoint initial = SafetensorsCheckpoint.open(initialWeights)) {
            SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
            for (LoraLinear l : loraLayers()) {
                if (!l.adapterNames().contains(name)) {
                    continue;
                }
                NDArray a = l.loraA(name).array();
                NDArray b = l.loraB(name).array();
                NDArray a0 = loadMatching(initial, PeftNames.savedLora(l.path(), "lora_A"), a, tmp, initialWeights);
                NDArray b0 = loadMatching(initial, PeftNames.savedLora(l.path(), "lora_B"), b, tmp, initialWeights);
                NDArray ac = NDArrays.concat(new NDList(a0, a0), 0);
                ac.set(new ai.djl.ndarray.index.NDIndex(":{}", a.getShape().get(0)), a);
                NDArray bc = NDArrays.concat(new NDList(b0, b0), 1);
                bc.set(new ai.djl.ndarray.index.NDIndex(":, :{}", b.getShape().get(1)), b);
                bc.set(new ai.djl.ndarray.index.NDIndex(":, {}:", b.getShape().get(1)), b0.neg());
                writer.add(PeftNames.savedLora(l.path(), "lora_A"), ac);
                writer.add(PeftNames.savedLora(l.path(), "lora_B"), bc);
            }
            for (Map.Entry<String, Param> e : adapterParameters(name).entrySet()) {
                if (e.getKey().contains(".modules_to_save.")) {
                    writer.add(PeftNames.saved(e.getKey()), e.getValue().array());
                }
            }
            writer.write(weights);
        }
        Map<String, Integer> ranks = new LinkedHashMap<>();
        c.rankPattern().forEach((k, v) -> ranks.put(k, 2 * v));
        Map<String, Double> alphas = new LinkedHashMap<>();
        c.alphaPattern().forEach((k, v) -> alphas.put(k, 2 * v));
        LoraConfig converted = c.toBuilder()
                .rank(2 * c.rank())
                .alpha(c.useRslora() ? c.alpha() * Math.sqrt(2) : 2 * c.alpha())
                .rankPattern(ranks)
                .alphaPattern(alphas)
                .init(LoraInit.DEFAULT)
                .build();
        Path config = folder.resolve(AdapterConfigJson.FILE);
        AdapterConfigJson.write(config, AdapterConfigJson.toJson(converted, info.targetModules(), baseModelNameOrPath));
        return List.of(weights, config);
    }

    private static NDArray loadMatching(
            SafetensorsCheckpoint ckpt, String tensor, NDArray like, NDManager manager, Path file) {
        if (!ckpt.contains(tensor)) {
            throw new CheckpointException(file + ": initial PiSSA adapter has no tensor '" + tensor + "'");
        }
        long[] shape = ckpt.info(tensor).shape();
        if (!Arrays.equals(shape, like.getShape().getShape())) {
            throw new CheckpointException(file + ": tensor '" + tensor + "' has shape " + Arrays.toString(shape)
                    + " but the trained adapter has " + like.getShape());
        }
        return load(ckpt, tensor, manager, like.getDataType());
    }

    /**
     * Overwrites the tensors of an existing adapter with those saved in a folder by {@link #saveAdapter} (resuming
     * training from a checkpoint). The adapter's structure must match.
     *
     * @param name the adapter name
     * @param folder a folder holding {@code adapter_model.safetensors}
     * @throws CheckpointException if a tensor is missing or its shape differs
     */
    public void restoreAdapter(String name, Path folder) {
        Path weights = folder.resolve(WEIGHTS_FILE);
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(weights)) {
            Map<String, Param> params = adapterParameters(name);
            for (Map.Entry<String, Param> e : params.entrySet()) {
                String saved = PeftNames.saved(e.getKey());
                NDArray current = e.getValue().array();
                if (!ckpt.contains(saved)) {
                    throw new CheckpointException(
                            weights + ": tensor '" + saved + "' of adapter '" + name + "' is missing");
                }
                long[] shape = ckpt.info(saved).shape();
                if (!Arrays.equals(shape, current.getShape().getShape())) {
                    throw new CheckpointException(weights + ": tensor '" + saved + "' has shape "
                            + Arrays.toString(shape) + " but the adapter has " + current.getShape());
                }
            }
            for (Map.Entry<String, Param> e : params.entrySet()) {
                NDArray current = e.getValue().array();
                e.getValue().set(load(ckpt, PeftNames.saved(e.getKey()), current.getManager(), current.getDataType()));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ switching

    /**
     * Makes one adapter the only active one.
     *
     * @param name the adapter name
     */
    public void setActiveAdapter(String name) {
        setActiveAdapters(List.of(name));
    }

    /**
     * Makes several adapters active; their outputs add up (in this order).
     *
     * @param names adapter names
     */
    public void setActiveAdapters(List<String> names) {
        for (String n : names) {
            adapter(n);
        }
        active = List.copyOf(new LinkedHashSet<>(names));
        propagate();
    }

    /** @return the active adapters, in order */
    public List<String> activeAdapters() {
        return active;
    }

    /** Runs the base model alone (merged adapters are unmerged first) until {@link #enableAdapters()}. */
    public void disableAdapters() {
        disabled = true;
        propagate();
    }

    /** Applies the active adapters again. */
    public void enableAdapters() {
        disabled = false;
        propagate();
    }

    /** @return whether adapters are applied */
    public boolean adaptersEnabled() {
        return !disabled;
    }

    /**
     * Disables the adapters until the returned scope is closed, then restores the previous state:
     * {@code try (var ref = lora.adaptersDisabled()) { referenceLogps = ... }}.
     *
     * @return the scope
     */
    public AdapterScope adaptersDisabled() {
        boolean before = disabled;
        disableAdapters();
        return () -> {
            disabled = before;
            propagate();
        };
    }

    /**
     * Activates other adapters until the returned scope is closed (a reward adapter next to the policy adapter).
     *
     * @param names the adapters to activate
     * @return the scope restoring the previous active adapters
     */
    public AdapterScope usingAdapters(List<String> names) {
        List<String> before = active;
        boolean wasDisabled = disabled;
        setActiveAdapters(names);
        enableAdapters();
        return () -> {
            active = before;
            disabled = wasDisabled;
            propagate();
        };
    }

    /** Restores the adapter state captured when it was opened. */
    @FunctionalInterface
    public interface AdapterScope extends AutoCloseable {
        @Override
        void close();
    }

    private void propagate() {
        for (Module m : model.namedModules().values()) {
            if (m instanceof LoraLinear l) {
                l.setActive(active);
                l.setDisabled(disabled);
            } else if (m instanceof ModulesToSaveWrapper w) {
                w.setActive(active);
                w.setDisabled(disabled);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ merging

    /**
     * Merges adapters into the base weights but keeps them (PEFT's {@code merge_adapter}); forward then skips them.
     * {@link #unmergeAdapters()} undoes it.
     *
     * @param names the adapters to merge
     */
    public void mergeAdapters(List<String> names) {
        for (String n : names) {
            adapter(n);
        }
        for (LoraLinear l : loraLayers()) {
            for (String n : names) {
                if (l.adapterNames().contains(n) && !l.mergedAdapters().contains(n)) {
                    l.merge(n);
                }
            }
        }
    }

    /** Unmerges every merged adapter. */
    public void unmergeAdapters() {
        for (LoraLinear l : loraLayers()) {
            for (String n : new ArrayList<>(l.mergedAdapters())) {
                l.unmerge(n);
            }
        }
    }

    /**
     * Merges the active adapters into the base weights and removes every adapter and wrapper (PEFT's
     * {@code merge_and_unload}): the model's module tree and parameter names are the plain Hugging Face ones again,
     * with the active adapter's trained copy in place of each additional target. Adapter tensors are freed. This
     * object stays usable for new adapters.
     *
     * @return the model
     */
    public CausalLm mergeAndUnload() {
        disabled = false;
        propagate();
        mergeAdapters(active);
        return unloadWrappers(true);
    }

    /**
     * Removes every adapter and wrapper without merging (PEFT's {@code unload}): the base model as it was (PiSSA
     * residuals stay residual).
     *
     * @return the model
     */
    public CausalLm unload() {
        unmergeAdapters();
        return unloadWrappers(false);
    }

    private CausalLm unloadWrappers(boolean keepActiveCopies) {
        Map<String, Module> modules = model.namedModules();
        for (Map.Entry<String, Module> e : modules.entrySet()) {
            if (e.getValue() instanceof LoraLinear l) {
                Linear base = l.baseLayer();
                for (String n : new ArrayList<>(l.adapterNames())) {
                    l.discardAdapter(n);
                }
                parentOf(e.getKey()).replaceChild(localName(e.getKey()), base);
            } else if (e.getValue() instanceof ModulesToSaveWrapper w) {
                String keep = null;
                if (keepActiveCopies) {
                    for (String n : active) {
                        if (w.adapterNames().contains(n)) {
                            keep = n;
                            break;
                        }
                    }
                }
                WeightedModule replacement = keep == null ? w.original() : w.copy(keep);
                for (String n : new ArrayList<>(w.adapterNames())) {
                    if (!n.equals(keep)) {
                        w.removeCopy(n);
                    }
                }
                if (keep != null) {
                    ((Module) w.original()).namedParams().values().forEach(p -> p.array()
                            .close());
                }
                ((Module) replacement).namedParams().values().forEach(p -> p.setTrainable(false));
                parentOf(e.getKey()).replaceChild(localName(e.getKey()), (Module) replacement);
            }
        }
        adapters.clear();
        active = List.of();
        disabled = false;
        return model;
    }

    /**
     * Deletes an adapter and frees its tensors; it is removed from the active adapters. Wrappers left without
     * adapters stay (they run the base layer).
     *
     * @param name the adapter name
     */
    public void deleteAdapter(String name) {
        adapter(name);
        for (Module m : model.namedModules().values()) {
            if (m instanceof LoraLinear l && l.adapterNames().contains(name)) {
                l.removeAdapter(name);
            } else if (m instanceof ModulesToSaveWrapper w && w.adapterNames().contains(name)) {
                w.removeCopy(name);
            }
        }
        adapters.remove(name);
        List<String> a = new ArrayList<>(active);
        a.remove(name);
        active = List.copyOf(a);
        propagate();
    }

    // ------------------------------------------------------------------------------------------------ parameters

    /**
     * The tensors of one adapter, keyed by our parameter path (PEFT's in-memory name without
     * {@code base_model.model.}): lora_A, lora_B, DoRA magnitudes, then the trained copies.
     *
     * @param name the adapter name
     * @return path to parameter, in model order
     */
    public Map<String, Param> adapterParameters(String name) {
        adapter(name);
        Map<String, Param> out = new LinkedHashMap<>();
        String a = ".lora_A." + name + ".";
        String b = ".lora_B." + name + ".";
        String m = ".lora_magnitude_vector." + name + ".";
        String c = ".modules_to_save." + name + ".";
        for (Map.Entry<String, Param> e : model.namedParams().entrySet()) {
            String k = e.getKey();
            if (k.contains(a) || k.contains(b) || k.contains(m) || k.contains(c)) {
                out.put(k, e.getValue());
            }
        }
        return out;
    }

    /** @return every trainable tensor of the model, keyed by parameter path, in model order */
    public Map<String, NDArray> trainableArrays() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        model.namedParams().forEach((k, p) -> {
            if (p.isTrainable()) {
                out.put(k, p.array());
            }
        });
        return out;
    }

    /**
     * The optimizer's parameter groups over the trainable tensors: LLaMA-Factory's LoRA+ groups when the first
     * active adapter sets {@code loraplus_lr_ratio}, the Trainer's decay/no-decay groups otherwise.
     *
     * @param learningRate {@code learning_rate}
     * @param weightDecay {@code weight_decay}
     * @return the groups
     */
    public List<ParamGroup> paramGroups(double learningRate, double weightDecay) {
        Map<String, NDArray> trainable = trainableArrays();
        LoraConfig config = active.isEmpty() ? null : adapter(active.get(0)).config();
        if (config != null && config.loraplusLrRatio().isPresent()) {
            return ParamGroups.loraPlus(
                    trainable,
                    learningRate,
                    weightDecay,
                    config.loraplusLrRatio().getAsDouble(),
                    config.loraplusLrEmbedding());
        }
        return ParamGroups.withWeightDecay(trainable, weightDecay);
    }

    /** @return trainable and total parameter counts, as PEFT's {@code print_trainable_parameters} reports them */
    public TrainableParameters parameterCounts() {
        return TrainableParameters.of(model);
    }

    private void markTrainable(AdapterInfo info, boolean trainable) {
        for (Param p : adapterParameters(info.name()).values()) {
            p.setTrainable(trainable);
        }
    }

    private void freezeEverythingButAdapters() {
        Set<String> keep = new LinkedHashSet<>();
        for (AdapterInfo info : adapters.values()) {
            if (info.trainable()) {
                keep.addAll(adapterParameters(info.name()).keySet());
            }
        }
        model.namedParams().forEach((k, p) -> {
            if (!keep.contains(k)) {
                p.setTrainable(false);
            }
        });
    }

    // ------------------------------------------------------------------------------------------------ targets

    /** The modules an adapter configuration touches, resolved against the current module tree. */
    private record Plan(List<String> targets, List<String> saves, List<String> targetModules) {}

    private Plan plan(LoraConfig config) {
        Map<String, Module> modules = model.namedModules();
        List<String> wrappers = new ArrayList<>();
        List<String> linear = new ArrayList<>();
        List<String> embeddings = new ArrayList<>();
        List<String> saveCandidates = new ArrayList<>();
        for (Map.Entry<String, Module> e : modules.entrySet()) {
            String path = e.getKey();
            Module m = e.getValue();
            if (path.isEmpty() || insideWrapper(path, wrappers)) {
                continue;
            }
            if (m instanceof LoraLinear) {
                wrappers.add(path);
                linear.add(path);
            } else if (m instanceof ModulesToSaveWrapper) {
                wrappers.add(path);
                saveCandidates.add(path);
            } else if (m instanceof Linear) {
                linear.add(path);
                saveCandidates.add(path);
            } else if (m instanceof Embedding) {
                embeddings.add(path);
                saveCandidates.add(path);
            }
        }
        LoraTarget target = config.target();
        List<String> matched = new ArrayList<>();
        if (target.kind() == LoraTarget.Kind.ALL) {
            for (String p : linear) {
                if (!OUTPUT_LAYERS.contains(lastComponent(p))) {
                    matched.add(p);
                }
            }
        } else {
            for (String p : embeddings) {
                if (target.matches(p)) {
                    throw new InvalidConfigException("lora_target: '" + p + "' is an embedding; LoRA is applied to "
                            + "linear layers only (train embeddings fully with additional_target)");
                }
            }
            for (String p : linear) {
                if (target.matches(p)) {
                    matched.add(p);
                }
            }
            if (target.kind() == LoraTarget.Kind.NAMES) {
                for (String n : target.names()) {
                    if (linear.stream().noneMatch(p -> LoraTarget.matchesAnyName(p, List.of(n)))) {
                        throw new InvalidConfigException("lora_target: '" + n + "' matches no linear module of the "
                                + model.config().modelType() + " model; available: " + shortNames(linear)
                                + " (full paths like '" + (linear.isEmpty() ? "" : linear.get(0)) + "' work too)");
                    }
                }
            }
        }
        matched.removeIf(p -> LoraTarget.matchesAnyName(p, config.excludeModules()));
        if (!config.layersToTransform().isEmpty()) {
            matched.removeIf(p -> {
                Matcher mm = LAYER_INDEX.matcher(p + ".");
                return !mm.matches() || !config.layersToTransform().contains(Integer.parseInt(mm.group(1)));
            });
        }
        if (matched.isEmpty()) {
            throw new InvalidConfigException("lora_target: '" + target + "' matches no linear module of the "
                    + model.config().modelType() + " model"
                    + (config.excludeModules().isEmpty() ? "" : " after exclude_modules " + config.excludeModules())
                    + (config.layersToTransform().isEmpty() ? "" : " in layers " + config.layersToTransform())
                    + "; available: " + shortNames(linear));
        }
        List<String> saves = new ArrayList<>();
        for (String t : config.additionalTargets()) {
            List<String> hits = saveCandidates.stream()
                    .filter(p -> LoraTarget.matchesAnyName(p, List.of(t)))
                    .toList();
            if (hits.isEmpty()) {
                Module other = modules.entrySet().stream()
                        .filter(e -> !e.getKey().isEmpty() && LoraTarget.matchesAnyName(e.getKey(), List.of(t)))
                        .map(Map.Entry::getValue)
                        .findFirst()
                        .orElse(null);
                if (other != null) {
                    throw new InvalidConfigException("additional_target: '" + t + "' is a "
                            + other.getClass().getSimpleName() + "; only linear layers and embeddings can be trained "
                            + "as additional targets");
                }
                throw new InvalidConfigException("additional_target: '" + t + "' matches no module; available: "
                        + shortNames(saveCandidates.stream()
                                .filter(p -> !p.contains(".layers."))
                                .toList()));
            }
            for (String h : hits) {
                if (matched.contains(h)) {
                    throw new InvalidConfigException("additional_target: '" + h + "' is also a lora_target");
                }
                if (!saves.contains(h)) {
                    saves.add(h);
                }
            }
        }
        List<String> targetModules = target.kind() == LoraTarget.Kind.NAMES
                ? target.names()
                : new ArrayList<>(new TreeSet<>(
                        matched.stream().map(LoraModel::lastComponent).toList()));
        return new Plan(List.copyOf(matched), List.copyOf(saves), List.copyOf(targetModules));
    }

    private static boolean insideWrapper(String path, List<String> wrappers) {
        for (String w : wrappers) {
            if (path.startsWith(w + ".")) {
                return true;
            }
        }
        return false;
    }

    private static String lastComponent(String path) {
        int i = path.lastIndexOf('.');
        return i < 0 ? path : path.substring(i + 1);
    }

    private static String shortNames(List<String> paths) {
        return new TreeSet<>(paths.stream().map(LoraModel::lastComponent).toList()).toString();
    }

    private static Linear baseLinear(Module m) {
        return m instanceof LoraLinear l ? l.baseLayer() : (Linear) m;
    }

    private LoraLinear wrapLinear(String path) {
        Module m = model.namedModules().get(path);
        if (m instanceof LoraLinear l) {
            return l;
        }
        Module parent = parentOf(path);
        LoraLinear l = new LoraLinear(path, (Linear) m, seeds);
        l.setTraining(parent.isTraining());
        parent.replaceChild(localName(path), l);
        return l;
    }

    private ModulesToSaveWrapper wrapForSaving(String path) {
        Module m = model.namedModules().get(path);
        if (m instanceof ModulesToSaveWrapper w) {
            return w;
        }
        Module parent = parentOf(path);
        ModulesToSaveWrapper w = new ModulesToSaveWrapper(path, (WeightedModule) m);
        w.setTraining(parent.isTraining());
        parent.replaceChild(localName(path), w);
        return w;
    }

    private Module parentOf(String path) {
        int i = path.lastIndexOf('.');
        return i < 0 ? model : model.namedModules().get(path.substring(0, i));
    }

    private static String localName(String path) {
        return lastComponent(path);
    }

    private List<LoraLinear> loraLayers() {
        List<LoraLinear> out = new ArrayList<>();
        for (Module m : model.namedModules().values()) {
            if (m instanceof LoraLinear l) {
                out.add(l);
            }
        }
        return out;
    }

    private void requireNewName(String name) {
        if (name == null || name.isBlank() || name.contains(".")) {
            throw new InvalidConfigException("adapter name must be non-empty and without dots, got '" + name + "'");
        }
        if (adapters.containsKey(name)) {
            throw new InvalidConfigException("an adapter named '" + name + "' already exists");
        }
    }

    private void checkCompatible(LoraConfig config) {
        if (quantizedBase && config.init() == LoraInit.PISSA) {
            throw new InvalidConfigException("pissa_init: PiSSA cannot be initialised on a quantized base model "
                    + "(its weights cannot hold the residual)");
        }
        if (quantizedBase && config.useDora()) {
            throw new InvalidConfigException("use_dora: DoRA is not compatible with a quantized base model");
        }
    }

    @Override
    public String toString() {
        return "LoraModel(" + model.config().modelType() + ", adapters " + adapters.keySet() + ", active " + active
                + (disabled ? ", disabled" : "") + ")";
    }
}
