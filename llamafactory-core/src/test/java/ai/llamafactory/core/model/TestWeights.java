package ai.llamafactory.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;

/** A weight source over tensors already in memory (tests). */
final class TestWeights implements WeightSource {
    private final Map<String, NDArray> tensors;

    TestWeights(Map<String, NDArray> tensors) {
        this.tensors = tensors;
    }

    @Override
    public NDArray load(String name, Shape expected, DataType dtype, NDManager manager) {
        NDArray a = tensors.get(name);
        if (a == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        if (!a.getShape().equals(expected)) {
            throw new IllegalArgumentException(name + " expected " + expected + " found " + a.getShape());
        }
        NDArray c = a.toType(dtype, true);
        c.attach(manager);
        return c;
    }

    @Override
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }
}
