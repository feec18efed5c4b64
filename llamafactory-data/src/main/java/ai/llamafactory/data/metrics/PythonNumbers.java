package ai.llamafactory.data.metrics;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Python's and numpy's floating-point operations that decide the numbers LLaMA-Factory prints, reproduced bit for
 * bit: {@code round(x, n)}, {@code "{:.nf}".format(x)}, {@code repr(x)} (also what {@code json.dump} writes),
 * {@code math.fsum} and {@code np.mean} (pairwise summation).
 */
final class PythonNumbers {
    /** numpy's block size below which pairwise summation adds sequentially with eight accumulators. */
    private static final int PAIRWISE_BLOCK = 128;
    /** numpy's default ufunc buffer size ({@code np.getbufsize()}): reductions see the array in chunks this long. */
    private static final int UFUNC_BUFFER = 8192;

    private PythonNumbers() {}

    /**
     * Python's {@code round(x, digits)} for a float: the exact binary value rounded half-to-even at the given number
     * of decimals, converted back to the nearest double.
     *
     * @param x the value
     * @param digits decimals to keep
     * @return the rounded value
     */
    static double round(double x, int digits) {
        if (!Double.isFinite(x) || x == 0.0) {
            return x;
        }
        double rounded = new BigDecimal(x).setScale(digits, RoundingMode.HALF_EVEN).doubleValue();
        return rounded == 0.0 ? Math.copySign(0.0, x) : rounded;
    }

    /**
     * Python's {@code "{:.Nf}".format(x)}: fixed notation, correctly rounded half-to-even from the exact binary
     * value (Java's {@code String.format} rounds the shortest decimal half-up, which differs on ties).
     *
     * @param x the value
     * @param digits decimals
     * @return the text
     */
    static String formatFixed(double x, int digits) {
        if (Double.isNaN(x)) {
            return "nan";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        String text = new BigDecimal(x).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
        if ((x < 0 || (x == 0.0 && 1.0 / x < 0)) && !text.startsWith("-")) {
            text = "-" + text;
        }
        return text;
    }

    /**
     * A float as Python's {@code json.dump} writes it: {@code repr(x)} (the shortest decimal that reads back as the
     * same double; fixed notation for decimal exponents -4 to 15, else {@code 1.5e-05} style), and {@code NaN},
     * {@code Infinity}, {@code -Infinity} for the non-finite values.
     *
     * @param x the value
     * @return its JSON text
     */
    static String jsonFloat(double x) {
        if (Double.isNaN(x)) {
            return "NaN";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "Infinity" : "-Infinity";
        }
        if (x == 0.0) {
            return 1.0 / x < 0 ? "-0.0" : "0.0";
        }
        BigDecimal shortest = shortestDecimal(x).stripTrailingZeros();
        String digits = shortest.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - shortest.scale();
        String sign = x < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = shortest.abs().toPlainString();
            return sign + (plain.indexOf('.') >= 0 ? plain : plain + ".0");
        }
        StringBuilder out = new StringBuilder(sign).append(digits.charAt(0));
        if (digits.length() > 1) {
            out.append('.').append(digits, 1, digits.length());
        }
        out.append('e').append(exponent < 0 ? '-' : '+');
        int magnitude = Math.abs(exponent);
        if (magnitude < 10) {
            out.append('0');
        }
        return out.append(magnitude).toString();
    }

    /**
     * The shortest decimal that reads back as {@code x}, the one nearest to {@code x} among equally short ones
     * (David Gay's mode 0, which Python's {@code repr} uses).
     */
    private static BigDecimal shortestDecimal(double x) {
        BigDecimal exact = new BigDecimal(x);
        for (int precision = 1; precision < 17; precision++) {
            BigDecimal candidate = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            if (candidate.doubleValue() == x) {
                return candidate;
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
    }

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
