package ai.llamafactory.data.jinja;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Differential tests: each case's expected output was produced by the reference jinja2 package configured as
 * transformers configures it (see {@code src/test/resources/jinja/generate_cases.py}).
 */
class JinjaTemplateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZonedDateTime FIXED_NOW = ZonedDateTime.of(2024, 7, 26, 9, 5, 3, 0, ZoneOffset.UTC);

    @TestFactory
    List<DynamicTest> rendersLikeJinja2() throws IOException {
        JsonNode cases;
        try (InputStream in = getClass().getResourceAsStream("/jinja/jinja_cases.json")) {
            cases = JSON.readTree(in);
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases) {
            String template = c.get("template").asText();
            Map<String, Object> vars =
                    JSON.convertValue(c.get("variables"), new TypeReference<Map<String, Object>>() {});
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                if (c.has("expected")) {
                    assertThat(JinjaTemplate.compile(template).render(vars, FIXED_NOW))
                            .isEqualTo(c.get("expected").asText());
                } else {
                    String error = c.get("error").asText();
                    assertThatThrownBy(() -> JinjaTemplate.compile(template).render(vars, FIXED_NOW))
                            .as(error)
                            .isInstanceOf(JinjaException.class);
                    if (error.startsWith("TemplateError: ")) {
                        assertThatThrownBy(() -> JinjaTemplate.compile(template).render(vars, FIXED_NOW))
                                .isInstanceOfSatisfying(
                                        TemplateRaisedException.class, e -> assertThat(e.templateMessage())
                                                .isEqualTo(error.substring("TemplateError: ".length())));
                    }
                }
            }));
        }
        return tests;
    }

    @Test
    void syntaxErrorNamesTheLine() {
        assertThatThrownBy(() -> JinjaTemplate.compile("line one\n{% if x %}\nno end"))
                .isInstanceOf(JinjaException.class)
                .hasMessageContaining("line 3")
                .hasMessageContaining("expected one of [elif, else, endif]");
        assertThatThrownBy(() -> JinjaTemplate.compile("a\nb\n{{ x + }}"))
                .isInstanceOf(JinjaException.class)
                .hasMessageContaining("line 3");
        assertThatThrownBy(() -> JinjaTemplate.compile("{% include 'x' %}"))
                .isInstanceOf(JinjaException.class)
                .hasMessageContaining("unsupported or unknown tag");
    }

    @Test
    void unknownFilterIsAnError() {
        assertThatThrownBy(() -> JinjaTemplate.compile("{{ 'x' | frobnicate }}").render(Map.of()))
                .isInstanceOf(JinjaException.class)
                .hasMessageContaining("no filter named 'frobnicate'");
    }
}
