package ai.llamafactory.server;

import ai.llamafactory.api.chat.ChatMessage;
import ai.llamafactory.api.chat.ChatRequest;
import ai.llamafactory.api.chat.ChatRole;
import ai.llamafactory.api.chat.ToolCall;
import ai.llamafactory.api.exception.InvalidChatRequestException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the JSON bodies of {@code POST /v1/chat/completions} and {@code POST /v1/score/evaluation}. Every type or
 * range error is a 400 {@link ApiError} whose {@code param} names the field as OpenAI spells it.
 *
 * <p>Accepted: {@code model} (any name; one model is served), {@code messages} (roles system/developer, user,
 * assistant, tool/function; content as a string, null or a list of text parts; {@code tool_calls};
 * {@code tool_call_id}), {@code tools}, {@code tool_choice} ({@code auto} or {@code none}), {@code temperature},
 * {@code top_p}, {@code top_k}, {@code max_tokens} (or {@code max_completion_tokens}), {@code stop} (a string or a
 * list), {@code n}, {@code seed}, {@code do_sample}, {@code repetition_penalty}, {@code presence_penalty} (used as
 * {@code repetition_penalty} when positive, as LLaMA-Factory does), {@code stream} and
 * {@code stream_options.include_usage}. Parameters that would change the result but are not implemented
 * ({@code frequency_penalty}, {@code logprobs}, {@code logit_bias}, non-text {@code response_format}, images) are
 * rejected; other unknown fields are ignored, as OpenAI clients send many optional ones.
 */
final class ChatCompletionParser {
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /**
     * A parsed chat-completion call.
     *
     * @param request the model request
     * @param stream true for server-sent events
     * @param includeUsage true to send a usage chunk before {@code [DONE]}
     */
    record ChatCompletionCall(ChatRequest request, boolean stream, boolean includeUsage) {}

    private ChatCompletionParser() {}

