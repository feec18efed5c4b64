package ai.llamafactory.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;

/**
 * Measures numeric differences between Java results and reference values, and bounds them. Every bound check prints
 * the measured value, so a test log shows how much headroom each tolerance has.
 *
 * <pre>{@code
 * double d = TensorAssertions.maxMaskedDiff(logits, golden, mask);
 * TensorAssertions.assertWithin("llama logits", d, 2e-6);
 * }</pre>
 */
public final class TensorAssertions {
    private TensorAssertions() {}

    /**
     * @param actual values
     * @param expected reference values, same length
     * @return max |actual - expected| (NaN when either holds a NaN)
     */
    public static double maxAbsDiff(float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            throw new AssertionError("length " + actual.length + " != expected " + expected.length);
        }
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = Math.abs((double) actual[i] - expected[i]);
            if (Double.isNaN(d)) {
                return Double.NaN;
            }
            worst = Math.max(worst, d);
        }
        return worst;
    }

    /**
     * @param actual an array
     * @param expected the reference, same shape
     * @return max |actual - expected| over all elements, compared in float32
     */
    public static double maxAbsDiff(NDArray actual, NDArray expected) {
        if (!actual.getShape().equals(expected.getShape())) {
            throw new AssertionError("shape " + actual.getShape() + " != expected " + expected.getShape());
        }
        return maxAbsDiff(floats(actual), floats(expected));
    }

    /**
     * Max |a - b| over the positions whose attention mask is 1; {@code a} and {@code b} are [B, T, V] flattened.
     *
     * @param a values
     * @param b reference values
     * @param mask attention mask [B, T]
     * @return the largest difference
     */
    public static double maxMaskedDiff(float[] a, float[] b, NDArray mask) {
        long[] m = mask.toType(DataType.INT64, false).toLongArray();
        if (a.length != b.length || a.length % m.length != 0) {
            throw new AssertionError("lengths " + a.length + " and " + b.length + " do not fit a mask of " + m.length);
        }
        int vocab = a.length / m.length;
        double worst = 0;
        for (int pos = 0; pos < m.length; pos++) {
            if (m[pos] == 0) {
                continue;
            }
            double d = maxAbsDiff(
                    Arrays.copyOfRange(a, pos * vocab, (pos + 1) * vocab),
                    Arrays.copyOfRange(b, pos * vocab, (pos + 1) * vocab));
            if (Double.isNaN(d)) {
                return Double.NaN;
            }
            worst = Math.max(worst, d);
        }
        return worst;
    }

    /**
     * @param values values
     * @return max |value|
     */
    public static double maxAbs(float[] values) {
        double worst = 0;
        for (float v : values) {
            worst = Math.max(worst, Math.abs(v));
        }
        return worst;
    }

    /**
     * Prints {@code what: measured (bound)} and fails when the measured difference exceeds the bound or is NaN.
     *
     * @param what what was compared, e.g. {@code "llama logits"}
     * @param measured the measured difference
     * @param bound the largest accepted difference
     * @return the measured difference
     * @throws AssertionError when {@code measured > bound} or it is NaN
     */
    public static double assertWithin(String what, double measured, double bound) {
        System.out.printf("conformance %s: max abs diff %.3g (bound %.1g)%n", what, measured, bound);
        if (!(measured <= bound)) {
            throw new AssertionError(String.format("%s: max abs diff %.3g exceeds %.1g", what, measured, bound));
        }
        return measured;
    }

    private static float[] floats(NDArray a) {
        if (a.getDataType() == DataType.FLOAT32) {
            return a.toFloatArray();
        }
        try (NDArray f = a.toType(DataType.FLOAT32, false)) {
            return f.toFloatArray();
        }
    }
}
