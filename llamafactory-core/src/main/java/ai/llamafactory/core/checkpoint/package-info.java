/**
 * Reading and writing Hugging Face safetensors checkpoints.
 *
 * <ul>
 *   <li>{@link ai.llamafactory.core.checkpoint.SafetensorsFile}: one validated, memory-mapped {@code .safetensors}
 *       file (files and tensors larger than 2 GiB included);</li>
 *   <li>{@link ai.llamafactory.core.checkpoint.SafetensorsCheckpoint}: a model or adapter folder, single-file or
 *       sharded through {@code model.safetensors.index.json}, with the bridge to DJL
 *       ({@link ai.llamafactory.core.checkpoint.SafetensorsCheckpoint#load load} converts bfloat16 and float16 on the
 *       Java side, so bfloat16 never reaches the engine);</li>
 *   <li>{@link ai.llamafactory.core.checkpoint.SafetensorsWriter}: writes files byte-identical to what Python's
 *       {@code safetensors} library writes for the same tensors, optionally split into shards with an index as
 *       {@code transformers} does.</li>
 * </ul>
 *
 * <p>Every malformed input is reported as a {@link ai.llamafactory.api.exception.CheckpointException} whose message
 * names the file and, where one is concerned, the tensor.
 */
package ai.llamafactory.core.checkpoint;
