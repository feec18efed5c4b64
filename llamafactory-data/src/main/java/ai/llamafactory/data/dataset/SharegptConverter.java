package ai.llamafactory.data.dataset;

import ai.llamafactory.data.AlignedExample;
import ai.llamafactory.data.Message;
import ai.llamafactory.data.Role;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Sharegpt rows: a list of {@code {role_tag: tag, content_tag: text}} turns. A first turn with the system tag is the
 * system prompt (it wins over the system column). Tags map to roles as configured (by default human, gpt,
 * observation, function_call, system).
 */
final class SharegptConverter extends ConversationConverter {
    SharegptConverter(DatasetInfo info) {
        super(info);
    }

    @Override
    AlignedExample convert(ObjectNode row, String source) throws Drop {
        JsonNode msgs = messages(row);
        int start = leadingSystemTurns(msgs);
        String system = systemPrompt(row, msgs, start);
        List<Message> turns = new ArrayList<>();
        List<String> where = new ArrayList<>();
        for (int i = start; i < msgs.size(); i++) {
            String w = columns.messages() + "[" + i + "]";
            Role r = role(roleValue(msgs.get(i), i), w + "." + tags.roleTag());
            turns.add(new Message(r, content(msgs.get(i), i)));
            where.add(w);
        }
        return finish(turns, where, row, system, tools(row, columns.tools()), source);
    }
}