    /** Parses a body as a JSON object. */
    static JsonNode readObject(byte[] body) {
        if (body == null || body.length == 0) {
            throw ApiError.invalidJson("The request body is empty; expected a JSON object");
        }
        JsonNode root;
        try {
            root = STRICT.readTree(body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw ApiError.invalidJson("The request body is not valid JSON: " + e.getOriginalMessage()
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw ApiError.invalidJson("The request body cannot be read: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw ApiError.invalidJson("The request body is empty; expected a JSON object");
        }
        if (!root.isObject()) {
            throw ApiError.invalidJson("The request body must be a JSON object, got " + kind(root));
        }
        return root;
    }

    /** Parses a chat-completions body. */
    static ChatCompletionCall parseChatCompletion(byte[] body) {
        JsonNode root = readObject(body);
        optionalString(root, "model");
        ChatRequest.Builder request = ChatRequest.builder();
        request.messages(messages(root));

        JsonNode tools = present(root, "tools");
        String toolChoice = toolChoice(root);
        if (tools != null && !"none".equals(toolChoice)) {
            if (!tools.isArray()) {
                throw ApiError.invalidParameter(
                        "tools", "tools: expected an array of tool definitions, got " + kind(tools));
            }
            if (!tools.isEmpty()) {
                request.tools(tools.toString());
            }
        }
        request.temperature(optionalNumber(root, "temperature"));
        request.topP(optionalNumber(root, "top_p"));
        request.topK(optionalInt(root, "top_k"));
        Integer maxTokens = optionalInt(root, "max_tokens");
        Integer maxCompletionTokens = optionalInt(root, "max_completion_tokens");
        request.maxTokens(maxTokens != null ? maxTokens : maxCompletionTokens);
        request.stop(stop(root));
        Integer n = optionalInt(root, "n");
        request.n(n == null ? 1 : n);
        Long seed = optionalLong(root, "seed");
        request.seed(seed);
        request.doSample(optionalBoolean(root, "do_sample"));
        Double repetitionPenalty = optionalNumber(root, "repetition_penalty");
        Double presencePenalty = optionalNumber(root, "presence_penalty");
        if (presencePenalty != null && (presencePenalty < -2 || presencePenalty > 2)) {
            throw ApiError.invalidParameter(
                    "presence_penalty", "presence_penalty: must be between -2 and 2, got " + presencePenalty);
        }
        if (presencePenalty != null && presencePenalty < 0) {
            throw ApiError.unsupported(
                    "presence_penalty",
                    "presence_penalty: negative values are not supported; like"
                            + " LLaMA-Factory this server uses a positive presence_penalty as repetition_penalty, got "
                            + presencePenalty);
        }
        if (repetitionPenalty == null && presencePenalty != null && presencePenalty > 0) {
            repetitionPenalty = presencePenalty;
        }
        request.repetitionPenalty(repetitionPenalty);
        rejectUnsupported(root);

        Boolean stream = optionalBoolean(root, "stream");
        boolean includeUsage = false;
        JsonNode streamOptions = present(root, "stream_options");
        if (streamOptions != null) {
            if (!streamOptions.isObject()) {
                throw ApiError.invalidParameter(
                        "stream_options", "stream_options: expected an object, got " + kind(streamOptions));
            }
            Boolean usage = optionalBoolean(streamOptions, "include_usage", "stream_options.include_usage");
            includeUsage = Boolean.TRUE.equals(usage);
        }
        ChatRequest built;
        try {
            built = request.build();
        } catch (InvalidChatRequestException e) {
            throw ApiError.invalidParameter(e.field(), e.getMessage());
        }
        if (Boolean.TRUE.equals(stream) && built.n() > 1) {
            throw ApiError.invalidParameter(
                    "n", "n: streaming serves one reply per request, got n=" + built.n() + " with stream=true");
        }
        return new ChatCompletionCall(built, Boolean.TRUE.equals(stream), includeUsage);
    }

    /** Parses a score-evaluation body: {@code {"model": ..., "messages": ["text", ...]}}. */
    static List<String> parseScoreEvaluation(byte[] body) {
        JsonNode root = readObject(body);
        optionalString(root, "model");
        JsonNode messages = present(root, "messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw ApiError.invalidParameter(
                    "messages",
                    "messages: expected a non-empty array of strings, got "
                            + (messages == null ? "nothing" : kind(messages)));
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode text = messages.get(i);
            if (!text.isTextual()) {
                throw ApiError.invalidParameter(
                        "messages[" + i + "]", "messages[" + i + "]: expected a string, got " + kind(text));
            }
            texts.add(text.asText());
        }
        optionalInt(root, "max_length");
        return texts;
    }

    private static List<ChatMessage> messages(JsonNode root) {
        JsonNode messages = present(root, "messages");
        if (messages == null) {
            throw ApiError.invalidParameter("messages", "messages: required, got nothing");
        }
        if (!messages.isArray()) {
            throw ApiError.invalidParameter(
                    "messages", "messages: expected an array of messages, got " + kind(messages));
        }
        if (messages.isEmpty()) {
            throw ApiError.invalidParameter("messages", "messages: expected at least one message, got an empty array");
        }
        List<ChatMessage> result = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            result.add(message(messages.get(i), "messages[" + i + "]"));
        }
        return result;
    }

    private static ChatMessage message(JsonNode node, String at) {
        if (!node.isObject()) {
            throw ApiError.invalidParameter(at, at + ": expected a message object, got " + kind(node));
        }
        JsonNode roleNode = present(node, "role");
        if (roleNode == null || !roleNode.isTextual()) {
            throw ApiError.invalidParameter(
                    at + ".role",
                    at + ".role: expected one of system, user, assistant, tool," + " got "
                            + (roleNode == null ? "nothing" : kind(roleNode)));
        }
        ChatRole role;
        try {
            role = ChatRole.fromWireName(at + ".role", roleNode.asText());
        } catch (InvalidChatRequestException e) {
            throw ApiError.invalidParameter(e.field(), e.getMessage());
        }
        String content = content(present(node, "content"), at + ".content");
        List<ToolCall> toolCalls = List.of();
        JsonNode calls = present(node, "tool_calls");
        if (calls != null) {
            if (role != ChatRole.ASSISTANT) {
                throw ApiError.invalidParameter(
                        at + ".tool_calls",
                        at + ".tool_calls: only assistant messages call" + " tools, got tool_calls on a "
                                + role.wireName() + " message");
            }
            toolCalls = toolCalls(calls, at + ".tool_calls");
        }
        String toolCallId = optionalString(node, "tool_call_id", at + ".tool_call_id");
        if (toolCallId != null && role != ChatRole.TOOL) {
            throw ApiError.invalidParameter(
                    at + ".tool_call_id",
                    at + ".tool_call_id: only tool messages answer a" + " call, got '" + toolCallId + "' on a "
                            + role.wireName() + " message");
        }
        if (content == null && toolCalls.isEmpty()) {
            throw ApiError.invalidParameter(
                    at + ".content",
                    at + ".content: required for a " + role.wireName() + " message, got "
                            + (node.has("content") ? "null" : "nothing"));
        }
        return ChatMessage.of(role, content, toolCalls, toolCallId);
    }

    private static String content(JsonNode content, String at) {
        if (content == null) {
            return null;
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw ApiError.invalidParameter(
                    at, at + ": expected a string or a list of text parts, got " + kind(content));
        }
        StringBuilder text = new StringBuilder();
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String partAt = at + "[" + j + "]";
            if (!part.isObject()) {
                throw ApiError.invalidParameter(partAt, partAt + ": expected a content part object, got " + kind(part));
            }
            JsonNode type = part.get("type");
            if (type == null || !"text".equals(type.asText(null))) {
                throw ApiError.unsupported(
                        partAt + ".type",
                        partAt + ".type: only 'text' parts are supported by this" + " text-only server, got "
                                + (type == null ? "nothing" : type.toString()));
            }
            JsonNode partText = part.get("text");
            if (partText == null || !partText.isTextual()) {
                throw ApiError.invalidParameter(
                        partAt + ".text",
                        partAt + ".text: expected a string, got " + (partText == null ? "nothing" : kind(partText)));
            }
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(partText.asText());
        }
        return text.toString();
    }

