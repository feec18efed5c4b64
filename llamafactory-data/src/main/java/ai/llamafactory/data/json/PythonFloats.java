package ai.llamafactory.data.json;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Python's float formatting and rounding, reproduced bit for bit.
 *
 * <ul>
 *   <li>{@link #repr}: {@code repr(x)}, the shortest decimal that reads back to the same double (the nearest one
 *       among equally short candidates), in fixed notation for decimal exponents -4 to 15 ({@code 0.0001},
 *       {@code 3.0}) and scientific notation otherwise ({@code 1e-05}, {@code 2.5e+16}); Java 17's
 *       {@link Double#toString} is not always the shortest ({@code 4.9E-324} for Python's {@code 5e-324}), so the
 *       digits are searched directly;</li>
 *   <li>{@link #toJson}: the same digits, with {@code NaN}, {@code Infinity}, {@code -Infinity} as {@code json.dumps}
 *       writes the non-finite values;</li>
 *   <li>{@link #round}: {@code round(x, n)} on the exact binary value, half to even;</li>
 *   <li>{@link #formatFixed}: {@code f"{x:.nf}"}, also from the exact binary value.</li>
 * </ul>
 */
public final class PythonFloats {
    private PythonFloats() {}

    /**
     * Python's {@code repr(x)} (and {@code str(x)}) for a float.
     *
     * @param x the value
     * @return e.g. {@code 0.0001}, {@code 1e-05}, {@code 3.0}, {@code -0.0}, {@code nan}, {@code inf}, {@code -inf}
     */
    public static String repr(double x) {
        if (Double.isNaN(x)) {
            return "nan";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        return finiteRepr(x);
    }

    /**
     * A float as Python's {@code json.dumps} writes it: {@link #repr} for finite values, {@code NaN},
     * {@code Infinity} and {@code -Infinity} otherwise.
     *
     * @param x the value
     * @return the JSON token
     */
    public static String toJson(double x) {
        if (Double.isNaN(x)) {
            return "NaN";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "Infinity" : "-Infinity";
        }
        return finiteRepr(x);
    }

    /**
     * Python's {@code round(x, digits)} for a float: the exact binary value rounded half-to-even at that decimal
     * place (so {@code round(2.675, 2)} is {@code 2.67}), keeping the sign of values that round to zero.
     *
     * @param x the value
     * @param digits decimal places
     * @return the rounded value; NaN, infinities and zeros unchanged
     */
    public static double round(double x, int digits) {
        if (!Double.isFinite(x) || x == 0.0) {
            return x;
        }
        double rounded =
                new BigDecimal(x).setScale(digits, RoundingMode.HALF_EVEN).doubleValue();
        return Math.copySign(rounded, x); // round(-1e-9, 3) is -0.0 in Python
    }

    /**
     * Python's {@code f"{x:.{decimals}f}"}: fixed notation with exactly that many decimals, rounded half-to-even on
     * the exact binary value (Java's {@code String.format} rounds the shortest decimal half-up, which differs on
     * ties).
     *
     * @param x the value
     * @param decimals decimal places
     * @return the text; {@code nan}, {@code inf}, {@code -inf} as Python writes them, {@code -0.0000} for negative
     *     values that round to zero
     */
    public static String formatFixed(double x, int decimals) {
        if (Double.isNaN(x)) {
            return "nan";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        String text =
                new BigDecimal(x).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        if (Double.doubleToRawLongBits(x) < 0 && !text.startsWith("-")) {
            text = "-" + text;
        }
        return text;
    }

    private static String finiteRepr(double x) {
        if (x == 0.0) {
            return Double.doubleToRawLongBits(x) < 0 ? "-0.0" : "0.0";
        }
        BigDecimal shortest = shortestDecimal(Math.abs(x));
        String digits = shortest.unscaledValue().toString();
        int exponent = digits.length() - 1 - shortest.scale(); // decimal exponent of the first digit
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') {
            end--;
        }
        digits = digits.substring(0, end);
        StringBuilder out = new StringBuilder(x < 0 ? "-" : "");
        if (exponent < -4 || exponent >= 16) {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            out.append('e').append(exponent < 0 ? '-' : '+');
            int magnitude = Math.abs(exponent);
            if (magnitude < 10) {
                out.append('0');
            }
            out.append(magnitude);
        } else if (exponent < 0) {
            out.append("0.");
            for (int i = -1; i > exponent; i--) {
                out.append('0');
            }
            out.append(digits);
        } else if (exponent + 1 >= digits.length()) {
            out.append(digits);
            for (int i = digits.length(); i <= exponent; i++) {
                out.append('0');
            }
            out.append(".0");
        } else {
            out.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, digits.length());
        }
        return out.toString();
    }

    /**
     * The shortest decimal that reads back as {@code x} (positive, finite); among equally short ones the closest to
     * {@code x} (David Gay's mode 0, which Python's {@code repr} uses). At each precision the correctly rounded
     * candidate and its two neighbours are tried, because near powers of two the rounding interval is asymmetric.
     */
    private static BigDecimal shortestDecimal(double x) {
        BigDecimal exact = new BigDecimal(x);
        for (int precision = 1; precision <= 17; precision++) {
            BigDecimal nearest = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            BigDecimal step = nearest.ulp();
            BigDecimal best = null;
            for (BigDecimal candidate : new BigDecimal[] {nearest, nearest.subtract(step), nearest.add(step)}) {
                if (candidate.signum() > 0
                        && candidate.precision() <= precision
                        && candidate.doubleValue() == x
                        && (best == null
                                || candidate
                                                .subtract(exact)
                                                .abs()
                                                .compareTo(best.subtract(exact).abs())
                                        < 0)) {
                    best = candidate;
                }
            }
            if (best != null) {
                return best;
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
    }
}
