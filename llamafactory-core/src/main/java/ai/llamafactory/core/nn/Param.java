package ai.llamafactory.core.nn;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * A named tensor owned by a {@link Module}: a weight, a bias, a norm scale or an adapter matrix. The tensor can be
 * swapped (loading, merging) and frozen or made trainable.
 */
public final class Param {
    private final String name;
    private NDArray array;
    private boolean trainable;

    /**
     * Creates a frozen parameter.
     *
     * @param name the local name inside its module, e.g. {@code weight}
     * @param array the tensor; the parameter takes ownership
     */
    public Param(String name, NDArray array) {
        this.name = Objects.requireNonNull(name, "name");
        this.array = Objects.requireNonNull(array, "array");
    }

    /** @return the local name, e.g. {@code weight} */
    public String name() {
        return name;
    }

    /** @return the tensor */
    public NDArray array() {
        return array;
    }

    /**
     * Replaces the tensor, closing the previous one. The trainable flag carries over to the new tensor.
     *
     * @param value the new tensor; must have the same shape
     * @throws IllegalArgumentException if the shape differs
     */
    public void set(NDArray value) {
        Objects.requireNonNull(value, "value");
        if (!value.getShape().equals(array.getShape())) {
            throw new IllegalArgumentException(
                    "parameter '" + name + "': shape " + value.getShape() + " does not match " + array.getShape());
        }
        if (value != array) {
            NDArray old = array;
            array = value;
            if (trainable) {
                array.setRequiresGradient(true);
            }
            old.close();
        }
    }

    /** @return whether the optimizer updates this parameter */
    public boolean isTrainable() {
        return trainable;
    }

    /**
     * Freezes or unfreezes the parameter.
     *
     * @param value true to let autograd compute its gradient
     */
    public void setTrainable(boolean value) {
        if (value != trainable) {
            array.setRequiresGradient(value);
            trainable = value;
        }
    }

    /** @return the number of elements */
    public long size() {
        return array.size();
    }

    @Override
    public String toString() {
        return name + array.getShape() + (trainable ? " trainable" : "");
    }
}
