package ai.llamafactory.core.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.llamafactory.api.config.OptimizerType;
import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.api.exception.TrainingException;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.engine.EngineArrays;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The bookkeeping every optimizer here shares: the name-to-parameter registry, the state manager, per-parameter step
 * counts and lazily created fp32 state slots, gradient retrieval with the handles closed, grad mode, gradient
 * zeroing, and state export/import. Subclasses write only the per-parameter update rule.
 *
 * <p>Memory discipline of a step: every temporary (gradient wrappers, fp32 casts, intermediate results, the scalar
 * operands) is attached to a scratch manager that is closed when the step ends, so the number of live arrays is the
 * same before and after a step. Scalars are created once per step and value as 0-dim fp32 arrays on the parameters'
 * device (not once per operation, as {@code NDArray.muli(Number)} would).
 */
public abstract class AbstractOptimizer implements Optimizer {
    private final OptimizerType type;
    private final List<ParamGroup> groups;
    private final List<ParamEntry> entries;
    private final Map<String, ParamEntry> byName;
    private final Device device;
    private final NDManager stateManager;
    private boolean closed;

    /**
     * Registers the parameters.
     *
     * @param type the algorithm
     * @param groups at least one group; names unique across groups, every array a PyTorch array that requires a
     *     gradient, all on one device
     * @throws IllegalArgumentException if the groups break one of those rules
     */
    protected AbstractOptimizer(OptimizerType type, List<ParamGroup> groups) {
        this.type = Objects.requireNonNull(type, "type");
        this.groups = ImmutableList.copyOf(groups);
        if (this.groups.isEmpty()) {
            throw new IllegalArgumentException(type.key() + ": no parameter groups given");
        }
        List<ParamEntry> list = new ArrayList<>();
        Map<String, ParamEntry> names = new LinkedHashMap<>();
        Map<NDArray, String> seen = new IdentityHashMap<>();
        Device dev = null;
        for (ParamGroup group : this.groups) {
            for (Map.Entry<String, NDArray> e : group.params().entrySet()) {
                String name = e.getKey();
                NDArray array = e.getValue();
                if (!(array instanceof PtNDArray pt)) {
                    throw new IllegalArgumentException("parameter '" + name + "' is a "
                            + array.getClass().getName() + "; the optimizers need PyTorch engine arrays");
                }
                if (!array.hasGradient()) {
                    throw new IllegalArgumentException("parameter '" + name + "' does not require a gradient; "
                            + "call setRequiresGradient(true) or leave it out of the optimizer");
                }
                if (names.containsKey(name)) {
                    throw new IllegalArgumentException("parameter '" + name + "' appears in more than one group");
                }
                String other = seen.put(array, name);
                if (other != null) {
                    throw new IllegalArgumentException(
                            "parameters '" + other + "' and '" + name + "' are the same array");
                }
                if (dev == null) {
                    dev = array.getDevice();
                } else if (!dev.equals(array.getDevice())) {
                    throw new IllegalArgumentException("parameter '" + name + "' is on " + array.getDevice()
                            + " but earlier parameters are on " + dev + "; one optimizer serves one device");
                }
                ParamEntry entry = new ParamEntry(name, pt, group);
                list.add(entry);
                names.put(name, entry);
            }
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException(type.key() + ": the parameter groups hold no parameters");
        }
        this.entries = Collections.unmodifiableList(list);
        this.byName = Collections.unmodifiableMap(names);
        this.device = dev;
        this.stateManager = DjlEngine.get().newBaseManager(dev);
        this.stateManager.setName("optimizer-state-" + type.key());
    }

    @Override
    public final OptimizerType type() {
        return type;
    }

    @Override
    public final List<ParamGroup> paramGroups() {
        return groups;
    }

    /** @return the device of the parameters and of the state */
    public final Device device() {
        return device;
    }

    @Override
    public final long stepCount(String name) {
        return entry(name).step;
    }

