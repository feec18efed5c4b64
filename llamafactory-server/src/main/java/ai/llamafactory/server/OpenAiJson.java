package ai.llamafactory.server;

import ai.llamafactory.api.chat.ChatChoice;
import ai.llamafactory.api.chat.ChatResponse;
import ai.llamafactory.api.chat.ChatUsage;
import ai.llamafactory.api.chat.FinishReason;
import ai.llamafactory.api.chat.ToolCall;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.UUID;

/** Writes the response bodies of OpenAI's chat-completions API: completions, stream chunks, models, errors. */
final class OpenAiJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private OpenAiJson() {}

    /** @return a completion id as LLaMA-Factory makes them, {@code chatcmpl-} and 32 hex digits */
    static String newCompletionId() {
        return "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    }

    static String write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }

    /** {@code {"error": {"message", "type", "param", "code"}}}. */
    static String error(ApiError error) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode body = root.putObject("error");
        body.put("message", error.getMessage());
        body.put("type", error.type());
        body.put("param", error.param());
        body.put("code", error.code());
        return write(root);
    }

    /** A whole {@code chat.completion}. */
    static String completion(String id, long created, String model, ChatResponse response) {
        ObjectNode root = header(id, "chat.completion", created, model);
        ArrayNode choices = root.putArray("choices");
        for (ChatChoice choice : response.choices()) {
            ObjectNode c = choices.addObject();
            c.put("index", choice.index());
            ObjectNode message = c.putObject("message");
            message.put("role", "assistant");
            if (choice.toolCalls().isEmpty()) {
                message.put("content", choice.text());
            } else {
                message.put("content", choice.text().isEmpty() ? null : choice.text());
                ArrayNode calls = message.putArray("tool_calls");
                for (ToolCall call : choice.toolCalls()) {
                    toolCall(calls.addObject(), call);
                }
            }
            c.putNull("logprobs");
            c.put("finish_reason", choice.finishReason().wireName());
        }
        usage(root.putObject("usage"), response.usage());
        return write(root);
    }

    /** The first chunk of a stream: the assistant role and empty content. */
    static String roleChunk(String id, long created, String model, boolean withUsage) {
        ObjectNode root = chunk(id, created, model, withUsage);
        ObjectNode choice = firstChoice(root);
        ObjectNode delta = choice.putObject("delta");
        delta.put("role", "assistant");
        delta.put("content", "");
        endChoice(choice, null);
        return write(root);
    }

    /** A chunk carrying reply text. */
    static String contentChunk(String id, long created, String model, boolean withUsage, String text) {
        ObjectNode root = chunk(id, created, model, withUsage);
        ObjectNode choice = firstChoice(root);
        choice.putObject("delta").put("content", text);
        endChoice(choice, null);
        return write(root);
    }

    /** A chunk carrying whole tool calls (each with its index, id, type, name and arguments). */
    static String toolCallsChunk(String id, long created, String model, boolean withUsage, List<ToolCall> calls) {
        ObjectNode root = chunk(id, created, model, withUsage);
        ObjectNode choice = firstChoice(root);
        ArrayNode array = choice.putObject("delta").putArray("tool_calls");
        for (int i = 0; i < calls.size(); i++) {
            ObjectNode call = array.addObject();
            call.put("index", i);
            toolCall(call, calls.get(i));
        }
        endChoice(choice, null);
        return write(root);
    }

    /** The last choice chunk: an empty delta and the finish reason. */
    static String finishChunk(String id, long created, String model, boolean withUsage, FinishReason reason) {
        ObjectNode root = chunk(id, created, model, withUsage);
        ObjectNode choice = firstChoice(root);
        choice.putObject("delta");
        endChoice(choice, reason);
        return write(root);
    }

    /** The usage chunk sent after the finish chunk when {@code stream_options.include_usage} is true. */
    static String usageChunk(String id, long created, String model, ChatUsage usage) {
        ObjectNode root = header(id, "chat.completion.chunk", created, model);
        root.putArray("choices");
        usage(root.putObject("usage"), usage);
        return write(root);
    }

    /** {@code GET /v1/models}: one model. */
    static String models(String model, long created) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("object", "list");
        root.putArray("data").add(model(model, created));
        return write(root);
    }

    /** {@code GET /v1/models/{id}}. */
    static String modelCard(String model, long created) {
        return write(model(model, created));
    }

    /** {@code POST /v1/score/evaluation}: LLaMA-Factory's score response. */
    static String scores(String id, String model, List<Double> scores) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("id", id);
        root.put("object", "score.evaluation");
        root.put("model", model);
        ArrayNode array = root.putArray("scores");
        scores.forEach(array::add);
        return write(root);
    }

    private static ObjectNode model(String model, long created) {
        ObjectNode card = MAPPER.createObjectNode();
        card.put("id", model);
        card.put("object", "model");
        card.put("created", created);
        card.put("owned_by", "owner");
        return card;
    }

    private static ObjectNode header(String id, String object, long created, String model) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        return root;
    }

    private static ObjectNode chunk(String id, long created, String model, boolean withUsage) {
        ObjectNode root = header(id, "chat.completion.chunk", created, model);
        root.putArray("choices").addObject().put("index", 0);
        if (withUsage) {
            root.putNull("usage");
        }
        return root;
    }

    private static ObjectNode firstChoice(ObjectNode chunk) {
        return (ObjectNode) chunk.get("choices").get(0);
    }

    private static void endChoice(ObjectNode choice, FinishReason reason) {
        choice.putNull("logprobs");
        choice.put("finish_reason", reason == null ? null : reason.wireName());
    }

    private static void toolCall(ObjectNode node, ToolCall call) {
        node.put("id", call.id());
        node.put("type", "function");
        ObjectNode function = node.putObject("function");
        function.put("name", call.name());
        function.put("arguments", call.arguments());
    }

    private static void usage(ObjectNode node, ChatUsage usage) {
        node.put("prompt_tokens", usage.promptTokens());
        node.put("completion_tokens", usage.completionTokens());
        node.put("total_tokens", usage.totalTokens());
    }
}
