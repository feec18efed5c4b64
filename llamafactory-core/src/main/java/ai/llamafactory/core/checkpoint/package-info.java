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
 * <h2>Storage ownership</h2>
 * The memory mapping of a file is only ever read by Java code while the file is open: no tensor is created over a
 * mapped region or over a Java buffer. {@code load} allocates the tensor with the engine ({@code torch::empty}) and
 * copies (converting where the type changes) the file's bytes into it, so a loaded tensor, and every view of it,
 * stays valid after the checkpoint is closed and after its mapping is unmapped by the garbage collector. Writing reads
 * the engine's memory through a direct view only while the array is open. This is rule 1 of
 * {@code ai.llamafactory.core.engine}; optimizer state is read and written with the same code.
 *
 * <p>Every malformed input is reported as a {@link ai.llamafactory.api.exception.CheckpointException} whose message
 * names the file and, where one is concerned, the tensor.
 */
package ai.llamafactory.core.checkpoint;
