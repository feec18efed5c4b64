package ai.llamafactory.core.train.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expected texts are Python 3's own output ({@code repr}, {@code round}, {@code json.dumps}) for the same values. */
class PythonJsonTest {

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
        "0.5, 0.5"
    })
    void floatsAreWrittenAsPythonRepr(double value, String python) {
        assertThat(PythonJson.formatFloat(value)).isEqualTo(python);
    }

    @Test
    void shortestDigitsWhereJava17DoubleToStringDiffers() {
        assertThat(PythonJson.formatFloat(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        // A float32 value widened to double, as grad_norm from tensor.item() is in Python.
        assertThat(PythonJson.formatFloat((double) 0.1f)).isEqualTo("0.10000000149011612");
        // Java 17 prints 2.0E-3 style exponents and, for some values, more digits than needed.
        assertThat(PythonJson.formatFloat(2.0e-3)).isEqualTo("0.002");
        assertThat(PythonJson.formatFloat(1.0E23)).isEqualTo("1e+23");
    }

    @Test
    void everyFormattedFloatReadsBackToTheSameDouble() {
        Random random = new Random(11);
        for (int i = 0; i < 2_000; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            if (Double.isNaN(d)) {
                continue;
            }
            String text = PythonJson.formatFloat(d);
            assertThat(Double.parseDouble(text)).as(text).isEqualTo(d);
        }
    }

    @Test
    void roundIsPythonRoundOnTheExactBinaryValue() {
        assertThat(PythonJson.round(2.675, 2)).isEqualTo(2.67); // 2.675 is 2.67499999... in binary
        assertThat(PythonJson.round(0.5, 0)).isEqualTo(0.0);
        assertThat(PythonJson.round(1.5, 0)).isEqualTo(2.0);
        assertThat(PythonJson.round(2.5, 0)).isEqualTo(2.0);
        assertThat(PythonJson.round(33.333333, 2)).isEqualTo(33.33);
        assertThat(Double.doubleToRawLongBits(PythonJson.round(-1e-9, 3)))
                .isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(PythonJson.formatFixed(1.23456789, 4)).isEqualTo("1.2346");
        assertThat(PythonJson.formatFixed(-1e-9, 4)).isEqualTo("-0.0000");
    }

    private static Map<String, Object> sample() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("z", null);
        inner.put("a", true);
        List<Object> list = new ArrayList<>(List.of(1, 2.0));
        list.add(inner);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", list);
        m.put("a", "h\u00e9llo\n\"q\"\u20ac\uD83D\uDE00");
        m.put("c", Map.of());
        m.put("d", List.of());
        m.put("e", Double.NaN);
        m.put("f", Double.POSITIVE_INFINITY);
        return m;
    }

    @Test
    void indentedSortedDumpMatchesPython() {
        String expected = """
                {
                  "a": "h\\u00e9llo\\n\\"q\\"\\u20ac\\ud83d\\ude00",
                  "b": [
                    1,
                    2.0,
                    {
                      "a": true,
                      "z": null
                    }
                  ],
                  "c": {},
                  "d": [],
                  "e": NaN,
                  "f": Infinity
                }""";
        assertThat(PythonJson.dumps(sample(), 2, true)).isEqualTo(expected);
    }

    @Test
    void oneLineDumpKeepsInsertionOrderLikeJsonDumps() {
        assertThat(PythonJson.dumps(sample())).isEqualTo("{\"b\": [1, 2.0, {\"z\": null, \"a\": true}], "
                + "\"a\": \"h\\u00e9llo\\n\\\"q\\\"\\u20ac\\ud83d\\ude00\", \"c\": {}, \"d\": [], \"e\": NaN, "
                + "\"f\": Infinity}");
    }

    @Test
    void keysSortByCodePoint() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("\u00e9", 1);
        m.put("z", 2);
        m.put("A", 3);
        m.put("a", 4);
        assertThat(PythonJson.dumps(m, -1, true)).isEqualTo("{\"A\": 3, \"a\": 4, \"z\": 2, \"\\u00e9\": 1}");
    }

    @Test
    @SuppressWarnings("unchecked")
    void parseKeepsIntsAndFloatsApart() {
        Object parsed = PythonJson.parse("{\"i\": 3, \"f\": 3.0, \"n\": NaN, \"l\": [true, null, \"s\"]}");
        assertThat(parsed).isInstanceOf(Map.class);
        Map<?, ?> m = (Map<?, ?>) parsed;
        assertThat(m.get("i")).isEqualTo(3L);
        assertThat(m.get("f")).isEqualTo(3.0);
        assertThat((Double) m.get("n")).isNaN();
        assertThat((List<Object>) m.get("l")).containsExactly(true, null, "s");
        assertThat(PythonJson.dumps(parsed)).isEqualTo("{\"i\": 3, \"f\": 3.0, \"n\": NaN, \"l\": [true, null, \"s\"]}");
    }

    @Test
    void malformedJsonNamesTheLocation() {
        assertThatThrownBy(() -> PythonJson.parse("{\"a\": 1,\n \"b\": }"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
    }

    @Test
    void unsupportedValuesAreRefused() {
        assertThatThrownBy(() -> PythonJson.dumps(Map.of("x", new Object())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Object");
    }
}
