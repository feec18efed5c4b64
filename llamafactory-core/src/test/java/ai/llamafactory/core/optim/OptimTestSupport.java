package ai.llamafactory.core.optim;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.llamafactory.core.engine.DjlEngine;
import java.util.LinkedHashMap;
import java.util.Map;

/** Helpers shared by the optimizer tests: gradient injection, comparisons. */
final class OptimTestSupport {
    private OptimTestSupport() {}

    /**
     * Makes {@code grads.get(name)} the gradient of every parameter: one backward of sum(w * g) inside a collector.
     * Gradients accumulate, as after several micro-batches.
     */
    static void setGradients(NDManager scratchParent, Map<String, NDArray> params, Map<String, NDArray> grads) {
        try (NDManager scratch = scratchParent.newSubManager();
                GradientCollector gc = DjlEngine.get().newGradientCollector()) {
            NDArray total = null;
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray g = grads.get(e.getKey());
                assertThat(g).as("gradient for %s", e.getKey()).isNotNull();
                NDArray term = g.mul(e.getValue()).sum();
                term.attach(scratch);
                total = total == null ? term : total.add(term);
                total.attach(scratch);
            }
            gc.backward(total);
        }
    }

    /** Creates a trainable fp32 array (requires gradient) in {@code manager}. */
    static NDArray param(NDManager manager, String name, float[] values, long... shape) {
        NDArray a = manager.create(values, new Shape(shape));
        a.setName(name);
        a.setRequiresGradient(true);
        return a;
    }

    /** Sets the gradient of each parameter to the given values (same shape as the parameter). */
    static void setGradientValues(NDManager manager, Map<String, NDArray> params, Map<String, float[]> values) {
        try (NDManager scratch = manager.newSubManager()) {
            Map<String, NDArray> grads = new LinkedHashMap<>();
            Map<String, NDArray> withGrad = new LinkedHashMap<>();
            values.forEach((name, v) -> {
                NDArray p = params.get(name);
                grads.put(name, scratch.create(v, p.getShape()).toType(p.getDataType(), false));
                withGrad.put(name, p);
            });
            setGradients(scratch, withGrad, grads);
        }
    }

    /** @return the array's elements as doubles */
    static double[] doubles(NDArray a) {
        NDArray f = a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false);
        float[] values = f.toFloatArray();
        if (f != a) {
            f.close();
        }
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /** @return the largest absolute element difference of two float32 arrays of the same shape */
    static double maxAbsDiff(NDArray actual, NDArray expected) {
        assertThat(actual.getShape()).isEqualTo(expected.getShape());
        float[] a = actual.toFloatArray();
        float[] b = expected.toFloatArray();
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (Double.isNaN(d)) {
                return Double.NaN;
            }
            max = Math.max(max, d);
        }
        return max;
    }
}
