/**
 * Engine start-up and the device/precision policy: the single place that decides where tensors live and in which
 * dtype they are computed, and the two rules that keep native memory safe.
 *
 * <h2>Rule 1: who owns a tensor's storage</h2>
 * Every tensor's storage is allocated by libtorch and freed by libtorch when its last reference (an array handle, a
 * view, an alias, a tensor autograd saved for backward) goes away. No tensor ever points into memory that Java
 * frees: not the Java heap, not a direct {@link java.nio.ByteBuffer}, not a memory-mapped file. DJL's PyTorch engine
 * breaks this rule on its own for every array made from Java data ({@code torch::from_blob} over a direct buffer
 * referenced only by the wrapper object: {@code NDManager.create(float[])}, {@code create(Buffer, ...)},
 * {@code create(Number)}, the scalar of {@code NDArray.mul(Number)} and its kin, {@code NDArray.set(Buffer)},
 * {@code NDList.decode}), so host data enters only through {@link ai.llamafactory.core.engine.EngineArrays}, which
 * copies into engine-allocated storage. Tensors read from checkpoints are filled the same way, straight from the file
 * ({@code ai.llamafactory.core.checkpoint}). Copies that must not share storage use
 * {@link ai.llamafactory.core.engine.EngineArrays#copy} ({@code toDevice}/{@code toType} with {@code copy=true} alias
 * when device and type match). {@code NativeMemoryRulesTest} (llamafactory-cli) checks the compiled classes of every
 * module for the forbidden calls.
 *
 * <h2>Rule 2: which thread touches which manager</h2>
 * A manager and its arrays are used by one thread at a time, and freed only by the thread that uses them or after it
 * has finished with them:
 * <ul>
 *   <li>a training run's model, optimizer and step managers belong to the thread that calls
 *       {@code Trainer.train} (the caller, or {@code llamafactory-training} for {@code FineTune.start()}); listeners
 *       run on that thread; other threads (Ctrl-C hooks, {@code TrainingHandle.cancel}) only set the cancellation
 *       flag, which the loop reads between steps;</li>
 *   <li>a {@code DjlChatModel}'s model belongs to its single worker thread: requests from any thread are queued to
 *       it, and {@code close()} frees the model as the worker's last task, never under a running generation;</li>
 *   <li>data workers and tokenizers work on Java arrays only; tensors are made from their output on the owning
 *       thread;</li>
 *   <li>no cleaner, finalizer or shutdown hook frees native memory: arrays are closed explicitly, through their
 *       manager.</li>
 * </ul>
 * libtorch's grad mode is thread-local ({@link ai.llamafactory.core.engine.DjlEngine#setGradMode}): a thread that
 * generates or evaluates turns it off itself.
 *
 * <h2>Debugging</h2>
 * {@link ai.llamafactory.core.engine.NativeMemoryDebug} ({@code -Dllamafactory.debug.native_memory=true}) forces a
 * full garbage collection at every step boundary, so that a tensor over memory Java frees fails at the same place in
 * every run; with glibc's {@code MALLOC_PERTURB_=165} the freed memory reads as garbage at once.
 */
package ai.llamafactory.core.engine;
