package ai.llamafactory.data.template;

import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.data.json.PythonJson;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How tools are described in the system prompt, how function calls are written into an assistant turn, and how they
 * are read back from model output (LLaMA-Factory's {@code tool_format}).
 */
public enum ToolFormat {
    /** ReAct style: {@code Action: name} / {@code Action Input: {...}}. */
    DEFAULT("default") {
        @Override
        public String formatTools(JsonNode tools) {
            StringBuilder toolText = new StringBuilder();
            List<String> names = new ArrayList<>();
            for (JsonNode tool : tools) {
                JsonNode t = unwrap(tool);
                StringBuilder params = new StringBuilder();
                JsonNode parameters = t.path("parameters");
                JsonNode required = parameters.path("required");
                parameters.path("properties").fields().forEachRemaining(e -> {
                    JsonNode p = e.getValue();
                    String req = contains(required, e.getKey()) ? ", required" : "";
                    String enumText = "";
                    if (p.has("enum") && p.get("enum").size() > 0) {
                        List<String> values = new ArrayList<>();
                        p.get("enum").forEach(v -> values.add(v.isTextual() ? v.asText() : v.toString()));
                        enumText = ", should be one of [" + String.join(", ", values) + "]";
                    }
                    String items = "";
                    if (p.has("items") && p.get("items").size() > 0) {
                        items = ", where each item should be "
                                + text(p.get("items").path("type"));
                    }
                    params.append("  - ")
                            .append(e.getKey())
                            .append(" (")
                            .append(text(p.path("type")))
                            .append(req)
                            .append("): ")
                            .append(text(p.path("description")))
                            .append(enumText)
                            .append(items)
                            .append('\n');
                });
                String name = text(t.path("name"));
                toolText.append("> Tool Name: ")
                        .append(name)
                        .append("\nTool Description: ")
                        .append(text(t.path("description")))
                        .append("\nTool Args:\n")
                        .append(params)
                        .append('\n');
                names.add(name);
            }
            return "You have access to the following tools:\n" + toolText
                    + "Use the following format if using a tool:\n```\nAction: tool name (one of ["
                    + String.join(", ", names) + "])\nAction Input: the input to the tool, in a JSON format "
                    + "representing the kwargs (e.g. ```{\"input\": \"hello world\", \"num_beams\": 5}```)\n```\n";
        }

        @Override
        public String formatFunctionCalls(List<FunctionCall> calls) {
            List<String> parts = new ArrayList<>();
            for (FunctionCall c : calls) {
                parts.add("Action: " + c.name() + "\nAction Input: " + c.arguments());
            }
            return String.join("\n", parts);
        }

        @Override
        public Optional<List<FunctionCall>> extract(String content) {
            Matcher m = DEFAULT_ACTION.matcher(content);
            List<FunctionCall> calls = new ArrayList<>();
            while (m.find()) {
                String input = stripChars(stripChars(m.group(2).strip(), "\""), "`");
                JsonNode args = readJsonOrNull(input);
                if (args == null) {
                    return Optional.empty();
                }
                calls.add(new FunctionCall(m.group(1).strip(), PY_JSON.dumps(args)));
            }
            return calls.isEmpty() ? Optional.empty() : Optional.of(calls);
        }
    },

    /** Qwen 2.5 / Qwen 3: JSON schemas in {@code <tools>}, calls in {@code <tool_call>} blocks. */
    QWEN("qwen") {
        @Override
        public String formatTools(JsonNode tools) {
            StringBuilder toolText = new StringBuilder();
            for (JsonNode tool : tools) {
                toolText.append('\n').append(PY_JSON.dumps(wrapFunction(tool)));
            }
            return "\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
                    + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>" + toolText
                    + "\n</tools>\n\nFor each function call, return a json object with function name and arguments "
                    + "within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, "
                    + "\"arguments\": <args-json-object>}\n</tool_call>";
        }

        @Override
        public String formatFunctionCalls(List<FunctionCall> calls) {
            List<String> parts = new ArrayList<>();
            for (FunctionCall c : calls) {
                parts.add("<tool_call>\n" + nameAndArguments(c, "arguments") + "\n</tool_call>");
            }
            return String.join("\n", parts);
        }

        @Override
        public Optional<List<FunctionCall>> extract(String content) {
            Matcher m = QWEN_CALL.matcher(content);
            List<FunctionCall> calls = new ArrayList<>();
            while (m.find()) {
                JsonNode call = readJsonOrNull(m.group(1).strip());
                if (call == null || !call.has("name") || !call.has("arguments")) {
                    return Optional.empty();
                }
                calls.add(new FunctionCall(call.get("name").asText(), PY_JSON.dumps(call.get("arguments"))));
            }
            return calls.isEmpty() ? Optional.empty() : Optional.of(calls);
        }
    },

    /** Llama 3.x JSON tool calling (tools in the system prompt with today's date). */
    LLAMA3("llama3") {
        @Override
        public String formatTools(JsonNode tools) {
            StringBuilder toolText = new StringBuilder();
            for (JsonNode tool : tools) {
                toolText.append(PY_JSON_INDENTED.dumps(wrapFunction(tool))).append("\n\n");
            }
            String date = LocalDate.now().format(DateTimeFormatter.ofPattern("dd MMM yyyy", Locale.ENGLISH));
            return "Cutting Knowledge Date: December 2023\nToday Date: " + date + "\n\n"
                    + "You have access to the following functions. To call a function, please respond with JSON for a "
                    + "function call. Respond in the format {\"name\": function name, \"parameters\": dictionary of "
                    + "argument name and its value}. Do not use variables.\n\n" + toolText;
        }

        @Override
        public String formatFunctionCalls(List<FunctionCall> calls) {
            if (calls.size() == 1) {
                return nameAndArguments(calls.get(0), "parameters");
            }
            List<String> parts = new ArrayList<>();
            for (FunctionCall c : calls) {
                parts.add(nameAndArguments(c, "parameters"));
            }
            return "[" + String.join(", ", parts) + "]";
        }

        @Override
        public Optional<List<FunctionCall>> extract(String content) {
            return extractJsonCalls(content, "parameters");
        }
    },

    /** Mistral v0.3: {@code [AVAILABLE_TOOLS]} and a JSON list of calls. */
    MISTRAL("mistral") {
        @Override
        public String formatTools(JsonNode tools) {
            ArrayNode wrapped = JSON.createArrayNode();
            for (JsonNode tool : tools) {
                wrapped.add(wrapFunction(tool));
            }
            return "[AVAILABLE_TOOLS] " + PY_JSON.dumps(wrapped) + "[/AVAILABLE_TOOLS]";
        }

        @Override
        public String formatFunctionCalls(List<FunctionCall> calls) {
            List<String> parts = new ArrayList<>();
            for (FunctionCall c : calls) {
                parts.add(nameAndArguments(c, "arguments"));
            }
            return "[" + String.join(", ", parts) + "]";
        }

        @Override
        public Optional<List<FunctionCall>> extract(String content) {
            return extractJsonCalls(content, "arguments");
        }
    },

    /** GLM-4: tool descriptions in Chinese, one call as {@code name\n{arguments}}. */
    GLM4("glm4") {
        @Override
        public String formatTools(JsonNode tools) {
            StringBuilder toolText = new StringBuilder();
            for (JsonNode tool : tools) {
                JsonNode t = unwrap(tool);
                toolText.append("\n\n## ")
                        .append(text(t.path("name")))
                        .append("\n\n")
                        .append(PY_JSON_INDENTED.dumps(t))
                        .append("\n在调用上述函数时，请使用 Json 格式表示调用的参数。");
            }
            return "你是一个名为 ChatGLM 的人工智能助手。你是基于智谱 AI 公司训练的语言模型 GLM-4 模型开发的，" + "你的任务是针对用户的问题和要求提供适当的答复和支持。\n\n# 可用工具"
                    + toolText;
        }

        @Override
        public String formatFunctionCalls(List<FunctionCall> calls) {
            if (calls.size() > 1) {
                throw new InvalidConfigException("GLM-4 does not support parallel functions: " + calls);
            }
            return calls.get(0).name() + "\n" + calls.get(0).arguments();
        }

        @Override
        public Optional<List<FunctionCall>> extract(String content) {
            int nl = content.indexOf('\n');
            if (nl < 0) {
                return Optional.empty();
            }
            JsonNode args = readJsonOrNull(content.substring(nl + 1).strip());
            if (args == null) {
                return Optional.empty();
            }
            return Optional.of(List.of(new FunctionCall(content.substring(0, nl), PY_JSON.dumps(args))));
        }
    };

    private static final ObjectMapper JSON = new ObjectMapper();
    /** {@code json.dumps(x, ensure_ascii=False)}, as LLaMA-Factory writes tool calls and tool lists. */
    private static final PythonJson PY_JSON =
            PythonJson.builder().ensureAscii(false).build();
    /** {@code json.dumps(x, indent=4, ensure_ascii=False)}. */
    private static final PythonJson PY_JSON_INDENTED =
            PythonJson.builder().indent(4).ensureAscii(false).build();

    private static final Pattern DEFAULT_ACTION = Pattern.compile(
            "Action:\\s*([a-zA-Z0-9_]+)\\s*Action Input:\\s*(.+?)(?=\\s*Action:|\\s*$)", Pattern.DOTALL);
    private static final Pattern QWEN_CALL =
            Pattern.compile("<tool_call>(.+?)</tool_call>(?=\\s*<tool_call>|\\s*$)", Pattern.DOTALL);

    private final String key;

    ToolFormat(String key) {
        this.key = key;
    }

    /** @return the name LLaMA-Factory uses, e.g. {@code qwen} */
    public String key() {
        return key;
    }

    /**
     * Parses a {@code tool_format} value.
     *
     * @param key e.g. {@code default}, {@code qwen}
     * @return the format
     * @throws InvalidConfigException naming the value and the supported ones
     */
    public static ToolFormat fromKey(String key) {
        for (ToolFormat f : values()) {
            if (f.key.equals(key)) {
                return f;
            }
        }
        List<String> keys = new ArrayList<>();
        for (ToolFormat f : values()) {
            keys.add(f.key);
        }
        throw new InvalidConfigException("tool_format: unknown value '" + key + "', supported: " + keys);
    }

    /**
     * @param tools the tool schemas (a JSON list, OpenAI style or bare function objects)
     * @return the text appended to the system prompt
     */
    public abstract String formatTools(JsonNode tools);

    /**
     * @param calls the calls of one function turn
     * @return the text of the assistant turn
     */
    public abstract String formatFunctionCalls(List<FunctionCall> calls);

    /**
     * Reads tool calls back from model output (the inverse of {@link #formatFunctionCalls}).
     *
     * @param content the generated text
     * @return the calls, or empty when the text is a plain answer (or malformed calls)
     */
    public abstract Optional<List<FunctionCall>> extract(String content);

    /**
     * Renders the {@code _tools} column (a JSON list as text) for the system prompt.
     *
     * @param toolsJson the tools as JSON text
     * @return the tool prompt, empty for an empty list
     * @throws InvalidConfigException when the text is not a JSON list
     */
    public String formatToolsJson(String toolsJson) {
        JsonNode tools = readJsonOrNull(toolsJson);
        if (tools == null) {
            throw new InvalidConfigException("Invalid JSON format in tool description: " + toolsJson);
        }
        if (!tools.isArray()) {
            ArrayNode single = JSON.createArrayNode();
            single.add(tools);
            tools = single;
        }
        return tools.isEmpty() ? "" : formatTools(tools);
    }

    private static JsonNode unwrap(JsonNode tool) {
        return "function".equals(tool.path("type").asText(null)) ? tool.path("function") : tool;
    }

    private static JsonNode wrapFunction(JsonNode tool) {
        if ("function".equals(tool.path("type").asText(null))) {
            return tool;
        }
        ObjectNode wrapped = JSON.createObjectNode();
        wrapped.put("type", "function");
        wrapped.set("function", tool);
        return wrapped;
    }

    private static String nameAndArguments(FunctionCall c, String argumentsKey) {
        JsonNode args = readJsonOrNull(c.arguments());
        if (args == null) {
            throw new InvalidConfigException("Invalid JSON arguments of function '" + c.name() + "': " + c.arguments());
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("name", c.name());
        o.set(argumentsKey, args);
        return PY_JSON.dumps(o);
    }

    private static Optional<List<FunctionCall>> extractJsonCalls(String content, String argumentsKey) {
        JsonNode root = readJsonOrNull(content.strip());
        if (root == null) {
            return Optional.empty();
        }
        List<FunctionCall> calls = new ArrayList<>();
        for (JsonNode call : root.isArray() ? root : List.of(root)) {
            if (!call.has("name") || !call.has(argumentsKey)) {
                return Optional.empty();
            }
            calls.add(new FunctionCall(call.get("name").asText(), PY_JSON.dumps(call.get(argumentsKey))));
        }
        return calls.isEmpty() ? Optional.empty() : Optional.of(calls);
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode n : array) {
            if (value.equals(n.asText())) {
                return true;
            }
        }
        return false;
    }

    private static String text(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return "";
        }
        return node.isTextual() ? node.asText() : node.toString();
    }

    private static String stripChars(String s, String chars) {
        int start = 0;
        int end = s.length();
        while (start < end && chars.indexOf(s.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && chars.indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        return s.substring(start, end);
    }

    static JsonNode readJsonOrNull(String text) {
        try {
            JsonNode n = JSON.readTree(text);
            return n == null || n.isMissingNode() ? null : n;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
