package ai.llamafactory.data.metrics;

import java.math.BigDecimal;

/**
 * Python's and numpy's summations that decide the numbers LLaMA-Factory prints, reproduced bit for bit:
 * {@code math.fsum} and {@code np.mean} (pairwise summation). Rounding and float formatting are
 * {@link ai.llamafactory.data.json.PythonFloats}.
 */
final class PythonNumbers {
    /** numpy's block size below which pairwise summation adds sequentially with eight accumulators. */
    private static final int PAIRWISE_BLOCK = 128;
    /** numpy's default ufunc buffer size ({@code np.getbufsize()}): reductions see the array in chunks this long. */
    private static final int UFUNC_BUFFER = 8192;

    private PythonNumbers() {}

    /**
     * Python's {@code math.fsum}: the correctly rounded sum of the values.
     *
     * @param values the addends
     * @return their exactly rounded sum
     */
    static double fsum(double... values) {
        BigDecimal sum = BigDecimal.ZERO;
        for (double v : values) {
            if (!Double.isFinite(v)) {
                double plain = 0.0;
                for (double w : values) {
                    plain += w;
                }
                return plain;
            }
            sum = sum.add(new BigDecimal(v));
        }
        return sum.doubleValue();
    }

    /**
     * {@code float(np.mean(values))} for a one-dimensional float64 array: {@link #numpySum} divided by the count.
     *
     * @param values the values (at least one)
     * @return their mean as numpy computes it
     */
    static double numpyMean(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("numpyMean of an empty array");
        }
        return numpySum(values) / values.length;
    }

    /**
     * {@code np.add.reduce} over a one-dimensional float64 array: the reduction loop receives the array in chunks of
     * the ufunc buffer size (8192), sums each chunk pairwise and adds the chunk sums in order, starting from 0.
     *
     * @param values the values
     * @return their sum as numpy computes it
     */
    static double numpySum(double[] values) {
        double sum = 0.0;
        for (int start = 0; start < values.length; start += UFUNC_BUFFER) {
            sum += pairwiseSum(values, start, Math.min(UFUNC_BUFFER, values.length - start));
        }
        return sum;
    }

    /**
     * numpy's pairwise summation ({@code add.reduce} on a contiguous float64 array): fewer than 8 values are added
     * in order; up to 128 with eight interleaved accumulators combined as {@code ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))}
     * and the remainder added in order; larger arrays are split in two halves (the first a multiple of 8 long).
     *
     * @param a the array
     * @param offset first index
     * @param n number of values
     * @return the sum
     */
    static double pairwiseSum(double[] a, int offset, int n) {
        if (n < 8) {
            double res = -0.0;
            for (int i = 0; i < n; i++) {
                res += a[offset + i];
            }
            return res;
        }
        if (n <= PAIRWISE_BLOCK) {
            double[] r = new double[8];
            System.arraycopy(a, offset, r, 0, 8);
            int i = 8;
            for (; i < n - (n % 8); i += 8) {
                for (int j = 0; j < 8; j++) {
                    r[j] += a[offset + i + j];
                }
            }
            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) {
                res += a[offset + i];
            }
            return res;
        }
        int half = n / 2;
        half -= half % 8;
        return pairwiseSum(a, offset, half) + pairwiseSum(a, offset + half, n - half);
    }
}