    @Override
    public final void step(double baseLr) {
        checkOpen();
        if (!(baseLr >= 0) || Double.isInfinite(baseLr)) {
            throw new IllegalArgumentException(type.key() + ": learning rate must be finite and >= 0, got " + baseLr);
        }
        boolean gradMode = DjlEngine.isGradMode();
        DjlEngine.setGradMode(false);
        try (NDManager scratch = stateManager.newSubManager()) {
            StepContext ctx = new StepContext(scratch);
            for (ParamEntry p : entries) {
                PtNDArray grad = JniUtils.getGradient(p.param);
                if (grad == null) {
                    continue;
                }
                grad.attach(scratch);
                String phase = "update";
                try {
                    NDArray g = grad.getDataType() == DataType.FLOAT32
                            ? grad
                            : ctx.temp(grad.toType(DataType.FLOAT32, false));
                    p.step++;
                    update(p, g, p.group.effectiveLr(baseLr), p.group.weightDecay(), ctx);
                    phase = "gradient zeroing";
                    JniUtils.zeroGrad(p.param);
                } catch (RuntimeException e) {
                    throw new TrainingException(
                            type.key() + ": " + phase + " failed for parameter '" + p.name
                                    + "' (shape " + p.param.getShape() + ", " + p.param.getDataType() + "): "
                                    + e.getMessage(),
                            e);
                }
            }
        } finally {
            DjlEngine.setGradMode(gradMode);
        }
    }

    @Override
    public final Optional<String> firstNonFiniteState() {
        checkOpen();
        try (NDManager scratch = stateManager.newSubManager()) {
            for (ParamEntry p : entries) {
                for (Map.Entry<String, NDArray> slot : p.slots.entrySet()) {
                    NDArray a = slot.getValue();
                    NDArray nan = a.isNaN();
                    nan.attach(scratch);
                    NDArray inf = a.isInfinite();
                    inf.attach(scratch);
                    // Results of ops follow their first operand's manager: everything below belongs to scratch.
                    if (nan.logicalOr(inf).any().getBoolean()) {
                        return Optional.of(OptimizerState.tensorKey(p.name, slot.getKey()));
                    }
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public final void zeroGrad() {
        checkOpen();
        for (ParamEntry p : entries) {
            JniUtils.zeroGrad(p.param);
        }
    }

    /**
     * Applies the update rule to one parameter. Called with grad mode off, after the step count was incremented.
     *
     * @param p the parameter and its state; {@link ParamEntry#step()} is already the number of this update
     * @param grad the gradient in fp32; it may be modified in place (it is zeroed afterwards)
     * @param lr the group's learning rate for this step
     * @param weightDecay the group's weight decay
     * @param ctx scalars and temporary storage for this step
     */
    protected abstract void update(ParamEntry p, NDArray grad, double lr, double weightDecay, StepContext ctx);

    /**
     * The state slots this optimizer may keep for a parameter, with their shapes; used to validate loaded state.
     *
     * @param parameterShape the parameter's shape
     * @return slot name to shape
     */
    protected abstract Map<String, Shape> slotShapes(Shape parameterShape);

    @Override
    public final OptimizerState exportState(NDManager target) {
        checkOpen();
        Map<String, Long> steps = new LinkedHashMap<>();
        Map<String, Map<String, NDArray>> tensors = new LinkedHashMap<>();
        for (ParamEntry p : entries) {
            if (p.step == 0 && p.slots.isEmpty()) {
                continue;
            }
            steps.put(p.name, p.step);
            Map<String, NDArray> copies = new LinkedHashMap<>();
            p.slots.forEach((slot, array) -> {
                NDArray copy = array.duplicate();
                copy.attach(target);
                copies.put(slot, copy);
            });
            if (!copies.isEmpty()) {
                tensors.put(p.name, copies);
            }
        }
        return new OptimizerState(type, steps, tensors);
    }

    @Override
    public final void loadState(OptimizerState state) {
        checkOpen();
        if (state.type() != type) {
            throw new CheckpointException("optimizer state was written by '"
                    + state.type().key() + "' but this optimizer is '" + type.key() + "'");
        }
        for (String name : state.steps().keySet()) {
            if (!byName.containsKey(name)) {
                throw new CheckpointException(
                        "optimizer state: steps names parameter '" + name + "', which this optimizer does not train");
            }
        }
        for (Map.Entry<String, ? extends Map<String, NDArray>> e :
                state.tensors().entrySet()) {
            ParamEntry p = byName.get(e.getKey());
            if (p == null) {
                throw new CheckpointException("optimizer state: tensor for parameter '" + e.getKey()
                        + "', which this optimizer does not train");
            }
            Long steps = state.steps().get(e.getKey());
            if (steps == null || steps == 0) {
                throw new CheckpointException(
                        "optimizer state: parameter '" + e.getKey() + "' has state tensors but no step count > 0");
            }
            Map<String, Shape> allowed = slotShapes(p.param.getShape());
            for (Map.Entry<String, NDArray> s : e.getValue().entrySet()) {
                Shape expected = allowed.get(s.getKey());
                if (expected == null) {
                    throw new CheckpointException(
                            "optimizer state: '" + OptimizerState.tensorKey(e.getKey(), s.getKey()) + "' is not a "
                                    + type.key() + " state slot; expected one of "
                                    + allowed.keySet());
                }
                if (!expected.equals(s.getValue().getShape())) {
                    throw new CheckpointException(
                            "optimizer state: '" + OptimizerState.tensorKey(e.getKey(), s.getKey()) + "' has shape "
                                    + s.getValue().getShape() + ", expected " + expected);
                }
                if (!s.getValue().getDataType().isFloating()) {
                    throw new CheckpointException(
                            "optimizer state: '" + OptimizerState.tensorKey(e.getKey(), s.getKey()) + "' has dtype "
                                    + s.getValue().getDataType() + ", expected a float type");
                }
            }
        }
        for (ParamEntry p : entries) {
            p.clearSlots();
            Long steps = state.steps().get(p.name);
            p.step = steps == null ? 0 : steps;
            Map<String, NDArray> slots = state.tensors().get(p.name);
            if (slots != null) {
                // A copy with storage of its own: the snapshot's arrays are closed by their owner after loading.
                slots.forEach((slot, array) -> p.putSlot(slot, EngineArrays.copy(array, device, DataType.FLOAT32)));
            }
        }
    }

    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            stateManager.close();
        }
    }

    /** @return the manager owning the state (tests count its live arrays) */
    final NDManager stateManager() {
        return stateManager;
    }

    private ParamEntry entry(String name) {
        ParamEntry p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException(type.key() + ": no parameter named '" + name + "'");
        }
        return p;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(type.key() + " optimizer is closed");
        }
    }

