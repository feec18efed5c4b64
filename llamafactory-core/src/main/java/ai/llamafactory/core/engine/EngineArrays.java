package ai.llamafactory.core.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;

/**
 * The one way host data enters the engine: every array made here owns storage that libtorch allocated and frees,
 * never memory of the Java heap, a direct buffer or a mapped file.
 *
 * <p>Why this class exists: DJL's PyTorch engine builds every array created from Java data ({@code
 * NDManager.create(float[])}, {@code create(Buffer, ...)}, {@code create(Number)}, and the scalar operand of every
 * {@code NDArray.mul(Number)}-style call) with {@code torch::from_blob} over a direct {@link ByteBuffer} that only
 * the Java wrapper object references. libtorch does not know that memory belongs to Java: views of the tensor,
 * aliases returned by {@code toDevice}/{@code toType} (which do not copy on the same device and type, even when asked
 * to), and tensors that autograd saves for backward (the scalar of {@code x.mul(0.5f)}, the index of a gather) keep
 * pointing at it after the wrapper is closed or collected, and the garbage collector then frees the memory under a
 * live tensor. Reads return garbage (NaN losses), writes corrupt the C heap (JVM crashes), both depending on when
 * the collector runs. Here the engine allocates ({@code torch::empty}) and the Java values are copied into its
 * memory, so a tensor's storage lives exactly as long as libtorch references it.
 *
 * <p>The rule, enforced for the main code of every module by {@code NativeMemoryRulesTest}: no call of DJL's
 * {@code NDManager.create} with data, {@code NDArray.set} with data, any {@code NDArray}/{@code NDArrays} method that
 * takes a {@link Number}, or {@code NDList.decode}; use this class instead.
 */
public final class EngineArrays {
    private EngineArrays() {}

    /**
     * An engine-owned array holding {@code data}.
     *
     * @param manager the manager (and device) the array belongs to
     * @param data the values, row-major
     * @param shape the shape; its size must equal {@code data.length}
     * @return the array
     */
    public static NDArray of(NDManager manager, long[] data, Shape shape) {
        checkSize(data.length, shape);
        return filled(manager, shape, DataType.INT64, b -> b.asLongBuffer().put(data));
    }

    /**
     * A 1-D engine-owned array holding {@code data}.
     *
     * @param manager the manager (and device) the array belongs to
     * @param data the values
     * @return the array
     */
    public static NDArray of(NDManager manager, long[] data) {
        return of(manager, data, new Shape(data.length));
    }

    /**
     * An engine-owned INT32 array holding {@code data}.
     *
     * @param manager the manager (and device) the array belongs to
     * @param data the values, row-major
     * @param shape the shape; its size must equal {@code data.length}
     * @return the array
     */
    public static NDArray of(NDManager manager, int[] data, Shape shape) {
        checkSize(data.length, shape);
        return filled(manager, shape, DataType.INT32, b -> b.asIntBuffer().put(data));
    }

    /**
     * An engine-owned FLOAT32 array holding {@code data}.
     *
     * @param manager the manager (and device) the array belongs to
     * @param data the values, row-major
     * @param shape the shape; its size must equal {@code data.length}
     * @return the array
     */
    public static NDArray of(NDManager manager, float[] data, Shape shape) {
        checkSize(data.length, shape);
        return filled(manager, shape, DataType.FLOAT32, b -> b.asFloatBuffer().put(data));
    }

    /**
     * An engine-owned FLOAT64 array holding {@code data}.
     *
     * @param manager the manager (and device) the array belongs to
     * @param data the values, row-major
     * @param shape the shape; its size must equal {@code data.length}
     * @return the array
     */
    public static NDArray of(NDManager manager, double[] data, Shape shape) {
        checkSize(data.length, shape);
        return filled(manager, shape, DataType.FLOAT64, b -> b.asDoubleBuffer().put(data));
    }

