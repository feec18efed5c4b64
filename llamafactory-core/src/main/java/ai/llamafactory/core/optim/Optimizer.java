package ai.llamafactory.core.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.llamafactory.api.config.OptimizerType;
import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.core.engine.DjlEngine;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Updates named trainable arrays from the gradients that {@code GradientCollector.backward} accumulated in them.
 *
 * <p>Contract of every implementation:
 * <ul>
 *   <li>{@link #step(double)} reads each parameter's gradient, updates the weight in place with autograd recording
 *       switched off, then zeroes the gradient in place. A parameter whose gradient was never computed is skipped
 *       (its state and step count do not move), as torch skips {@code p.grad is None}; a zero gradient is a real
 *       step.</li>
 *   <li>Optimizer state (moments, momentum buffers, step counts) is fp32 whatever the weight's dtype, lives in an
 *       NDManager owned by the optimizer on the parameters' device, and is freed by {@link #close()}.</li>
 *   <li>State is keyed by parameter name, so it can be saved with {@link #saveState(Path)} and restored into a new
 *       optimizer over the same names with {@link #loadState(Path)}; the continuation is bit-identical.</li>
 *   <li>Not thread-safe: one training thread steps the optimizer.</li>
 * </ul>
 */
public interface Optimizer extends AutoCloseable {

    /**
     * The algorithm that runs an {@code optim} value: {@link OptimizerType#ADAMW_TORCH} for both AdamW spellings
     * ({@code adamw_torch_fused} is the same maths), {@link OptimizerType#SGD} and {@link OptimizerType#ADAFACTOR}.
     *
     * @param optim the configured value
     * @return the algorithm implemented here
     * @throws InvalidConfigException for a value this library does not implement (8-bit and paged AdamW, Adagrad,
     *     RMSprop), naming it and the supported ones
     */
    static OptimizerType algorithm(OptimizerType optim) {
        return switch (optim) {
            case ADAMW_TORCH, ADAMW_TORCH_FUSED -> OptimizerType.ADAMW_TORCH;
            case SGD -> OptimizerType.SGD;
            case ADAFACTOR -> OptimizerType.ADAFACTOR;
            default -> throw new InvalidConfigException("optim: unsupported value '" + optim.key()
                    + "'; supported: [adamw_torch, adamw_torch_fused, sgd, adafactor]");
        };
    }

    /** @return which algorithm this is: {@link #algorithm} of the configured {@code optim} */
    OptimizerType type();

    /** @return the parameter groups, in the order given at construction */
    List<ParamGroup> paramGroups();

    /**
     * Applies one update to every parameter that has a gradient, then zeroes the gradients.
     *
     * @param baseLr the scheduled learning rate of this step; each group applies its own multiplier or absolute lr
     * @throws IllegalArgumentException if {@code baseLr} is negative, infinite or NaN
     * @throws ai.llamafactory.api.exception.TrainingException if the engine rejects an update (the message names the
     *     parameter)
     * @throws IllegalStateException if the optimizer was closed
     */
    void step(double baseLr);

    /** Zeroes every parameter's gradient in place without updating anything (for a skipped step). */
    void zeroGrad();

    /**
     * Looks for a state tensor holding NaN or an infinity; a checkpoint with such state would resume into NaN.
     *
     * @return the first such tensor as {@code <parameter name>:<slot>}, or empty when all state is finite
     */
    Optional<String> firstNonFiniteState();

    /**
     * How many updates a parameter has received.
     *
     * @param name a parameter name
     * @return the per-parameter step count, 0 before the first update
     * @throws IllegalArgumentException if the name is not optimized here
     */
    long stepCount(String name);

    /**
     * Copies the state into arrays owned by {@code target}.
     *
     * @param target the manager that will own the copies (closing it frees them)
     * @return a snapshot independent of later steps
     */
    OptimizerState exportState(NDManager target);

    /**
     * Replaces the state with a snapshot. Everything is checked before anything changes: the optimizer type, every
     * parameter name and every state tensor's name and shape. Parameters without an entry in the snapshot start
     * fresh.
     *
     * @param state a snapshot from {@link #exportState} or {@link OptimizerState#read}
     * @throws CheckpointException if the snapshot belongs to another optimizer type, names an unknown parameter or
     *     state tensor, or a tensor's shape does not fit
     */
    void loadState(OptimizerState state);

    /**
     * Writes the state to {@code directory}/{@value OptimizerState#TENSOR_FILE} and
     * {@value OptimizerState#META_FILE}.
     *
     * @param directory an existing or new folder
     * @throws CheckpointException if the files cannot be written
     */
    default void saveState(Path directory) {
        try (NDManager tmp = DjlEngine.get().newBaseManager(Device.cpu())) {
            exportState(tmp).write(directory);
        }
    }

    /**
     * Reads state written by {@link #saveState(Path)} and loads it.
     *
     * @param directory the folder holding the two files
     * @throws CheckpointException if the files are missing, malformed or do not fit this optimizer
     */
    default void loadState(Path directory) {
        try (NDManager tmp = DjlEngine.get().newBaseManager(Device.cpu())) {
            loadState(OptimizerState.read(directory, tmp));
        }
    }

    /** Frees the optimizer state. The parameters are not touched. Idempotent. */
    @Override
    void close();
}
