package ai.llamafactory.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.chat.ChatMessage;
import ai.llamafactory.api.chat.ChatRole;
import ai.llamafactory.server.ChatCompletionParser.ChatCompletionCall;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Request parsing without HTTP: the accepted shapes and the field named in each error. */
class ChatCompletionParserTest {

    private static ChatCompletionCall parse(String json) {
        return ChatCompletionParser.parseChatCompletion(json.getBytes(StandardCharsets.UTF_8));
    }

    private static ApiError error(String json) {
        try {
            parse(json);
        } catch (ApiError e) {
            return e;
        }
        throw new AssertionError("accepted: " + json);
    }

    @Test
    void readsAFullConversation() {
        ChatCompletionCall call = parse("{\"messages\": ["
                + "{\"role\": \"developer\", \"content\": \"sys\"},"
                + "{\"role\": \"user\", \"content\": \"q\", \"name\": \"alice\"},"
                + "{\"role\": \"assistant\", \"tool_calls\": [{\"type\": \"function\", \"function\": {\"name\": \"f\","
                + " \"arguments\": {\"x\": 1}}}]},"
                + "{\"role\": \"function\", \"content\": \"42\"}],"
                + " \"n\": 2.0, \"max_tokens\": 7, \"max_completion_tokens\": 9, \"seed\": 12345678901,"
                + " \"stream\": false, \"stream_options\": {\"include_usage\": true}, \"presence_penalty\": 0,"
                + " \"logit_bias\": {}, \"response_format\": {\"type\": \"text\"}, \"metadata\": {\"a\": 1}}");
        assertThat(call.stream()).isFalse();
        assertThat(call.includeUsage()).isTrue();
        assertThat(call.request().n()).isEqualTo(2);
        assertThat(call.request().maxTokens()).hasValue(7); // max_tokens wins over max_completion_tokens
        assertThat(call.request().seed()).hasValue(12345678901L);
        assertThat(call.request().repetitionPenalty()).isEmpty(); // presence_penalty 0 means none
        assertThat(call.request().messages()).hasSize(4);
        assertThat(call.request().messages().get(0)).isEqualTo(ChatMessage.system("sys"));
        ChatMessage assistant = call.request().messages().get(2);
        assertThat(assistant.toolCalls()).hasSize(1);
        assertThat(assistant.toolCalls().get(0).id()).matches("call_[A-Za-z0-9]{24}");
        assertThat(assistant.toolCalls().get(0).arguments()).isEqualTo("{\"x\":1}");
        assertThat(call.request().messages().get(3).role()).isEqualTo(ChatRole.TOOL);
        assertThat(call.request().messages().get(3).toolCallId()).isEmpty();
    }

    @Test
    void explicitRepetitionPenaltyWinsOverPresencePenalty() {
        assertThat(parse("{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}], \"presence_penalty\": 1.5,"
                                + " \"repetition_penalty\": 1.1}")
                        .request()
                        .repetitionPenalty())
                .hasValue(1.1);
        assertThat(parse("{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}], \"presence_penalty\": 1.5}")
                        .request()
                        .repetitionPenalty())
                .hasValue(1.5);
    }

    @Test
    void nullMeansAbsent() {
        ChatCompletionCall call = parse("{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}],"
                + " \"temperature\": null, \"stop\": null, \"tools\": null, \"n\": null, \"stream\": null}");
        assertThat(call.request().temperature()).isEmpty();
        assertThat(call.request().stop()).isEmpty();
        assertThat(call.request().n()).isEqualTo(1);
        assertThat(call.stream()).isFalse();
    }

    @Test
    void errorsNameTheFieldAndShowTheValue() {
        ApiError e = error("{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}], \"top_p\": \"high\"}");
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.param()).isEqualTo("top_p");
        assertThat(e.getMessage()).isEqualTo("top_p: expected a number, got a string \"high\"");

        e = error("{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}], \"temperature\": 9}");
        assertThat(e.param()).isEqualTo("temperature");
        assertThat(e.getMessage()).isEqualTo("temperature: must be between 0.0 and 2.0, got 9.0");

        e = error("{\"messages\": [{\"role\": \"user\", \"content\": \"q\"},"
                + " {\"role\": \"assistant\", \"content\": \"a\"}, {\"role\": \"bot\", \"content\": \"q\"}]}");
        assertThat(e.param()).isEqualTo("messages[2].role");
        assertThat(e.getMessage()).contains("'bot'");

        e = error("{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}], \"n\": 3, \"stream\": true}");
        assertThat(e.param()).isEqualTo("n");
        assertThat(e.getMessage()).contains("n=3");

        e = error("{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}], \"max_tokens\": 1e12}");
        assertThat(e.param()).isEqualTo("max_tokens");
        assertThat(e.getMessage()).contains("out of range");
    }

    @Test
    void malformedJsonSaysWhere() {
        assertThatThrownBy(() -> parse("{\n  \"messages\": [,]\n}")).isInstanceOfSatisfying(ApiError.class, e -> {
            assertThat(e.code()).isEqualTo("invalid_json");
            assertThat(e.getMessage()).contains("line 2");
        });
    }

    @Test
    void scoreRequestsNeedStrings() {
        assertThat(ChatCompletionParser.parseScoreEvaluation(
                        "{\"messages\": [\"a\", \"b\"], \"max_length\": 512}".getBytes(StandardCharsets.UTF_8)))
                .containsExactly("a", "b");
        assertThatThrownBy(() -> ChatCompletionParser.parseScoreEvaluation(
                        "{\"messages\": []}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(
                        ApiError.class, e -> assertThat(e.param()).isEqualTo("messages"));
    }
}
