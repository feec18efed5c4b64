package ai.llamafactory.data.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expected texts are Python 3's own output ({@code repr}, {@code round}, {@code f"{x:.nf}"}) for the same values. */
class PythonFloatsTest {

    @ParameterizedTest
    @CsvSource({
        "0.0001, 0.0001",
        "0.00001, 1e-05",
        "3.0, 3.0",
        "1e16, 1e+16",
        "1e15, 1000000000000000.0",
        "5e-324, 5e-324",
        "1.7976931348623157e308, 1.7976931348623157e+308",
        "123456789.123, 123456789.123",
        "-0.0, -0.0",
        "1.9e-05, 1.9e-05",
        "4.5e-05, 4.5e-05",
        "9.5367431640625e-07, 9.5367431640625e-07",
        "2.5e16, 2.5e+16",
        "100, 100.0",
        "-1.5e-07, -1.5e-07",
        "12345678901234567890.0, 1.2345678901234567e+19",
        "0.5, 0.5",
        // adapter_config.json values (PEFT)
        "0.05, 0.05",
        "2.0, 2.0",
        "123456.5, 123456.5",
        "-2.5e-7, -2.5e-07"
    })
    void floatsAreWrittenAsPythonRepr(double value, String python) {
        assertThat(PythonFloats.repr(value)).isEqualTo(python);
        assertThat(PythonFloats.toJson(value)).isEqualTo(python);
    }

    @Test
    void nonFiniteValuesDifferBetweenReprAndJson() {
        assertThat(PythonFloats.repr(Double.NaN)).isEqualTo("nan");
        assertThat(PythonFloats.repr(Double.POSITIVE_INFINITY)).isEqualTo("inf");
        assertThat(PythonFloats.repr(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
        assertThat(PythonFloats.toJson(Double.POSITIVE_INFINITY)).isEqualTo("Infinity");
        assertThat(PythonFloats.toJson(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
        assertThat(PythonFloats.formatFixed(Double.NaN, 2)).isEqualTo("nan");
        assertThat(PythonFloats.formatFixed(Double.NEGATIVE_INFINITY, 2)).isEqualTo("-inf");
        assertThat(PythonFloats.round(Double.NaN, 2)).isNaN();
    }

    @Test
    void shortestDigitsWhereJava17DoubleToStringDiffers() {
        assertThat(PythonFloats.repr(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        // A float32 value widened to double, as grad_norm from tensor.item() is in Python.
        assertThat(PythonFloats.repr((double) 0.1f)).isEqualTo("0.10000000149011612");
        // Java 17 prints 2.0E-3 style exponents and, for some values, more digits than needed.
        assertThat(PythonFloats.repr(2.0e-3)).isEqualTo("0.002");
        assertThat(PythonFloats.repr(1.0E23)).isEqualTo("1e+23");
        assertThat(Double.toString(Double.MIN_VALUE)).isEqualTo("4.9E-324"); // Java 17; Python says 5e-324
        assertThat(PythonFloats.repr(Double.MIN_VALUE)).isEqualTo("5e-324");
    }

    @Test
    void everyFormattedFloatReadsBackToTheSameDouble() {
        Random random = new Random(11);
        for (int i = 0; i < 2_000; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            if (Double.isNaN(d)) {
                continue;
            }
            String text = PythonFloats.repr(d);
            assertThat(Double.parseDouble(text)).as(text).isEqualTo(d);
        }
    }

    @Test
    void roundIsPythonRoundOnTheExactBinaryValue() {
        assertThat(PythonFloats.round(2.675, 2)).isEqualTo(2.67); // 2.675 is 2.67499999... in binary
        assertThat(PythonFloats.round(0.5, 0)).isEqualTo(0.0);
        assertThat(PythonFloats.round(1.5, 0)).isEqualTo(2.0);
        assertThat(PythonFloats.round(2.5, 0)).isEqualTo(2.0);
        assertThat(PythonFloats.round(33.333333, 2)).isEqualTo(33.33);
        assertThat(Double.doubleToRawLongBits(PythonFloats.round(-1e-9, 3)))
                .isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(PythonFloats.formatFixed(1.23456789, 4)).isEqualTo("1.2346");
        assertThat(PythonFloats.formatFixed(-1e-9, 4)).isEqualTo("-0.0000");
    }

    @Test
    void roundIsHalfEvenOnTheExactBinaryValue() {
        // 2.675 is stored as 2.67499999999999982236431605997495353221893310546875 -> 2.67
        assertThat(PythonFloats.round(2.675, 2)).isEqualTo(2.67);
        // 0.125 and 0.375 are exact ties -> even last digit
        assertThat(PythonFloats.round(0.125, 2)).isEqualTo(0.12);
        assertThat(PythonFloats.round(0.375, 2)).isEqualTo(0.38);
        assertThat(PythonFloats.round(79.9999995, 4)).isEqualTo(80.0);
        assertThat(PythonFloats.round(0.0, 4)).isEqualTo(0.0);
    }

    @Test
    void fixedFormatRoundsLikePython() {
        // Java's String.format("%.2f") gives 0.13 and 1.01 here
        assertThat(PythonFloats.formatFixed(0.125, 2)).isEqualTo("0.12");
        assertThat(PythonFloats.formatFixed(1.005, 2)).isEqualTo("1.00");
        assertThat(PythonFloats.formatFixed(2.675, 2)).isEqualTo("2.67");
        assertThat(PythonFloats.formatFixed(100 * (4.0 / 7), 2)).isEqualTo("57.14");
        assertThat(PythonFloats.formatFixed(100.0, 2)).isEqualTo("100.00");
    }

    @Test
    void jsonFloatsAreReprs() {
        assertThat(PythonFloats.toJson(1e-05)).isEqualTo("1e-05");
        assertThat(PythonFloats.toJson(1.5e-7)).isEqualTo("1.5e-07");
        assertThat(PythonFloats.toJson(1e16)).isEqualTo("1e+16");
        assertThat(PythonFloats.toJson(1e15)).isEqualTo("1000000000000000.0");
        assertThat(PythonFloats.toJson(0.0001)).isEqualTo("0.0001");
        assertThat(PythonFloats.toJson(123.0)).isEqualTo("123.0");
        assertThat(PythonFloats.toJson(-0.0)).isEqualTo("-0.0");
        assertThat(PythonFloats.toJson(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(PythonFloats.toJson(Double.MIN_VALUE)).isEqualTo("5e-324");
        assertThat(PythonFloats.toJson(Double.MAX_VALUE)).isEqualTo("1.7976931348623157e+308");
        assertThat(PythonFloats.toJson(55.238099999999996)).isEqualTo("55.238099999999996");
        assertThat(PythonFloats.toJson(Double.NaN)).isEqualTo("NaN");
    }
}
