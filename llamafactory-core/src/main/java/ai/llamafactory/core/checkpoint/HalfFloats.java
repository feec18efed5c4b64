package ai.llamafactory.core.checkpoint;

/**
 * Conversions between {@code float} and the two 16-bit float formats found in checkpoints, IEEE 754 binary16
 * ("fp16") and bfloat16 ("bf16"), bit-exact with PyTorch's CPU casts: widening is exact, narrowing rounds to nearest,
 * ties to even, overflows to infinity and keeps NaN a (quiet) NaN.
 *
 * <p>Java 17 has no {@code Float.float16ToFloat}; these are plain bit manipulations, allocation-free and safe to call
 * in tight loops. NaN inputs narrow to PyTorch's canonical NaNs ({@code 0x7e00} with the sign for fp16,
 * {@code 0x7fc0} for bfloat16).
 */
public final class HalfFloats {
    private static final int FLOAT_ABS = 0x7fff_ffff;
    private static final int FLOAT_INF = 0x7f80_0000;
    /** 65520.0f: the smallest float that rounds to fp16 infinity (halfway between 65504 and 65536, ties to even). */
    private static final int FP16_OVERFLOW = 0x477f_f000;
    /** 2^-14: the smallest normal fp16 value. */
    private static final int FP16_MIN_NORMAL = 0x3880_0000;

    private HalfFloats() {}

    /**
     * Widens an fp16 value to float (exact).
     *
     * @param bits the 16 bits of the fp16 value
     * @return the same number as a float
     */
    public static float fp16ToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f; // zero or subnormal: exact in float
            return sign == 0 ? magnitude : -magnitude;
        }
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | FLOAT_INF | (mantissa << 13));
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /**
     * Narrows a float to fp16, rounding to nearest even.
     *
     * @param value the float
     * @return the 16 bits of the nearest fp16 value
     */
    public static short floatToFp16(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & FLOAT_ABS;
        if (abs > FLOAT_INF) { // NaN: the canonical quiet NaN with the sign kept, as PyTorch does
            return (short) (sign | 0x7e00);
        }
        if (abs >= FP16_OVERFLOW) {
            return (short) (sign | 0x7c00);
        }
        if (abs < FP16_MIN_NORMAL) { // subnormal or zero: scale to units of 2^-24 and round (exact scaling)
            int units = (int) Math.rint(Float.intBitsToFloat(abs) * 0x1p24f);
            return (short) (sign | units);
        }
        int result = ((abs >>> 23) - 112) << 10 | ((abs >>> 13) & 0x3ff);
        int remainder = abs & 0x1fff;
        if (remainder > 0x1000 || (remainder == 0x1000 && (result & 1) != 0)) {
            result++; // a carry into the exponent is the correct rounding
        }
        return (short) (sign | result);
    }

    /**
     * Widens a bfloat16 value to float (exact).
     *
     * @param bits the 16 bits of the bfloat16 value
     * @return the same number as a float
     */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /**
     * Narrows a float to bfloat16, rounding to nearest even.
     *
     * @param value the float
     * @return the 16 bits of the nearest bfloat16 value
     */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & FLOAT_ABS) > FLOAT_INF) { // NaN: PyTorch's canonical bfloat16 NaN
            return (short) 0x7fc0;
        }
        int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    /**
     * Rounds a float to the nearest bfloat16 value and returns it as a float, as storing a weight in bfloat16 and
     * reading it back does.
     *
     * @param value the float
     * @return the bfloat16-rounded value
     */
    public static float roundToBf16(float value) {
        return bf16ToFloat(floatToBf16(value));
    }

    /**
     * Rounds a float to the nearest fp16 value and returns it as a float.
     *
     * @param value the float
     * @return the fp16-rounded value
     */
    public static float roundToFp16(float value) {
        return fp16ToFloat(floatToFp16(value));
    }
}
