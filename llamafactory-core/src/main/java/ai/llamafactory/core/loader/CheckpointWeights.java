package ai.llamafactory.core.loader;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.core.checkpoint.SafetensorsCheckpoint;
import ai.llamafactory.core.checkpoint.TensorInfo;
import ai.llamafactory.core.model.WeightSource;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Weights read from a safetensors checkpoint (one file or shards). Checks every tensor's presence, dtype and shape
 * against what the configuration implies, converts BF16/F16 on the Java side to the compute dtype, and remembers
 * which tensors were used so that leftovers can be reported.
 */
public final class CheckpointWeights implements WeightSource {
    private final SafetensorsCheckpoint checkpoint;
    private final Set<String> used = new LinkedHashSet<>();

    /**
     * @param checkpoint an open checkpoint; the caller closes it
     */
    public CheckpointWeights(SafetensorsCheckpoint checkpoint) {
        this.checkpoint = checkpoint;
    }

    @Override
    public NDArray load(String name, Shape expected, DataType dtype, NDManager manager) {
        if (!checkpoint.contains(name)) {
            List<String> names = checkpoint.names();
            throw new CheckpointException("checkpoint " + checkpoint.location() + ": tensor '" + name
                    + "' is missing (the checkpoint has " + names.size() + " tensors, e.g. "
                    + names.subList(0, Math.min(3, names.size())) + ")");
        }
        TensorInfo info = checkpoint.info(name);
        if (!info.dtype().isFloatingPoint()) {
            throw new CheckpointException("checkpoint " + info.file() + ": tensor '" + name + "' has dtype "
                    + info.dtype() + "; weights must be F32, F16 or BF16");
        }
        Shape found = new Shape(info.shape());
        if (!found.equals(expected)) {
            throw new CheckpointException(
                    "checkpoint " + info.file() + ": tensor '" + name + "' has shape " + Arrays.toString(info.shape())
                            + " but config.json implies " + Arrays.toString(expected.getShape()));
        }
        used.add(name);
        return checkpoint.load(manager, name, dtype);
    }

    @Override
    public boolean contains(String name) {
        return checkpoint.contains(name);
    }

    /** @return tensors of the checkpoint the model did not use, in checkpoint order */
    public List<String> unused() {
        return checkpoint.names().stream().filter(n -> !used.contains(n)).toList();
    }
}
