package ai.llamafactory.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Supplies a model's tensors by Hugging Face name while the model is built: from a checkpoint, or freshly initialised. */
public interface WeightSource {
    /**
     * Loads one tensor.
     *
     * @param name the Hugging Face name, e.g. {@code model.layers.0.self_attn.q_proj.weight}
     * @param expected the shape the configuration implies
     * @param dtype the dtype the tensor must have in memory
     * @param manager the manager that owns the result (the model's)
     * @return the tensor
     * @throws ai.llamafactory.api.exception.CheckpointException if it is missing or its shape differs (the message
     *     names the tensor, the expected and the found shape)
     */
    NDArray load(String name, Shape expected, DataType dtype, NDManager manager);

    /**
     * @param name a Hugging Face tensor name
     * @return whether the source holds it
     */
    boolean contains(String name);
}
