package ai.llamafactory.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.exception.DatasetException;
import ai.llamafactory.data.AlignedExample;
import ai.llamafactory.data.Message;
import ai.llamafactory.data.Role;
import ai.llamafactory.data.dataset.reader.RawRow;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Row conversion rules, after LLaMA-Factory's data/converter.py and its processors' checks. */
class RowConverterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static RowConverter.Conversion convert(DatasetInfo info, String row) {
        ObjectNode node;
        try {
            node = (ObjectNode) JSON.readTree(row);
        } catch (Exception e) {
            throw new IllegalArgumentException(row, e);
        }
        return RowConverter.forInfo(info).convert(RawRow.of(node, "f.json", 7, 6));
    }

    static AlignedExample ok(DatasetInfo info, String row) {
        RowConverter.Conversion c = convert(info, row);
        assertThat(c.problem()).as("problem").isNull();
        return c.example();
    }

    static RowProblem dropped(DatasetInfo info, String row) {
        RowConverter.Conversion c = convert(info, row);
        assertThat(c.example()).as("example").isNull();
        return c.problem();
    }

    static DatasetInfo.Builder info(DatasetFormatting f) {
        return DatasetInfo.builder("ds", "f.json").formatting(f);
    }

    @Nested
    class Alpaca {
        final DatasetInfo plain = info(DatasetFormatting.ALPACA).build();
        final DatasetInfo full = info(DatasetFormatting.ALPACA)
                .columns(DatasetColumns.defaults(DatasetFormatting.ALPACA)
                        .with(Map.of("history", "history", "system", "system", "tools", "tools")))
                .build();

        @Test
        void instructionAndInputAreJoinedByANewline() {
            AlignedExample e =
                    ok(plain, "{\"instruction\": \"Translate\", \"input\": \"bonjour\", \"output\": \"hello\"}");
            assertThat(e.prompt()).containsExactly(Message.user("Translate\nbonjour"));
            assertThat(e.response()).containsExactly(Message.assistant("hello"));
            assertThat(e.system()).isEmpty();
            assertThat(e.ktoTag()).isNull();
            assertThat(e.source()).isEqualTo("ds:f.json:7");
        }

        @Test
        void emptyOrMissingInputAddsNoNewline() {
            assertThat(ok(plain, "{\"instruction\": \"Hi\", \"input\": \"\", \"output\": \"a\"}")
                            .prompt())
                    .containsExactly(Message.user("Hi"));
            assertThat(ok(plain, "{\"instruction\": \"Hi\", \"output\": \"a\"}").prompt())
                    .containsExactly(Message.user("Hi"));
            assertThat(ok(plain, "{\"instruction\": \"\", \"input\": \"only input\", \"output\": \"a\"}")
                            .prompt())
                    .containsExactly(Message.user("only input"));
        }

        @Test
        void historyPairsComeBeforeTheQueryAndSystemAndToolsAreKept() {
            AlignedExample e = ok(
                    full,
                    """
                    {"instruction": "and 3+3?", "output": "6", "system": "Be brief.",
                     "history": [["1+1?", "2"], ["2+2?", "4"]], "tools": [{"name": "calc"}]}""");
            assertThat(e.prompt())
                    .containsExactly(
                            Message.user("1+1?"),
                            Message.assistant("2"),
                            Message.user("2+2?"),
                            Message.assistant("4"),
                            Message.user("and 3+3?"));
            assertThat(e.response()).containsExactly(Message.assistant("6"));
            assertThat(e.system()).isEqualTo("Be brief.");
            assertThat(e.tools()).isEqualTo("[{\"name\": \"calc\"}]");
        }

        @Test
        void malformedHistoryIsDroppedWithItsIndex() {
            RowProblem p = dropped(
                    full, "{\"instruction\": \"q\", \"output\": \"a\", \"history\": [[\"x\", \"y\"], [\"z\"]]}");
            assertThat(p.reason()).isEqualTo(DropReason.INVALID_HISTORY);
            assertThat(p.field()).isEqualTo("history[1]");
            assertThat(p.message())
                    .isEqualTo("dataset 'ds' f.json:7: invalid history in 'history[1]': expected a "
                            + "[query, answer] pair of strings, got [\"z\"]");
            assertThat(dropped(full, "{\"instruction\": \"q\", \"history\": \"oops\"}")
                            .reason())
                    .isEqualTo(DropReason.INVALID_HISTORY);
        }

        @Test
        void nonTextValuesAreWrongType() {
            RowProblem p = dropped(plain, "{\"instruction\": 42, \"output\": \"a\"}");
            assertThat(p.reason()).isEqualTo(DropReason.WRONG_TYPE);
            assertThat(p.field()).isEqualTo("instruction");
            assertThat(p.detail()).isEqualTo("expected a string, got 42");
            assertThat(dropped(plain, "{\"instruction\": \"q\", \"output\": [\"a\"]}")
                            .field())
                    .isEqualTo("output");
        }

        @Test
        void rowWithoutResponseIsPromptOnlyAndAnEmptyRowIsDropped() {
            AlignedExample e = ok(plain, "{\"instruction\": \"Tell me a story\"}");
            assertThat(e.response()).isEmpty();
            RowProblem p = dropped(plain, "{\"title\": \"no known column\"}");
            assertThat(p.reason()).isEqualTo(DropReason.EMPTY_ROW);
            assertThat(p.detail()).contains("'instruction', 'input', 'output'");
        }

        @Test
        void preferenceRowsCarryChosenThenRejected() {
            DatasetInfo ranking = info(DatasetFormatting.ALPACA)
                    .ranking(true)
                    .columns(DatasetColumns.defaults(DatasetFormatting.ALPACA)
                            .with(Map.of("chosen", "chosen", "rejected", "rejected")))
                    .build();
            AlignedExample e = ok(ranking, "{\"instruction\": \"2+2?\", \"chosen\": \"4\", \"rejected\": \"5\"}");
            assertThat(e.response()).containsExactly(Message.assistant("4"), Message.assistant("5"));
            RowProblem p = dropped(ranking, "{\"instruction\": \"2+2?\", \"chosen\": \"4\"}");
            assertThat(p.reason()).isEqualTo(DropReason.INVALID_PREFERENCE);
            assertThat(p.detail()).contains("rejected=nothing");
        }

        @Test
        void ktoRowsCarryTheirTag() {
            DatasetInfo kto = info(DatasetFormatting.ALPACA)
                    .columns(DatasetColumns.defaults(DatasetFormatting.ALPACA).with(Map.of("kto_tag", "kto_tag")))
                    .build();
            AlignedExample good = ok(kto, "{\"instruction\": \"q\", \"output\": \"a\", \"kto_tag\": true}");
            assertThat(good.response()).containsExactly(Message.assistant("a"));
            assertThat(good.ktoTag()).isTrue();
            assertThat(ok(kto, "{\"instruction\": \"q\", \"output\": \"a\", \"kto_tag\": \"False\"}")
                            .ktoTag())
                    .isFalse();
            assertThat(ok(kto, "{\"instruction\": \"q\", \"output\": \"a\"}").ktoTag())
                    .isNull();
            assertThat(dropped(kto, "{\"instruction\": \"q\", \"output\": \"a\", \"kto_tag\": \"maybe\"}")
                            .reason())
                    .isEqualTo(DropReason.INVALID_KTO_TAG);
            assertThat(dropped(kto, "{\"instruction\": \"q\", \"kto_tag\": true}")
                            .reason())
                    .isEqualTo(DropReason.MISSING_FIELD);
        }

        @Test
        void pretrainingTextColumn() {
            DatasetInfo pt = info(DatasetFormatting.ALPACA)
                    .columns(DatasetColumns.defaults(DatasetFormatting.ALPACA).with(Map.of("prompt", "text")))
                    .build();
            AlignedExample e = ok(pt, "{\"text\": \"A document.\"}");
            assertThat(e.prompt()).containsExactly(Message.user("A document."));
            assertThat(e.response()).isEmpty();
            assertThat(dropped(pt, "{\"text\": \"\"}").reason()).isEqualTo(DropReason.EMPTY_ROW);
        }

        @Test
        void mediaColumnsAreRejectedWhenUsed() {
            DatasetInfo mm = info(DatasetFormatting.ALPACA)
                    .columns(DatasetColumns.defaults(DatasetFormatting.ALPACA).with(Map.of("images", "images")))
                    .build();
            assertThat(ok(mm, "{\"instruction\": \"q\", \"output\": \"a\", \"images\": []}")
                            .prompt())
                    .hasSize(1);
            assertThatThrownBy(() ->
                            convert(mm, "{\"instruction\": \"<image>q\", \"output\": \"a\", \"images\": [\"a.jpg\"]}"))
                    .isInstanceOf(DatasetException.class)
                    .hasMessageContaining("dataset 'ds' f.json:7: column 'images' (images) holds [\"a.jpg\"]")
                    .hasMessageContaining("images inputs are not supported");
        }
    }

    @Nested
    class Sharegpt {
        final DatasetInfo plain = info(DatasetFormatting.SHAREGPT)
                .columns(DatasetColumns.defaults(DatasetFormatting.SHAREGPT)
                        .with(Map.of("system", "system", "tools", "tools")))
                .build();

        @Test
        void multiTurnConversationWithToolTurns() {
            AlignedExample e = ok(
                    plain,
                    """
                    {"conversations": [
                      {"from": "human", "value": "weather in Oslo?"},
                      {"from": "function_call", "value": "{\\"name\\": \\"weather\\"}"},
                      {"from": "observation", "value": "rain"},
                      {"from": "gpt", "value": "It rains."},
                      {"from": "human", "value": "thanks"},
                      {"from": "gpt", "value": "You're welcome."}],
                     "system": "sys", "tools": "[]"}""");
            assertThat(e.prompt())
                    .extracting(Message::role)
                    .containsExactly(Role.USER, Role.FUNCTION, Role.OBSERVATION, Role.ASSISTANT, Role.USER);
            assertThat(e.response()).containsExactly(Message.assistant("You're welcome."));
            assertThat(e.system()).isEqualTo("sys");
            assertThat(e.tools()).isEqualTo("[]");
        }

        @Test
        void leadingSystemTurnWinsOverTheSystemColumn() {
            AlignedExample e = ok(
                    plain,
                    """
                    {"conversations": [{"from": "system", "value": "from turn"},
                      {"from": "human", "value": "q"}, {"from": "gpt", "value": "a"}], "system": "from column"}""");
            assertThat(e.system()).isEqualTo("from turn");
            assertThat(e.prompt()).containsExactly(Message.user("q"));
        }

        @Test
        void turnsOutOfOrderAreDroppedNamingThePosition() {
            RowProblem p = dropped(
                    plain,
                    """
                    {"conversations": [{"from": "human", "value": "q"}, {"from": "human", "value": "q2"},
                      {"from": "gpt", "value": "a"}]}""");
            assertThat(p.reason()).isEqualTo(DropReason.INVALID_ROLE);
            assertThat(p.field()).isEqualTo("conversations[1]");
            assertThat(p.detail()).startsWith("turn 1 is user but must be assistant or function");
            RowProblem first = dropped(plain, "{\"conversations\": [{\"from\": \"gpt\", \"value\": \"a\"}]}");
            assertThat(first.reason()).isEqualTo(DropReason.INVALID_ROLE);
        }

        @Test
        void unknownRolesAndOddCountsAndMissingKeysAreDropped() {
            assertThat(dropped(plain, "{\"conversations\": [{\"from\": \"bot\", \"value\": \"a\"}]}")
                            .reason())
                    .isEqualTo(DropReason.UNKNOWN_ROLE);
            RowProblem odd = dropped(
                    plain,
                    """
                    {"conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "a"},
                      {"from": "human", "value": "q2"}]}""");
            assertThat(odd.reason()).isEqualTo(DropReason.INVALID_MESSAGE_COUNT);
            assertThat(odd.detail()).startsWith("3 turns");
            RowProblem noValue = dropped(
                    plain, "{\"conversations\": [{\"from\": \"human\"}, {\"from\": \"gpt\", \"value\": \"a\"}]}");
            assertThat(noValue.reason()).isEqualTo(DropReason.MISSING_FIELD);
            assertThat(noValue.field()).isEqualTo("conversations[0].value");
            RowProblem noList = dropped(plain, "{\"messages\": []}");
            assertThat(noList.reason()).isEqualTo(DropReason.MISSING_FIELD);
            assertThat(noList.detail()).contains("its keys are [messages]");
            assertThat(dropped(plain, "{\"conversations\": []}").reason()).isEqualTo(DropReason.EMPTY_ROW);
            assertThat(dropped(plain, "{\"conversations\": \"hi\"}").reason()).isEqualTo(DropReason.WRONG_TYPE);
        }

        @Test
        void rankingRowsEndWithAUserTurnAndCarryTwoAnswers() {
            DatasetInfo ranking = info(DatasetFormatting.SHAREGPT)
                    .ranking(true)
                    .columns(DatasetColumns.defaults(DatasetFormatting.SHAREGPT)
                            .with(Map.of("chosen", "chosen", "rejected", "rejected")))
                    .build();
            AlignedExample e = ok(
                    ranking,
                    """
                    {"conversations": [{"from": "human", "value": "q"}],
                     "chosen": {"from": "gpt", "value": "good"}, "rejected": {"from": "gpt", "value": "bad"}}""");
            assertThat(e.prompt()).containsExactly(Message.user("q"));
            assertThat(e.response()).containsExactly(Message.assistant("good"), Message.assistant("bad"));
            RowProblem even = dropped(
                    ranking,
                    """
                    {"conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "a"}],
                     "chosen": {"from": "gpt", "value": "good"}, "rejected": {"from": "gpt", "value": "bad"}}""");
            assertThat(even.reason()).isEqualTo(DropReason.INVALID_MESSAGE_COUNT);
            RowProblem humanAnswer = dropped(
                    ranking,
                    """
                    {"conversations": [{"from": "human", "value": "q"}],
                     "chosen": {"from": "human", "value": "good"}, "rejected": {"from": "gpt", "value": "bad"}}""");
            assertThat(humanAnswer.reason()).isEqualTo(DropReason.INVALID_PREFERENCE);
            assertThat(humanAnswer.field()).isEqualTo("chosen.from");
            RowProblem stringAnswer = dropped(
                    ranking,
                    """
                    {"conversations": [{"from": "human", "value": "q"}], "chosen": "good", "rejected": "bad"}""");
            assertThat(stringAnswer.reason()).isEqualTo(DropReason.INVALID_PREFERENCE);
        }

        @Test
        void ktoWithOpenAiStyleTags() {
            DatasetInfo kto = info(DatasetFormatting.SHAREGPT)
                    .columns(DatasetColumns.defaults(DatasetFormatting.SHAREGPT)
                            .with(Map.of("messages", "messages", "kto_tag", "label")))
                    .tags(DatasetTags.defaults(DatasetFormatting.SHAREGPT)
                            .with(Map.of(
                                    "role_tag",
                                    "role",
                                    "content_tag",
                                    "content",
                                    "user_tag",
                                    "user",
                                    "assistant_tag",
                                    "assistant")))
                    .build();
            AlignedExample e = ok(
                    kto,
                    """
                    {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}],
                     "label": false}""");
            assertThat(e.prompt()).containsExactly(Message.user("q"));
            assertThat(e.response()).containsExactly(Message.assistant("a"));
            assertThat(e.ktoTag()).isFalse();
        }
    }

    @Nested
    class OpenAi {
        final DatasetInfo plain = info(DatasetFormatting.OPENAI)
                .columns(DatasetColumns.defaults(DatasetFormatting.OPENAI).with(Map.of("tools", "tools")))
                .build();

        @Test
        void toolCallsBecomeFunctionTurnsAndToolResultsAreMerged() {
            AlignedExample e = ok(
                    plain,
                    """
                    {"messages": [
                      {"role": "system", "content": "You can call tools."},
                      {"role": "user", "content": "Weather in Oslo and Rome?"},
                      {"role": "assistant", "content": null, "tool_calls": [
                        {"type": "function", "function": {"name": "weather", "arguments": "{\\"city\\": \\"Oslo\\"}"}},
                        {"type": "function", "function": {"name": "weather", "arguments": "{\\"city\\": \\"Rome\\"}"}}]},
                      {"role": "tool", "content": "rain"},
                      {"role": "tool", "content": "sun"},
                      {"role": "assistant", "content": "Rain in Oslo, sun in Rome."}],
                     "tools": [{"type": "function", "function": {"name": "weather"}}]}""");
            assertThat(e.system()).isEqualTo("You can call tools.");
            assertThat(e.prompt()).hasSize(3);
            assertThat(e.prompt().get(1))
                    .isEqualTo(new Message(
                            Role.FUNCTION,
                            "[{\"name\": \"weather\", \"arguments\": \"{\\\"city\\\": \\\"Oslo\\\"}\"}, "
                                    + "{\"name\": \"weather\", \"arguments\": \"{\\\"city\\\": \\\"Rome\\\"}\"}]"));
            assertThat(e.prompt().get(2))
                    .isEqualTo(new Message(Role.OBSERVATION, "rain\n</tool_response>\n<tool_response>\nsun"));
            assertThat(e.response()).containsExactly(Message.assistant("Rain in Oslo, sun in Rome."));
            assertThat(e.tools()).isEqualTo("[{\"type\": \"function\", \"function\": {\"name\": \"weather\"}}]");
        }

        @Test
        void trailingToolResultsAreLeftOutAsInLlamaFactory() {
            AlignedExample e = ok(
                    plain,
                    """
                    {"messages": [{"role": "user", "content": "q"},
                      {"role": "assistant", "content": "", "tool_calls": [{"function": {"name": "f", "arguments": "{}"}}]},
                      {"role": "tool", "content": "result"}]}""");
            assertThat(e.prompt()).containsExactly(Message.user("q"));
            assertThat(e.response())
                    .containsExactly(new Message(Role.FUNCTION, "[{\"name\": \"f\", \"arguments\": \"{}\"}]"));
        }

        @Test
        void noDetailedThinkingTextIsAddedToTheSystemPrompt() {
            AlignedExample e = ok(
                    plain,
                    """
                    {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}""");
            assertThat(e.system()).isEmpty();
        }

        @Test
        void malformedToolCallsAndUnknownRolesAreDropped() {
            RowProblem p = dropped(
                    plain,
                    """
                    {"messages": [{"role": "user", "content": "q"},
                      {"role": "assistant", "content": null, "tool_calls": [{"type": "function"}]}]}""");
            assertThat(p.reason()).isEqualTo(DropReason.WRONG_TYPE);
            assertThat(p.field()).isEqualTo("messages[1].tool_calls[0].function");
            assertThat(dropped(
                                    plain,
                                    """
                    {"messages": [{"role": "developer", "content": "x"}, {"role": "assistant", "content": "a"}]}""")
                            .reason())
                    .isEqualTo(DropReason.UNKNOWN_ROLE);
            assertThat(dropped(
                                    plain,
                                    """
                    {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": null}]}""")
                            .reason())
                    .isEqualTo(DropReason.MISSING_FIELD);
        }
    }

    @Test
    void unreadableRowsBecomeProblems() {
        RowConverter.Conversion c = RowConverter.forInfo(
                        info(DatasetFormatting.ALPACA).build())
                .convert(RawRow.unreadable("not valid JSON at column 3", "x.jsonl", 4, 3));
        assertThat(c.problem().reason()).isEqualTo(DropReason.UNREADABLE_ROW);
        assertThat(c.problem().message())
                .isEqualTo("dataset 'ds' x.jsonl:4: unreadable row: not valid JSON at column 3");
    }
}