    private static List<ToolCall> toolCalls(JsonNode calls, String at) {
        if (!calls.isArray()) {
            throw ApiError.invalidParameter(at, at + ": expected an array of tool calls, got " + kind(calls));
        }
        List<ToolCall> result = new ArrayList<>();
        for (int j = 0; j < calls.size(); j++) {
            JsonNode call = calls.get(j);
            String callAt = at + "[" + j + "]";
            if (!call.isObject()) {
                throw ApiError.invalidParameter(callAt, callAt + ": expected a tool call object, got " + kind(call));
            }
            String type = optionalString(call, "type", callAt + ".type");
            if (type != null && !type.equals("function")) {
                throw ApiError.unsupported(
                        callAt + ".type",
                        callAt + ".type: only 'function' calls are supported," + " got '" + type + "'");
            }
            JsonNode function = present(call, "function");
            if (function == null || !function.isObject()) {
                throw ApiError.invalidParameter(
                        callAt + ".function",
                        callAt + ".function: expected an object with" + " name and arguments, got "
                                + (function == null ? "nothing" : kind(function)));
            }
            String name = optionalString(function, "name", callAt + ".function.name");
            if (name == null || name.isBlank()) {
                throw ApiError.invalidParameter(
                        callAt + ".function.name",
                        callAt + ".function.name: expected a" + " non-empty string, got "
                                + (name == null ? "nothing" : "''"));
            }
            JsonNode arguments = present(function, "arguments");
            String argumentsText;
            if (arguments == null) {
                argumentsText = "{}";
            } else if (arguments.isTextual()) {
                argumentsText = arguments.asText();
            } else if (arguments.isObject()) {
                argumentsText = arguments.toString();
            } else {
                throw ApiError.invalidParameter(
                        callAt + ".function.arguments",
                        callAt + ".function.arguments: expected" + " a JSON string, got " + kind(arguments));
            }
            String id = optionalString(call, "id", callAt + ".id");
            result.add(
                    id == null || id.isBlank()
                            ? ToolCall.withNewId(name, argumentsText)
                            : new ToolCall(id, name, argumentsText));
        }
        return result;
    }

    private static String toolChoice(JsonNode root) {
        JsonNode choice = present(root, "tool_choice");
        if (choice == null) {
            return "auto";
        }
        if (choice.isTextual()
                && (choice.asText().equals("auto") || choice.asText().equals("none"))) {
            return choice.asText();
        }
        throw ApiError.unsupported("tool_choice", "tool_choice: only 'auto' and 'none' are supported, got " + choice);
    }

