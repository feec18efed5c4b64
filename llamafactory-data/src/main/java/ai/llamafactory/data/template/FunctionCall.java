package ai.llamafactory.data.template;

import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.data.json.PythonJson;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One tool call: a function name and its arguments as a JSON object text (LLaMA-Factory's {@code FunctionCall}).
 *
 * @param name the function name
 * @param arguments the arguments, a JSON text as Python's {@code json.dumps(args, ensure_ascii=False)} writes it
 */
public record FunctionCall(String name, String arguments) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** {@code json.dumps(x, ensure_ascii=False)}, as LLaMA-Factory writes tool calls and tool lists. */
    private static final PythonJson PY_JSON =
            PythonJson.builder().ensureAscii(false).build();

    /** Checks for nulls. */
    public FunctionCall {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
    }

    /**
     * Parses the content of a function turn: {@code {"name": ..., "arguments": ...}} or a list of those (parallel
     * calls).
     *
     * @param json the turn content
     * @return the calls, arguments re-serialised as Python's {@code json.dumps} does
     * @throws InvalidConfigException when the text is not such JSON
     */
    public static List<FunctionCall> parseAll(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidConfigException("Invalid JSON format in function message: " + json, e);
        }
        List<FunctionCall> calls = new ArrayList<>();
        if (root == null) {
            throw new InvalidConfigException("Invalid JSON format in function message: " + json);
        }
        for (JsonNode call : root.isArray() ? root : List.of(root)) {
            if (!call.isObject() || !call.has("name") || !call.has("arguments")) {
                throw new InvalidConfigException("Function call needs 'name' and 'arguments': " + call);
            }
            calls.add(new FunctionCall(call.get("name").asText(), PY_JSON.dumps(call.get("arguments"))));
        }
        return calls;
    }
}
