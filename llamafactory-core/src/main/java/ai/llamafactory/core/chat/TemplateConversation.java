package ai.llamafactory.core.chat;

import ai.llamafactory.api.chat.ChatMessage;
import ai.llamafactory.api.chat.ChatRequest;
import ai.llamafactory.api.chat.ChatRole;
import ai.llamafactory.api.chat.ToolCall;
import ai.llamafactory.api.exception.InvalidChatRequestException;
import ai.llamafactory.data.Message;
import ai.llamafactory.data.Role;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A chat request in the form chat templates encode, as LLaMA-Factory's API ({@code _process_request}) builds it: a
 * leading system message becomes the system prompt; the other messages alternate user or tool turns with assistant
 * turns and end with a user or tool turn; an assistant message that calls tools becomes a function turn holding the
 * JSON list of its calls; tool results become observation turns.
 *
 * <p>Two deliberate differences from LLaMA-Factory: consecutive tool messages (the answers to parallel calls) are
 * joined, one per line, into one observation turn instead of being refused; and the arguments of earlier calls,
 * which OpenAI clients send as JSON text, are embedded as JSON values (as training data stores them) rather than as
 * strings, so the history is rendered the way the model was trained.
 *
 * @param messages the turns, an odd number, ending with a user or observation turn
 * @param system the system prompt, or null for the template's default
 * @param tools the tools as a JSON array text, or null when the request offers none
 */
record TemplateConversation(List<Message> messages, String system, String tools) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param request a chat request
     * @return its turns
     * @throws InvalidChatRequestException naming the message whose role is out of place
     */
    static TemplateConversation of(ChatRequest request) {
        List<ChatMessage> in = request.messages();
        String system = null;
        int start = 0;
        if (in.get(0).role() == ChatRole.SYSTEM) {
            system = in.get(0).content();
            start = 1;
        }
        List<Message> out = new ArrayList<>();
        List<Integer> sourceIndex = new ArrayList<>();
        for (int i = start; i < in.size(); i++) {
            ChatMessage m = in.get(i);
            switch (m.role()) {
                case SYSTEM -> throw new InvalidChatRequestException(
                        "messages[" + i + "].role",
                        "messages[" + i + "].role: a system message is only allowed first, got one at position " + i);
                case USER -> out.add(new Message(Role.USER, m.content()));
                case ASSISTANT -> out.add(
                        m.toolCalls().isEmpty()
                                ? new Message(Role.ASSISTANT, m.content())
                                : new Message(Role.FUNCTION, callsJson(m.toolCalls())));
                case TOOL -> {
                    int last = out.size() - 1;
                    if (last >= 0 && out.get(last).role() == Role.OBSERVATION) {
                        out.set(
                                last,
                                new Message(Role.OBSERVATION, out.get(last).content() + "\n" + m.content()));
                        continue;
                    }
                    out.add(new Message(Role.OBSERVATION, m.content()));
                }
                default -> throw new IllegalStateException("unknown role " + m.role());
            }
            sourceIndex.add(i);
        }
        if (out.isEmpty()) {
            throw new InvalidChatRequestException(
                    "messages", "messages: a system message alone is not a conversation;" + " add a user message");
        }
        for (int k = 0; k < out.size(); k++) {
            Role r = out.get(k).role();
            boolean queryTurn = k % 2 == 0;
            boolean ok =
                    queryTurn ? r == Role.USER || r == Role.OBSERVATION : r == Role.ASSISTANT || r == Role.FUNCTION;
            if (!ok) {
                int i = sourceIndex.get(k);
                throw new InvalidChatRequestException(
                        "messages[" + i + "].role",
                        "messages[" + i + "].role: expected "
                                + (queryTurn ? "user or tool" : "assistant")
                                + " (turns must alternate user/tool and assistant),"
                                + " got " + in.get(i).role().wireName());
            }
        }
        if (out.size() % 2 == 0) {
            int i = sourceIndex.get(out.size() - 1);
            throw new InvalidChatRequestException(
                    "messages[" + i + "].role",
                    "messages[" + i + "].role: the"
                            + " conversation must end with a user or tool message for the model to answer, got "
                            + in.get(i).role().wireName());
        }
        return new TemplateConversation(
                List.copyOf(out), system, request.tools().orElse(null));
    }

    /** The calls as the JSON list a function turn holds: {@code [{"name": ..., "arguments": {...}}]}. */
    private static String callsJson(List<ToolCall> calls) {
        ArrayNode list = JSON.createArrayNode();
        for (ToolCall call : calls) {
            ObjectNode o = list.addObject();
            o.put("name", call.name());
            JsonNode args = parseOrNull(call.arguments());
            if (args != null) {
                o.set("arguments", args);
            } else {
                o.put("arguments", call.arguments());
            }
        }
        return list.toString();
    }

    private static JsonNode parseOrNull(String text) {
        try {
            JsonNode n = JSON.readTree(text);
            return n == null || n.isMissingNode() ? null : n;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /**
     * @return the turns followed by an empty assistant turn: what {@code encodeOneTurn} takes to encode the prompt
     */
    List<Message> withOpenAssistantTurn() {
        List<Message> all = new ArrayList<>(messages);
        all.add(Message.assistant(""));
        return all;
    }
}
