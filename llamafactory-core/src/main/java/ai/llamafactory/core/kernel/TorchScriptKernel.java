package ai.llamafactory.core.kernel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.llamafactory.core.engine.DjlEngine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A differentiable operation written in TorchScript and run by libtorch through DJL, for what DJL's NDArray API lacks
 * (fused scaled-dot-product attention, differentiable dtype casts, fused norms).
 *
 * <p>The TorchScript archive is generated here from source text at run time: a zip holding the module's code, a
 * two-field pickle of the module object and the format version, which libtorch's loader accepts as it accepts
 * {@code torch.jit.save} output. No Python is involved and no binary is shipped. Calls go through the module's
 * {@code forward}, so autograd records them like any other op; outputs attach to the first input's manager.
 *
 * <p>Instances are thread-safe for calls; create them once (see {@link Kernels}) and reuse them.
 */
public final class TorchScriptKernel implements AutoCloseable {
    private static final String CLASS_NAME = "Kernel";
    /**
     * Whether this thread has switched off TorchScript's graph optimizer (thread-local in libtorch). With it on, a
     * kernel is re-specialised and fused after a process-dependent number of calls, which changes the last bits of
     * its results: a resumed run would drift from an uninterrupted one.
     */
    private static final ThreadLocal<Boolean> PLAIN_EXECUTOR = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private final String name;
    private final PtSymbolBlock block;
    private final NDManager manager;

    private TorchScriptKernel(String name, PtSymbolBlock block, NDManager manager) {
        this.name = name;
        this.block = block;
        this.manager = manager;
    }

    /**
     * Compiles a kernel from the parameter list and body of its {@code forward} method.
     *
     * @param name a name for error messages
     * @param parameters TorchScript parameters, e.g. {@code List.of("x: Tensor", "w: Tensor")}
     * @param returnType TorchScript return type, e.g. {@code Tensor} or {@code Tuple[Tensor, Tensor]}
     * @param body the statements of {@code forward}, one per line, ending with a {@code return}
     * @param parent the manager whose device the kernel runs on; the kernel's own manager is a child of it
     * @return the kernel
     */
    public static TorchScriptKernel compile(
            String name, List<String> parameters, String returnType, String body, NDManager parent) {
        DjlEngine.get();
        StringBuilder code = new StringBuilder();
        code.append("class ")
                .append(CLASS_NAME)
                .append("(Module):\n")
                .append("  __parameters__ = []\n")
                .append("  __buffers__ = []\n")
                .append("  training : bool\n")
                .append("  def forward(self: __torch__.")
                .append(CLASS_NAME);
        for (String p : parameters) {
            code.append(",\n    ").append(p);
        }
        code.append(") -> ").append(returnType).append(":\n");
        for (String line : body.strip().split("\n")) {
            code.append("    ").append(line.strip()).append('\n');
        }
        byte[] archive = archive(code.toString());
        NDManager own = parent.newSubManager();
        try {
            PtSymbolBlock block =
                    JniUtils.loadModule((PtNDManager) own, new ByteArrayInputStream(archive), true, false);
            return new TorchScriptKernel(name, block, own);
        } catch (IOException | RuntimeException e) {
            own.close();
            throw new IllegalStateException("TorchScript kernel '" + name + "' failed to compile:\n" + code, e);
        }
    }

    /**
     * Runs the kernel. Autograd records the call when the calling thread is in grad mode.
     *
     * @param inputs the tensors, in the order of the declared parameters; the first one's manager receives the result
     * @return the single output tensor
     */
    public NDArray call(NDArray... inputs) {
        return callAll(inputs).singletonOrThrow();
    }

    /**
     * Runs a kernel that returns a tuple of tensors.
     *
     * @param inputs the tensors, in the order of the declared parameters; the first one's manager receives the results
     * @return the outputs in tuple order
     */
    public NDList callAll(NDArray... inputs) {
        if (!PLAIN_EXECUTOR.get()) {
            JniUtils.setGraphExecutorOptimize(false);
            PLAIN_EXECUTOR.set(Boolean.TRUE);
        }
        for (NDArray x : inputs) {
            // DJL turns inputs whose names contain a dot into dictionary entries; kernels take plain tensors.
            if (x.getName() != null) {
                x.setName(null);
            }
        }
        return IValueUtils.forward(block, new NDList(inputs), true);
    }

    /** @return the kernel's name */
    public String name() {
        return name;
    }

    @Override
    public void close() {
        block.close();
        manager.close();
    }

    private static byte[] archive(String code) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            String root = CLASS_NAME + "/";
            entry(zip, root + "data.pkl", modulePickle());
            entry(zip, root + "code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
            // constants.pkl: an empty tuple (pickle protocol 2).
            entry(zip, root + "constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            // Format version 10: newer than every operator upgrader, so the code is read with today's schemas
            // (version 3 would, for example, apply the pre-"approximate" gelu signature).
            entry(zip, root + "version", "10\n".getBytes(StandardCharsets.US_ASCII));
            entry(zip, root + "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void entry(ZipOutputStream zip, String path, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(path));
        zip.write(data);
        zip.closeEntry();
    }

    /** The module object as libtorch's unpickler expects it: {@code __torch__.Kernel} with {@code training=True}. */
    private static byte[] modulePickle() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80); // PROTO 2
        out.write(2);
        byte[] global = ("c__torch__\n" + CLASS_NAME + "\n").getBytes(StandardCharsets.US_ASCII);
        out.write(global, 0, global.length); // GLOBAL
        out.write(')'); // EMPTY_TUPLE
        out.write(0x81); // NEWOBJ
        out.write('}'); // EMPTY_DICT
        byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
        out.write('X'); // BINUNICODE
        out.write(key.length);
        out.write(0);
        out.write(0);
        out.write(0);
        out.write(key, 0, key.length);
        out.write(0x88); // NEWTRUE
        out.write('s'); // SETITEM
        out.write('b'); // BUILD
        out.write('.'); // STOP
        return out.toByteArray();
    }
}
