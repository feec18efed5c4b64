package ai.llamafactory.data.dataset;

import ai.llamafactory.data.AlignedExample;
import ai.llamafactory.data.Message;
import ai.llamafactory.data.Role;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shared rules of the sharegpt and openai formattings: a leading system turn, user/observation turns at even
 * positions (0-based) and assistant/function turns at odd ones, an even number of turns (odd for ranking rows, whose
 * answers are in the chosen and rejected columns), and the split into prompt and response.
 */
abstract class ConversationConverter extends RowConverter {
    protected final DatasetTags tags;
    /** Role value in the file to role. */
    protected final Map<String, Role> roles = new LinkedHashMap<>();

    ConversationConverter(DatasetInfo info) {
        super(info);
        this.tags = info.tags();
        put(tags.userTag(), Role.USER);
        put(tags.assistantTag(), Role.ASSISTANT);
        put(tags.observationTag(), Role.OBSERVATION);
        put(tags.functionTag(), Role.FUNCTION);
        put(tags.systemTag(), Role.SYSTEM);
    }

    private void put(String tag, Role role) {
        if (tag != null) {
            roles.putIfAbsent(tag, role);
        }
    }

    /** @return the messages column as a list, or a drop */
    protected JsonNode messages(ObjectNode row) throws Drop {
        JsonNode msgs = field(row, columns.messages());
        if (msgs == null) {
            throw new Drop(
                    DropReason.MISSING_FIELD,
                    String.valueOf(columns.messages()),
                    "no conversation (the row has no '" + columns.messages() + "' list; its keys are " + fieldNames(row)
                            + ")");
        }
        if (!msgs.isArray()) {
            throw new Drop(
                    DropReason.WRONG_TYPE, columns.messages(), "expected a list of messages, got " + excerpt(msgs));
        }
        for (int i = 0; i < msgs.size(); i++) {
            if (!msgs.get(i).isObject()) {
                throw new Drop(
                        DropReason.WRONG_TYPE,
                        columns.messages() + "[" + i + "]",
                        "expected a message object, got " + excerpt(msgs.get(i)));
            }
        }
        return msgs;
    }

    /** @return the role value of a message */
    protected String roleValue(JsonNode message, int index) throws Drop {
        String where = columns.messages() + "[" + index + "]." + tags.roleTag();
        JsonNode v = message.get(tags.roleTag());
        if (v == null || v.isNull()) {
            throw new Drop(
                    DropReason.MISSING_FIELD,
                    where,
                    "message has no '" + tags.roleTag() + "' key: " + excerpt(message));
        }
        return text(v, where);
    }

    /**
     * @param msgs the conversation
     * @return 1 when the first turn carries the system tag (that turn is the system prompt), else 0
     */
    protected int leadingSystemTurns(JsonNode msgs) throws Drop {
        return tags.systemTag() != null && msgs.size() > 0 && tags.systemTag().equals(roleValue(msgs.get(0), 0))
                ? 1
                : 0;
    }

    /**
     * @param row the row
     * @param msgs the conversation
     * @param leadingSystemTurns the result of {@link #leadingSystemTurns}
     * @return the system prompt: the leading system turn, which wins over the system column
     */
    protected String systemPrompt(ObjectNode row, JsonNode msgs, int leadingSystemTurns) throws Drop {
        return leadingSystemTurns == 1 ? content(msgs.get(0), 0) : optionalText(row, columns.system());
    }

    /** @return the content of a message, which must be a string */
    protected String content(JsonNode message, int index) throws Drop {
        String where = columns.messages() + "[" + index + "]." + tags.contentTag();
        JsonNode v = message.get(tags.contentTag());
        if (v == null || v.isNull()) {
            throw new Drop(
                    DropReason.MISSING_FIELD,
                    where,
                    "message has no '" + tags.contentTag() + "' text: " + excerpt(message));
        }
        return text(v, where);
    }

    /** @return the role for a value in the file, or a drop naming the known values */
    protected Role role(String value, String where) throws Drop {
        Role r = roles.get(value);
        if (r == null) {
            throw new Drop(
                    DropReason.UNKNOWN_ROLE,
                    where,
                    "role '" + value + "' is none of the dataset's tags " + roles.keySet());
        }
        return r;
    }

