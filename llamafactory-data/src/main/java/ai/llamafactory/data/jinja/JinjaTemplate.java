package ai.llamafactory.data.jinja;

import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A compiled Jinja template, rendered as transformers renders chat templates.
 *
 * <pre>{@code
 * JinjaTemplate t = JinjaTemplate.compile(tokenizer.chatTemplate().orElseThrow());
 * String prompt = t.render(Map.of(
 *         "messages", List.of(Map.of("role", "user", "content", "Hi")),
 *         "add_generation_prompt", true));
 * }</pre>
 *
 * <p>Variables may be Java values ({@link String}, numbers, {@link Boolean}, {@code null} for None, {@link List},
 * {@link Map}) or Jackson {@code JsonNode}s. A compiled template is immutable and thread-safe.
 */
public final class JinjaTemplate {
    private final String source;
    private final List<Node> body;

    private JinjaTemplate(String source, List<Node> body) {
        this.source = source;
        this.body = body;
    }

    /**
     * Parses a template.
     *
     * @param source the template text
     * @return the compiled template
     * @throws JinjaException on a syntax error or an unsupported construct, naming the line
     */
    public static JinjaTemplate compile(String source) {
        return new JinjaTemplate(source, Parser.parse(source));
    }

    /** @return the template text */
    public String source() {
        return source;
    }

    /**
     * Renders the template.
     *
     * @param variables the template variables (copied and converted to Python-like values)
     * @return the rendered text
     * @throws JinjaException when rendering fails (undefined values used as values, type errors, or
     *     {@link TemplateRaisedException} when the template calls {@code raise_exception})
     */
    public String render(Map<String, ?> variables) {
        return render(variables, ZonedDateTime.now());
    }

    /** Renders with a fixed time for {@code strftime_now} (tests). */
    String render(Map<String, ?> variables, ZonedDateTime now) {
        Map<String, Object> globals = new HashMap<>(Builtins.globals(now));
        for (Map.Entry<String, ?> e : variables.entrySet()) {
            globals.put(e.getKey(), PyValues.fromJava(e.getValue()));
        }
        return new Interpreter(globals).render(body);
    }
}
