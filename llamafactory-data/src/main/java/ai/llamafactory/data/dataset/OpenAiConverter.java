package ai.llamafactory.data.dataset;

import ai.llamafactory.data.AlignedExample;
import ai.llamafactory.data.Message;
import ai.llamafactory.data.Role;
import ai.llamafactory.data.json.PythonJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI chat rows: {@code {"role": ..., "content": ...}} messages. As in LLaMA-Factory's openai converter: an
 * assistant message with a non-empty {@code tool_calls} list becomes a function turn whose content is the JSON list of
 * the calls' {@code function} objects; consecutive tool results ({@code tool} role by default) are merged into one
 * observation turn, joined by {@code \n</tool_response>\n<tool_response>\n}; tool results after the last model turn
 * are left out. Unlike LLaMA-Factory, no {@code "detailed thinking off"} text is appended to the system prompt (a
 * model-specific switch that does not belong in the data layer).
 */
final class OpenAiConverter extends ConversationConverter {
    static final String TOOL_RESPONSE_SEPARATOR = "\n</tool_response>\n<tool_response>\n";
    /** {@code json.dumps(x, ensure_ascii=False)}, as LLaMA-Factory writes tool calls and tool lists. */
    private static final PythonJson PY_JSON =
            PythonJson.builder().ensureAscii(false).build();

    OpenAiConverter(DatasetInfo info) {
        super(info);
    }

    @Override
    AlignedExample convert(ObjectNode row, String source) throws Drop {
        JsonNode msgs = messages(row);
        int start = leadingSystemTurns(msgs);
        String system = systemPrompt(row, msgs, start);
        List<Message> turns = new ArrayList<>();
        List<String> where = new ArrayList<>();
        List<String> toolResults = new ArrayList<>();
        String toolWhere = null;
        for (int i = start; i < msgs.size(); i++) {
            JsonNode m = msgs.get(i);
            String w = columns.messages() + "[" + i + "]";
            String roleValue = roleValue(m, i);
            String content;
            JsonNode calls = m.get("tool_calls");
            boolean modelTurn = roleValue.equals(tags.assistantTag()) || roleValue.equals(tags.functionTag());
            if (modelTurn && calls != null && calls.isArray() && calls.size() > 0) {
                ArrayNode functions = JsonNodeFactory.instance.arrayNode();
                for (int c = 0; c < calls.size(); c++) {
                    JsonNode fn = calls.get(c).get("function");
                    if (fn == null || !fn.isObject()) {
                        throw new Drop(
                                DropReason.WRONG_TYPE,
                                w + ".tool_calls[" + c + "].function",
                                "expected a function object {\"name\": ..., \"arguments\": ...}, got "
                                        + excerpt(calls.get(c)));
                    }
                    functions.add(fn);
                }
                content = PY_JSON.dumps(functions);
                roleValue = tags.functionTag();
            } else {
                content = content(m, i);
            }
            if (roleValue.equals(tags.observationTag())) {
                if (toolResults.isEmpty()) {
                    toolWhere = w;
                }
                toolResults.add(content);
                continue;
            }
            if (!toolResults.isEmpty()) {
                turns.add(new Message(Role.OBSERVATION, String.join(TOOL_RESPONSE_SEPARATOR, toolResults)));
                where.add(toolWhere);
                toolResults.clear();
            }
            turns.add(new Message(role(roleValue, w + "." + tags.roleTag()), content));
            where.add(w);
        }
        return finish(turns, where, row, system, tools(row, columns.tools()), source);
    }
}
