package ai.llamafactory.core.optim;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.llamafactory.core.engine.DjlEngine;
import java.nio.file.Path;
import java.util.Map;

/** Helpers shared by the optimizer tests: conformance root lookup, gradient injection, comparisons. */
final class OptimTestSupport {
    static final String CONFORMANCE_PROPERTY = "llamafactory.conformance.root";

    private OptimTestSupport() {}

    /** @return the conformance folder from {@code -Dllamafactory.conformance.root}, else {@code ../shared/conformance} */
    static Path conformanceRoot() {
        String configured = System.getProperty(CONFORMANCE_PROPERTY);
        return Path.of(configured != null && !configured.isBlank() ? configured : "../shared/conformance")
                .toAbsolutePath().normalize();
    }

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