    /** One registered parameter with its group, step count and state slots. */
    protected final class ParamEntry {
        private final String name;
        private final PtNDArray param;
        private final ParamGroup group;
        private final Map<String, NDArray> slots = new LinkedHashMap<>();
        private long step;

        private ParamEntry(String name, PtNDArray param, ParamGroup group) {
            this.name = name;
            this.param = param;
            this.group = group;
        }

        /** @return the Hugging Face parameter name */
        public String name() {
            return name;
        }

        /** @return the trainable array, updated in place */
        public NDArray param() {
            return param;
        }

        /** @return the group the parameter belongs to */
        public ParamGroup group() {
            return group;
        }

        /** @return the number of updates including the current one */
        public long step() {
            return step;
        }

        /**
         * @param slot a slot name
         * @return whether the slot exists yet
         */
        public boolean hasSlot(String slot) {
            return slots.containsKey(slot);
        }

        /**
         * Returns a state slot, creating it filled with fp32 zeros on first use.
         *
         * @param slot the slot name, e.g. {@code exp_avg}
         * @param shape the shape to create it with
         * @return the slot array, owned by the optimizer
         */
        public NDArray slot(String slot, Shape shape) {
            NDArray a = slots.get(slot);
            if (a == null) {
                a = stateManager.zeros(shape, DataType.FLOAT32, device);
                slots.put(slot, a);
            }
            return a;
        }

        /**
         * Stores an array as a state slot; the optimizer takes ownership and closes any previous array.
         *
         * @param slot the slot name
         * @param array an fp32 array on the optimizer's device
         */
        public void putSlot(String slot, NDArray array) {
            array.attach(stateManager);
            NDArray old = slots.put(slot, array);
            if (old != null && old != array) {
                old.close();
            }
        }

        private void clearSlots() {
            slots.values().forEach(NDArray::close);
            slots.clear();
        }
    }

    /** Per-step helpers: cached scalar operands and a scratch manager for temporaries. */
    protected static final class StepContext {
        private final NDManager scratch;
        private final Map<Float, NDArray> scalars = new HashMap<>();

        private StepContext(NDManager scratch) {
            this.scratch = scratch;
        }

        /**
         * A 0-dim fp32 array holding {@code value}, created once per step and value. As the operand of an
         * in-place op on a larger array it acts like a Python scalar in torch (the value rounded to fp32).
         *
         * @param value the scalar
         * @return the array, freed when the step ends
         */
        public NDArray scalar(double value) {
            float f = (float) value;
            return scalars.computeIfAbsent(f, k -> EngineArrays.scalar(scratch, k));
        }

        /**
         * Moves a temporary into the step's scratch manager so it is freed when the step ends.
         *
         * @param array a temporary created during the step
         * @param <T> the array type
         * @return the same array
         */
        public <T extends NDArray> T temp(T array) {
            if (array.getManager() != scratch) {
                array.attach(scratch);
            }
            return array;
        }
    }
}
