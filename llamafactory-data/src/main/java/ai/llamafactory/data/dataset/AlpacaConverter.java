package ai.llamafactory.data.dataset;

import ai.llamafactory.data.AlignedExample;
import ai.llamafactory.data.Message;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Alpaca rows: the user turn is the prompt column and the query column joined by a newline (each only when
 * non-empty), after the {@code [query, answer]} pairs of the history column. The response is, in order of
 * precedence: the response column with a KTO tag, the chosen and rejected columns of a ranking dataset, the response
 * column; with none of them the example is prompt-only (pre-training text, prediction). A row without a prompt or
 * response column that {@code dataset_info.json} names explicitly is dropped as {@link DropReason#MISSING_FIELD}.
 */
final class AlpacaConverter extends RowConverter {
    AlpacaConverter(DatasetInfo info) {
        super(info);
    }

    @Override
    AlignedExample convert(ObjectNode row, String source) throws Drop {
        requireDeclared(row, "prompt", columns.prompt());
        if (!info.ranking()) {
            requireDeclared(row, "response", columns.response());
        }
        List<Message> prompt = new ArrayList<>();
        JsonNode history = field(row, columns.history());
        if (history != null) {
            if (!history.isArray()) {
                throw new Drop(
                        DropReason.INVALID_HISTORY,
                        columns.history(),
                        "expected a list of [query, answer] pairs, got " + excerpt(history));
            }
            for (int i = 0; i < history.size(); i++) {
                JsonNode pair = history.get(i);
                String where = columns.history() + "[" + i + "]";
                if (!pair.isArray()
                        || pair.size() != 2
                        || !pair.get(0).isTextual()
                        || !pair.get(1).isTextual()) {
                    throw new Drop(
                            DropReason.INVALID_HISTORY,
                            where,
                            "expected a [query, answer] pair of strings, got " + excerpt(pair));
                }
                prompt.add(Message.user(pair.get(0).textValue()));
                prompt.add(Message.assistant(pair.get(1).textValue()));
            }
        }
        StringBuilder user = new StringBuilder();
        for (String column : new String[] {columns.prompt(), columns.query()}) {
            JsonNode v = field(row, column);
            if (v != null) {
                String t = text(v, column);
                if (!t.isEmpty()) {
                    if (user.length() > 0) {
                        user.append('\n');
                    }
                    user.append(t);
                }
            }
        }
        prompt.add(Message.user(user.toString()));

        List<Message> response;
        Boolean kto = ktoTag(row);
        if (kto != null) {
            JsonNode r = field(row, columns.response());
            if (r == null) {
                throw new Drop(
                        DropReason.MISSING_FIELD,
                        String.valueOf(columns.response()),
                        "a KTO row needs the response that its tag judges");
            }
            response = List.of(Message.assistant(text(r, columns.response())));
        } else if (info.ranking()) {
            JsonNode chosen = field(row, columns.chosen());
            JsonNode rejected = field(row, columns.rejected());
            if (chosen == null || rejected == null || !chosen.isTextual() || !rejected.isTextual()) {
                throw new Drop(
                        DropReason.INVALID_PREFERENCE,
                        columns.chosen() + "/" + columns.rejected(),
                        "a ranking row needs chosen and rejected strings, got chosen=" + excerpt(chosen) + ", rejected="
                                + excerpt(rejected));
            }
            response = List.of(Message.assistant(chosen.textValue()), Message.assistant(rejected.textValue()));
        } else {
            JsonNode r = field(row, columns.response());
            response = r == null ? List.of() : List.of(Message.assistant(text(r, columns.response())));
        }
        if (prompt.size() == 1
                && user.length() == 0
                && response.stream().allMatch(m -> m.content().isEmpty())) {
            throw new Drop(
                    DropReason.EMPTY_ROW,
                    columns.prompt(),
                    "no prompt text and no response text (columns '" + columns.prompt() + "', '" + columns.query()
                            + "', '" + columns.response() + "')");
        }
        return new AlignedExample(
                prompt, response, optionalText(row, columns.system()), tools(row, columns.tools()), kto, source);
    }
}