    /**
     * A 0-dim engine-owned array holding {@code value}, typed as DJL types a boxed number ({@code Float} FLOAT32,
     * {@code Double} FLOAT64, {@code Integer} INT32, {@code Long} INT64, {@code Byte} INT8, {@code Short} INT32), so
     * that it promotes in an operation exactly as the scalar operand of DJL's {@code NDArray.mul(Number)} does.
     *
     * @param manager the manager (and device) the array belongs to
     * @param value the value
     * @return the array
     */
    public static NDArray scalar(NDManager manager, Number value) {
        Objects.requireNonNull(value, "value");
        Shape scalar = new Shape();
        if (value instanceof Float f) {
            return of(manager, new float[] {f}, scalar);
        }
        if (value instanceof Double d) {
            return of(manager, new double[] {d}, scalar);
        }
        if (value instanceof Long l) {
            return of(manager, new long[] {l}, scalar);
        }
        if (value instanceof Integer || value instanceof Short) {
            return of(manager, new int[] {value.intValue()}, scalar);
        }
        if (value instanceof Byte b) {
            return filled(manager, scalar, DataType.INT8, buf -> buf.put(b));
        }
        throw new IllegalArgumentException(
                "unsupported scalar type " + value.getClass().getName() + ": " + value);
    }

    /**
     * Applies a binary operation to an array and a scalar held in an engine-owned 0-dim array: the replacement for
     * DJL's {@code x.mul(2f)}, {@code x.sub(1)}, {@code x.lt(n)} and the like. The scalar's wrapper is closed after
     * the operation; autograd keeps its own reference to the storage if it saved the operand for backward.
     *
     * @param x the array (first operand; the result belongs to its manager)
     * @param value the scalar, typed as in {@link #scalar(NDManager, Number)}
     * @param op the operation, e.g. {@code NDArray::mul}
     * @return the result
     */
    public static NDArray withScalar(NDArray x, Number value, BinaryOperator<NDArray> op) {
        try (NDArray s = scalar(x.getManager(), value)) {
            return op.apply(x, s);
        }
    }

    /**
     * A copy of an array with storage of its own on {@code device} in {@code type}. Unlike DJL's
     * {@code toDevice(device, true)} and {@code toType(type, true)}, which return an alias of the same storage when
     * device and type already match, the result never shares memory with {@code array}. Not differentiable.
     *
     * @param array the source
     * @param device the target device
     * @param type the target type
     * @return the copy, attached to {@code array}'s manager
     */
    public static NDArray copy(NDArray array, Device device, DataType type) {
        if (array.getDevice().equals(device) && array.getDataType() == type) {
            return array.duplicate();
        }
        NDArray moved = array.toDevice(device, false);
        NDArray converted = moved.toType(type, false);
        if (moved != array && moved != converted) {
            moved.close();
        }
        return converted;
    }

    /**
     * Allocates an engine-owned array on the manager's device and lets {@code fill} write its little-endian,
     * native-order bytes. The bytes are written through a direct view of the engine's CPU memory; arrays for other
     * devices are staged on the CPU and moved (the move copies).
     *
     * @param manager the owner
     * @param shape the shape
     * @param type the element type
     * @param fill writes exactly {@code shape.size() * type.getNumOfBytes()} bytes from position 0
     * @return the array
     */
    public static NDArray filled(NDManager manager, Shape shape, DataType type, Consumer<ByteBuffer> fill) {
        Device device = manager.getDevice();
        if (!device.equals(Device.cpu())) {
            try (NDManager staging = manager.newSubManager(Device.cpu())) {
                NDArray cpu = filled(staging, shape, type, fill);
                NDArray moved = cpu.toDevice(device, false);
                moved.attach(manager);
                return moved;
            }
        }
        NDArray array = manager.create(shape, type);
        if (array.size() == 0) {
            return array;
        }
        try {
            ByteBuffer view = array.toByteBuffer(true);
            long expected = array.size() * type.getNumOfBytes();
            if (!view.isDirect() || view.capacity() != expected) {
                throw new IllegalStateException("the engine gave no direct view of a new " + type + shape + " array ("
                        + view.capacity() + " bytes, direct=" + view.isDirect() + ")");
            }
            view.order(ByteOrder.nativeOrder());
            fill.accept(view);
            return array;
        } catch (RuntimeException e) {
            array.close();
            throw e;
        }
    }

    private static void checkSize(int length, Shape shape) {
        if (shape.size() != length) {
            throw new IllegalArgumentException(length + " values do not fill shape " + shape);
        }
    }
}
