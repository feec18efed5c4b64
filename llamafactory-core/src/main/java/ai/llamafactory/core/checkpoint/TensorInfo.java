package ai.llamafactory.core.checkpoint;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Where one tensor lives: its name, element type, shape and byte range inside the data section of a safetensors
 * file (the part after the 8-byte length and the JSON header), and that file.
 *
 * <p>Instances are immutable: the shape is copied on the way in and on the way out.
 *
 * @param name the tensor name as stored in the header (e.g. {@code model.layers.0.mlp.up_proj.weight})
 * @param dtype the element type
 * @param shape the dimensions, outermost first; empty for a scalar
 * @param begin first byte of the tensor, relative to the start of the data section
 * @param end one past the last byte, relative to the start of the data section
 * @param file the safetensors file holding the tensor
 */
public record TensorInfo(String name, SafetensorsDtype dtype, long[] shape, long begin, long end, Path file) {

    /**
     * Validates the arguments and copies the shape.
     *
     * @param name the tensor name
     * @param dtype the element type
     * @param shape the dimensions (copied)
     * @param begin first byte, relative to the data section
     * @param end one past the last byte, relative to the data section
     * @param file the file holding the tensor
     * @throws IllegalArgumentException for a negative dimension or offsets that are negative or reversed
     */
    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(file, "file");
        shape = shape.clone();
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(
                        "tensor '" + name + "': negative dimension in shape " + Arrays.toString(shape));
            }
        }
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException(
                    "tensor '" + name + "': invalid byte range [" + begin + ", " + end + ")");
        }
    }

    /** @return a copy of the dimensions */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** @return the number of dimensions (0 for a scalar) */
    public int rank() {
        return shape.length;
    }

    /**
     * Returns one dimension.
     *
     * @param axis the axis, 0 for the outermost
     * @return its size
     */
    public long dim(int axis) {
        return shape[axis];
    }

    /**
     * The product of the dimensions (1 for a scalar).
     *
     * @return the number of elements
     * @throws ArithmeticException if the product overflows a long (never for a validated file)
     */
    public long numElements() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** @return the number of bytes the tensor occupies, {@code end - begin} */
    public long byteLength() {
        return end - begin;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TensorInfo)) {
            return false;
        }
        TensorInfo other = (TensorInfo) o;
        return name.equals(other.name)
                && dtype == other.dtype
                && Arrays.equals(shape, other.shape)
                && begin == other.begin
                && end == other.end
                && file.equals(other.file);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end, file);
    }

    @Override
    public String toString() {
        return "TensorInfo[" + name + ", " + dtype + ", shape=" + Arrays.toString(shape) + ", bytes=[" + begin + ", "
                + end + "), file=" + file + "]";
    }
}
