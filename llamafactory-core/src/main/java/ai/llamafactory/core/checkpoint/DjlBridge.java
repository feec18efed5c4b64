package ai.llamafactory.core.checkpoint;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.llamafactory.api.exception.CheckpointException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * Moves tensor bytes between safetensors files and DJL arrays without staging whole tensors on the Java heap.
 *
 * <p>Loading allocates the destination with the engine ({@code torch::empty}, memory the engine owns and frees) on
 * the CPU, obtains direct {@link ByteBuffer} views of it ({@link NDArray#toByteBuffer(boolean)} with
 * {@code tryDirect}), and reads the file bytes straight into those views (positional reads, converting through a
 * small direct scratch buffer where the dtype changes), slice by slice; tensors larger than one buffer (2 GiB) are
 * filled through 1-D slices of the flat array. No Java buffer or file mapping backs the result, so its lifetime is
 * the engine's alone and views of it (reshape, transpose) stay valid after it is closed and after the file is
 * closed; this is the storage rule of {@link ai.llamafactory.core.engine.EngineArrays}. Arrays for a GPU are staged
 * on the CPU and moved.
 */
final class DjlBridge {
    /** Bytes of one engine slice filled at once. */
    static final long DEFAULT_CHUNK_BYTES = 64L << 20;
    /** Size of the direct scratch buffer that source bytes pass through when the dtype changes. */
    static final long SCRATCH_BYTES = 4L << 20;

    private DjlBridge() {}

    /**
     * Loads one tensor as a DJL array.
     *
     * @param file the file holding the tensor
     * @param info the tensor
     * @param manager the manager (and device) the result belongs to
     * @param target an engine-safe DJL type
     * @param chunkBytes the largest slice converted at once
     * @return the array, named after the tensor
     */
    static NDArray load(SafetensorsFile file, TensorInfo info, NDManager manager, DataType target, long chunkBytes) {
        SafetensorsDtype to = engineSafe(info, target);
        SafetensorsDtype from = info.dtype();
        if (!ElementConverter.supports(from, to)) {
            throw new CheckpointException("Tensor '" + info.name() + "' in safetensors file '" + info.file()
                    + "' is " + from + " and cannot be loaded as " + target.name() + " (supported: the same type, any "
                    + "floating-point type for floating-point tensors, wider integer types for integer tensors)");
        }
        boolean staged = manager.getDevice().isGpu();
        NDManager cpu = staged ? manager.newSubManager(Device.cpu()) : manager;
        try {
            NDArray result = loadOnCpu(file, info, cpu, target, from, to, chunkBytes);
            if (staged) {
                NDArray moved = result.toDevice(manager.getDevice(), false);
                moved.attach(manager);
                result = moved;
            }
            result.setName(info.name());
            return result;
        } finally {
            if (staged) {
                cpu.close();
            }
        }
    }

    private static SafetensorsDtype engineSafe(TensorInfo info, DataType target) {
        SafetensorsDtype to;
        try {
            to = SafetensorsDtype.fromDataType(target);
        } catch (IllegalArgumentException e) {
            to = null;
        }
        if (to == null || to.engineType().isEmpty()) {
            throw new IllegalArgumentException("tensor '" + info.name() + "': cannot load as " + target.name()
                    + ", which DJL's PyTorch engine cannot hold; use one of FLOAT64, FLOAT32, FLOAT16, INT64, "
                    + "INT32, INT8, UINT8, BOOLEAN");
        }
        return to;
    }

    private static NDArray loadOnCpu(
            SafetensorsFile file,
            TensorInfo info,
            NDManager cpu,
            DataType target,
            SafetensorsDtype from,
            SafetensorsDtype to,
            long chunkBytes) {
        long n = info.numElements();
        Shape shape = new Shape(info.shape());
        NDArray flat = cpu.create(new Shape(n), target);
        try {
            if (n > 0 && !fillInPlace(file, info, flat, from, to, chunkBytes)) {
                throw new CheckpointException("Tensor '" + info.name() + "' in '" + info.file() + "': the engine "
                        + "gave no direct view of the array allocated for it, so it cannot be filled in place");
            }
            NDArray shaped = flat.reshape(shape);
            flat.close();
            flat = null;
            return shaped;
        } finally {
            if (flat != null) {
                flat.close();
            }
        }
    }

    /**
     * Reads (and converts) into direct views of the engine's memory; false if the engine does not hand out such
     * views. Same-type tensors are read straight into the engine's memory; others are read piece by piece into one
     * direct scratch buffer of at most {@link #SCRATCH_BYTES} (and a quarter of a slice) and converted from
     * there.
     */
    private static boolean fillInPlace(
            SafetensorsFile file,
            TensorInfo info,
            NDArray flat,
            SafetensorsDtype from,
            SafetensorsDtype to,
            long chunkBytes) {
        long n = info.numElements();
        long limit = Math.min(chunkBytes, Integer.MAX_VALUE);
        long perView = Math.max(1, limit / Math.max(from.byteSize(), to.byteSize()));
        int perPiece = (int) Math.max(1, Math.min(limit / 4, SCRATCH_BYTES) / from.byteSize());
        ByteBuffer scratch = from == to
                ? null
                : ByteBuffer.allocateDirect((int) Math.min(n, perPiece) * from.byteSize())
                        .order(ByteOrder.LITTLE_ENDIAN);
        for (long start = 0; start < n; start += perView) {
            int count = (int) Math.min(perView, n - start);
            NDArray view = count == n ? flat : flat.get(new NDIndex().addSliceDim(start, start + count));
            try {
                ByteBuffer dst = view.toByteBuffer(true);
                if (!dst.isDirect() || dst.capacity() != (long) count * to.byteSize()) {
                    return false;
                }
                dst.order(ByteOrder.LITTLE_ENDIAN);
                if (scratch == null) {
                    file.read(info.name(), start * from.byteSize(), dst);
                    continue;
                }
                for (int done = 0; done < count; ) {
                    int pieces = Math.min(perPiece, count - done);
                    scratch.clear().limit(pieces * from.byteSize());
                    file.read(info.name(), (start + done) * from.byteSize(), scratch);
                    ElementConverter.convert(from, scratch.flip(), to, dst, pieces);
                    done += pieces;
                }
            } finally {
                if (view != flat) {
                    view.close();
                }
            }
        }
        return true;
    }

    /**
     * Writes the elements of an array, converted to {@code stored}, at the channel's position.
     *
     * @param array the array (any device)
     * @param stored the dtype to write
     * @param out the destination
     * @param chunkBytes the largest slice read from the engine at once
     * @throws IOException on write failure
     */
    static void writeArray(NDArray array, SafetensorsDtype stored, FileChannel out, long chunkBytes)
            throws IOException {
        SafetensorsDtype source = SafetensorsDtype.fromDataType(array.getDataType());
        long n = array.size();
        if (n == 0) {
            return;
        }
        NDArray cpu = array.getDevice().isGpu() ? array.toDevice(Device.cpu(), false) : array;
        NDArray flat = null;
        try {
            flat = cpu.flatten();
            long perChunk = Math.max(
                    1, Math.min(chunkBytes, Integer.MAX_VALUE) / Math.max(source.byteSize(), stored.byteSize()));
            ByteBuffer converted = source == stored
                    ? null
                    : ByteBuffer.allocateDirect((int) Math.min(n, perChunk) * stored.byteSize())
                            .order(ByteOrder.LITTLE_ENDIAN);
            for (long start = 0; start < n; start += perChunk) {
                int count = (int) Math.min(perChunk, n - start);
                NDArray view = count == n ? flat : flat.get(new NDIndex().addSliceDim(start, start + count));
                try {
                    ByteBuffer bytes = view.toByteBuffer(true).order(ByteOrder.LITTLE_ENDIAN);
                    if (converted == null) {
                        SafetensorsWriter.writeFully(out, bytes);
                    } else {
                        converted.clear();
                        ElementConverter.convert(source, bytes, stored, converted, count);
                        SafetensorsWriter.writeFully(out, converted.flip());
                    }
                } finally {
                    if (view != flat) {
                        view.close();
                    }
                }
            }
        } finally {
            if (flat != null && flat != cpu) {
                flat.close();
            }
            if (cpu != array) {
                cpu.close();
            }
        }
    }
}