    /**
     * Checks the alternation and count of aligned turns and splits them into prompt and response.
     *
     * @param turns the conversation without its system turn
     * @param where names the position of each turn in messages ({@code conversations[i]})
     * @param row the row, for the KTO and preference columns
     * @param system the system prompt
     * @param tools the tools text
     * @param source the example source
     * @return the example
     * @throws Drop when the conversation breaks a rule
     */
    protected AlignedExample finish(
            List<Message> turns, List<String> where, ObjectNode row, String system, String tools, String source)
            throws Drop {
        for (int i = 0; i < turns.size(); i++) {
            Role r = turns.get(i).role();
            boolean userSide = r == Role.USER || r == Role.OBSERVATION;
            boolean modelSide = r == Role.ASSISTANT || r == Role.FUNCTION;
            if (i % 2 == 0 ? !userSide : !modelSide) {
                throw new Drop(
                        DropReason.INVALID_ROLE,
                        where.get(i),
                        "turn " + i + " is " + r.key() + " but must be "
                                + (i % 2 == 0 ? "user or observation" : "assistant or function") + " (turns alternate, "
                                + "starting with the user)");
            }
        }
        if (turns.isEmpty() && !info.ranking()) {
            throw new Drop(DropReason.EMPTY_ROW, columns.messages(), "the conversation has no turns");
        }
        if (!info.ranking() && turns.size() % 2 != 0) {
            throw new Drop(
                    DropReason.INVALID_MESSAGE_COUNT,
                    columns.messages(),
                    turns.size() + " turns: a conversation must end with an assistant or function turn (even count)");
        }
        if (info.ranking() && turns.size() % 2 == 0) {
            throw new Drop(
                    DropReason.INVALID_MESSAGE_COUNT,
                    columns.messages(),
                    turns.size()
                            + " turns: a ranking conversation must end with a user turn (odd count); its answers go in '"
                            + columns.chosen() + "' and '" + columns.rejected() + "'");
        }
        Boolean kto = ktoTag(row);
        List<Message> prompt;
        List<Message> response;
        if (kto != null && !info.ranking()) {
            prompt = turns.subList(0, turns.size() - 1);
            response = turns.subList(turns.size() - 1, turns.size());
        } else if (info.ranking()) {
            prompt = turns;
            response = List.of(answer(row, columns.chosen()), answer(row, columns.rejected()));
            kto = null;
        } else {
            prompt = turns.subList(0, turns.size() - 1);
            response = turns.subList(turns.size() - 1, turns.size());
        }
        return new AlignedExample(new ArrayList<>(prompt), new ArrayList<>(response), system, tools, kto, source);
    }

    private Message answer(ObjectNode row, String column) throws Drop {
        JsonNode v = field(row, column);
        if (v == null || !v.isObject()) {
            throw new Drop(
                    DropReason.INVALID_PREFERENCE,
                    String.valueOf(column),
                    "a ranking row needs '" + column
                            + "' as a message object {\"" + tags.roleTag() + "\": ..., \"" + tags.contentTag()
                            + "\": ...}, got " + excerpt(v));
        }
        JsonNode roleNode = v.get(tags.roleTag());
        JsonNode contentNode = v.get(tags.contentTag());
        if (roleNode == null || !roleNode.isTextual() || contentNode == null || !contentNode.isTextual()) {
            throw new Drop(
                    DropReason.INVALID_PREFERENCE,
                    column,
                    "expected string '" + tags.roleTag() + "' and '" + tags.contentTag() + "', got " + excerpt(v));
        }
        Role r = role(roleNode.textValue(), column + "." + tags.roleTag());
        if (r != Role.ASSISTANT && r != Role.FUNCTION) {
            throw new Drop(
                    DropReason.INVALID_PREFERENCE,
                    column + "." + tags.roleTag(),
                    "the answer's role is '" + roleNode.textValue()
                            + "' but must be the assistant's or a function call");
        }
        return new Message(r, contentNode.textValue());
    }

    private static List<String> fieldNames(ObjectNode row) {
        List<String> names = new ArrayList<>();
        row.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