    private static List<String> stop(JsonNode root) {
        JsonNode stop = present(root, "stop");
        if (stop == null) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        if (!stop.isArray()) {
            throw ApiError.invalidParameter(
                    "stop", "stop: expected a string or an array of strings, got " + kind(stop));
        }
        List<String> result = new ArrayList<>();
        for (int i = 0; i < stop.size(); i++) {
            if (!stop.get(i).isTextual()) {
                throw ApiError.invalidParameter("stop", "stop[" + i + "]: expected a string, got " + kind(stop.get(i)));
            }
            result.add(stop.get(i).asText());
        }
        return result;
    }

    private static void rejectUnsupported(JsonNode root) {
        Double frequencyPenalty = optionalNumber(root, "frequency_penalty");
        if (frequencyPenalty != null && frequencyPenalty != 0) {
            throw ApiError.unsupported(
                    "frequency_penalty",
                    "frequency_penalty: not supported (use" + " repetition_penalty), got " + frequencyPenalty);
        }
        if (Boolean.TRUE.equals(optionalBoolean(root, "logprobs"))) {
            throw ApiError.unsupported("logprobs", "logprobs: not supported, got true");
        }
        JsonNode logitBias = present(root, "logit_bias");
        if (logitBias != null && !(logitBias.isObject() && logitBias.isEmpty())) {
            throw ApiError.unsupported("logit_bias", "logit_bias: not supported, got " + logitBias);
        }
        JsonNode format = present(root, "response_format");
        if (format != null
                && !(format.isObject() && "text".equals(format.path("type").asText(null)))) {
            throw ApiError.unsupported(
                    "response_format", "response_format: only {\"type\": \"text\"} is supported," + " got " + format);
        }
    }

    /** @return the field's node, or null when absent or JSON null */
    private static JsonNode present(JsonNode object, String field) {
        JsonNode node = object.get(field);
        return node == null || node.isNull() ? null : node;
    }

    private static String optionalString(JsonNode object, String field) {
        return optionalString(object, field, field);
    }

    private static String optionalString(JsonNode object, String field, String param) {
        JsonNode node = present(object, field);
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            throw ApiError.invalidParameter(param, param + ": expected a string, got " + kind(node));
        }
        return node.asText();
    }

    private static Double optionalNumber(JsonNode object, String field) {
        JsonNode node = present(object, field);
        if (node == null) {
            return null;
        }
        if (!node.isNumber()) {
            throw ApiError.invalidParameter(field, field + ": expected a number, got " + kind(node));
        }
        return node.asDouble();
    }

    private static Integer optionalInt(JsonNode object, String field) {
        Long value = optionalLong(object, field);
        if (value == null) {
            return null;
        }
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw ApiError.invalidParameter(field, field + ": out of range, got " + value);
        }
        return value.intValue();
    }

    private static Long optionalLong(JsonNode object, String field) {
        JsonNode node = present(object, field);
        if (node == null) {
            return null;
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.asLong();
        }
        if (node.isFloatingPointNumber()
                && node.asDouble() == Math.rint(node.asDouble())
                && Math.abs(node.asDouble()) < 9.0e15) {
            return (long) node.asDouble();
        }
        throw ApiError.invalidParameter(field, field + ": expected an integer, got " + kind(node));
    }

    private static Boolean optionalBoolean(JsonNode object, String field) {
        return optionalBoolean(object, field, field);
    }

    private static Boolean optionalBoolean(JsonNode object, String field, String param) {
        JsonNode node = present(object, field);
        if (node == null) {
            return null;
        }
        if (!node.isBoolean()) {
            throw ApiError.invalidParameter(param, param + ": expected true or false, got " + kind(node));
        }
        return node.asBoolean();
    }

    /** Describes a JSON value for an error message: its type and, when short, its text. */
    static String kind(JsonNode node) {
        if (node.isNull()) {
            return "null";
        }
        String type;
        switch (node.getNodeType()) {
            case ARRAY:
                type = "an array";
                break;
            case OBJECT:
                type = "an object";
                break;
            case STRING:
                type = "a string";
                break;
            case NUMBER:
                type = "a number";
                break;
            case BOOLEAN:
                type = "a boolean";
                break;
            case NULL:
                type = "null";
                break;
            default:
                type = "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
                break;
        }
        String text = node.toString();
        return text.length() <= 60 ? type + " " + text : type + " " + text.substring(0, 57) + "...";
    }
}
