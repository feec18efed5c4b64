package ai.llamafactory.data.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Expected texts are Python 3's own {@code json.dumps} output for the same values and options. */
class PythonJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PythonJson INDENT2_SORTED =
            PythonJson.builder().indent(2).sortKeys(true).build();

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
        String expected =
                """
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
        assertThat(INDENT2_SORTED.dumps(sample())).isEqualTo(expected);
    }

    @Test
    void oneLineDumpKeepsInsertionOrderLikeJsonDumps() {
        assertThat(PythonJson.DEFAULTS.dumps(sample()))
                .isEqualTo("{\"b\": [1, 2.0, {\"z\": null, \"a\": true}], "
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
        m.put("\uD83D\uDE00", 5); // U+1F600 sorts after U+FF21 by code point, before it by UTF-16 unit
        m.put("\uFF21", 6);
        assertThat(PythonJson.builder().sortKeys(true).build().dumps(m))
                .isEqualTo("{\"A\": 3, \"a\": 4, \"z\": 2, \"\\u00e9\": 1, \"\\uff21\": 6, \"\\ud83d\\ude00\": 5}");
    }

    @Test
    void numbersFollowTheBoxedType() {
        List<Object> values = List.of(
                1,
                2L,
                (short) 3,
                (byte) 4,
                new BigInteger("123456789012345678901234567890"),
                1.0f,
                0.1,
                new BigDecimal("0.25"),
                -0.0,
                1e-5);
        assertThat(PythonJson.DEFAULTS.dumps(values))
                .isEqualTo("[1, 2, 3, 4, 123456789012345678901234567890, 1.0, 0.1, 0.25, -0.0, 1e-05]");
        assertThat(PythonJson.DEFAULTS.dumps(new double[] {1, 0.5})).isEqualTo("[1.0, 0.5]");
        assertThat(PythonJson.DEFAULTS.dumps(new double[0])).isEqualTo("[]");
    }

    @Test
    void enumsPathsAndCharSequencesAreStrings() {
        assertThat(PythonJson.DEFAULTS.dumps(List.of(TimeUnit.SECONDS, Path.of("a/b"), new StringBuilder("s"))))
                .isEqualTo("[\"SECONDS\", \"a/b\", \"s\"]");
    }

    @Test
    void escapingFollowsEnsureAscii() {
        String s = "\u007f\u0001\u001f\u00e9\u2028\t\b\f\r\\/";
        // json.dumps(s) and json.dumps(s, ensure_ascii=False)
        assertThat(PythonJson.DEFAULTS.dumps(s)).isEqualTo("\"\\u007f\\u0001\\u001f\\u00e9\\u2028\\t\\b\\f\\r\\\\/\"");
        assertThat(PythonJson.builder().ensureAscii(false).build().dumps(s))
                .isEqualTo("\"\u007f\\u0001\\u001f\u00e9\u2028\\t\\b\\f\\r\\\\/\"");
        StringBuilder out = new StringBuilder();
        PythonJson.appendString(out, "\"\u00e9\"", false);
        assertThat(out).hasToString("\"\\\"\u00e9\\\"\"");
    }

    @Test
    void jacksonTreesAreWrittenLikeTheSameValues() throws Exception {
        // json.dumps(json.loads(...), ensure_ascii=False): tool calls read from datasets
        assertThat(PythonJson.builder()
                        .ensureAscii(false)
                        .build()
                        .dumps(JSON.readTree("{\"a\":[1,2.5,true,null,\"é\\n\"],\"b\":{}}")))
                .isEqualTo("{\"a\": [1, 2.5, true, null, \"é\\n\"], \"b\": {}}");
        assertThat(PythonJson.DEFAULTS.dumps(JSON.readTree("[1e-5, 12345678901234567890123, 1E+16, -0.0]")))
                .isEqualTo("[1e-05, 12345678901234567890123, 1e+16, -0.0]");
        // json.dumps(obj, indent=2, sort_keys=True) and with ensure_ascii=False, as PEFT writes adapter_config.json
        ObjectNode o = JSON.createObjectNode();
        o.put("b", "é\u2028");
        o.putArray("a");
        o.putObject("c").put("z", 1).put("y", 0.5);
        assertThat(INDENT2_SORTED.dumps(o))
                .isEqualTo(
                        "{\n  \"a\": [],\n  \"b\": \"\\u00e9\\u2028\",\n  \"c\": {\n    \"y\": 0.5,\n    \"z\": 1\n  }\n}");
        assertThat(PythonJson.builder().indent(2).ensureAscii(false).build().dumps(o))
                .startsWith("{\n  \"b\": \"é\u2028\",");
        // A list of trees, as the Mistral tool format passes them.
        assertThat(PythonJson.DEFAULTS.dumps(List.of(JSON.readTree("{\"x\": 1}"), JSON.readTree("[]"))))
                .isEqualTo("[{\"x\": 1}, []]");
    }

    @Test
    void indentFourWithoutAsciiEscapes() throws Exception {
        // json.dumps({"name": "天气", "p": {"q": [1, 2]}}, indent=4, ensure_ascii=False)
        assertThat(PythonJson.builder()
                        .indent(4)
                        .ensureAscii(false)
                        .build()
                        .dumps(JSON.readTree("{\"name\": \"天气\", \"p\": {\"q\": [1, 2]}}")))
                .isEqualTo("{\n    \"name\": \"天气\",\n    \"p\": {\n        \"q\": [\n            1,\n"
                        + "            2\n        ]\n    }\n}");
    }

    @Test
    void indentZeroPutsItemsOnTheirOwnLines() {
        // json.dumps([1, {"a": 2}], indent=0)
        assertThat(PythonJson.builder().indent(0).build().dumps(List.of(1, Map.of("a", 2))))
                .isEqualTo("[\n1,\n{\n\"a\": 2\n}\n]");
    }

    @Test
    void explicitSeparatorsReplaceTheDefaults() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", List.of(1, 2));
        m.put("b", "c");
        // json.dumps(m, separators=(",", ":"))
        assertThat(PythonJson.builder().separators(",", ":").build().dumps(m)).isEqualTo("{\"a\":[1,2],\"b\":\"c\"}");
        // json.dumps(m, indent=1, separators=(", ", " = ")): the item separator keeps its trailing space
        assertThat(PythonJson.builder()
                        .indent(1)
                        .separators(", ", " = ")
                        .build()
                        .dumps(m))
                .isEqualTo("{\n \"a\" = [\n  1, \n  2\n ], \n \"b\" = \"c\"\n}");
        // only the key separator given: the item separator stays Python's default for the indent
        assertThat(PythonJson.builder().separators(null, "=").build().dumps(m))
                .isEqualTo("{\"a\"=[1, 2], \"b\"=\"c\"}");
    }

    @Test
    void keysAreCoercedAsPythonDoes() {
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put(1L, "int");
        m.put(2.5, "float");
        m.put(true, "bool");
        m.put(null, "none");
        m.put(Double.NaN, "nan");
        // json.dumps({1: "int", 2.5: "float", True: "bool", None: "none", float("nan"): "nan"})
        assertThat(PythonJson.DEFAULTS.dumps(m))
                .isEqualTo(
                        "{\"1\": \"int\", \"2.5\": \"float\", \"true\": \"bool\", \"null\": \"none\", \"NaN\": \"nan\"}");
        assertThatThrownBy(() -> PythonJson.DEFAULTS.dumps(Map.of(List.of(1), 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keys must be str, int, float");
    }

    @Test
    void theDefaultFunctionReplacesUnserializableValues() {
        PythonJson json = PythonJson.builder()
                .fallback(v -> "<" + v.getClass().getSimpleName() + ">")
                .build();
        assertThat(json.dumps(Map.of("x", new Object()))).isEqualTo("{\"x\": \"<Object>\"}");
        PythonJson identity = PythonJson.builder().fallback(v -> v).build();
        assertThatThrownBy(() -> identity.dumps(new Object()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Object");
    }

    @Test
    void unsupportedValuesAreRefused() {
        assertThatThrownBy(() -> PythonJson.DEFAULTS.dumps(Map.of("x", new Object())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Object")
                .hasMessageContaining("is not JSON serializable");
    }

    @Test
    @SuppressWarnings("unchecked")
    void parseKeepsIntsAndFloatsApart() {
        Object parsed = PythonJson.parse("{\"i\": 3, \"f\": 3.0, \"n\": NaN, \"l\": [true, null, \"s\"], "
                + "\"big\": 123456789012345678901234567890}");
        assertThat(parsed).isInstanceOf(Map.class);
        Map<?, ?> m = (Map<?, ?>) parsed;
        assertThat(m.get("i")).isEqualTo(3L);
        assertThat(m.get("f")).isEqualTo(3.0);
        assertThat((Double) m.get("n")).isNaN();
        assertThat((List<Object>) m.get("l")).containsExactly(true, null, "s");
        assertThat(m.get("big")).isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(PythonJson.DEFAULTS.dumps(parsed))
                .isEqualTo("{\"i\": 3, \"f\": 3.0, \"n\": NaN, "
                        + "\"l\": [true, null, \"s\"], \"big\": 123456789012345678901234567890}");
    }

    @Test
    void malformedJsonNamesTheLocation() {
        assertThatThrownBy(() -> PythonJson.parse("{\"a\": 1,\n \"b\": }"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2");
    }

    @Test
    void optionsAreVisible() {
        assertThat(PythonJson.DEFAULTS.indent()).isEqualTo(-1);
        assertThat(PythonJson.DEFAULTS.ensureAscii()).isTrue();
        assertThat(PythonJson.DEFAULTS.sortKeys()).isFalse();
        assertThat(INDENT2_SORTED.indent()).isEqualTo(2);
        assertThat(INDENT2_SORTED.sortKeys()).isTrue();
    }
}
