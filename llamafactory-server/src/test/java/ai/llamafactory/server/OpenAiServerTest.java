package ai.llamafactory.server;

import static ai.llamafactory.server.TestClient.chatBody;
import static ai.llamafactory.server.TestClient.json;
import static ai.llamafactory.server.TestClient.sseData;
import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.api.chat.ChatMessage;
import ai.llamafactory.api.chat.ChatRequest;
import ai.llamafactory.api.chat.ChatRole;
import ai.llamafactory.api.chat.ToolCall;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The routes, response formats and error bodies of {@link OpenAiServer}, through a real HTTP client. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpenAiServerTest {
    private FakeChatModel model;
    private OpenAiServer server;
    private TestClient client;

    @BeforeEach
    void start() {
        model = new FakeChatModel();
        server = OpenAiServer.builder(model)
                .port(0)
                .maxConcurrentGenerations(2)
                .maxRequestBytes(64 * 1024)
                .build()
                .start();
        client = new TestClient(server);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(java.time.Duration.ofSeconds(2));
        }
    }

    /** The server still answers health and a chat request correctly. */
    private void assertStillServing() {
        assertThat(client.get("/health").statusCode()).isEqualTo(200);
        HttpResponse<String> ok = client.post("/v1/chat/completions", chatBody("still there", null));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(json(ok).at("/choices/0/message/content").asText()).isEqualTo("Echo: still there");
    }

    private static void assertError(HttpResponse<String> response, int status, String type, String param, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode error = json(response).get("error");
        assertThat(error).as(response.body()).isNotNull();
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(error.get("type").asText()).isEqualTo(type);
        if (param == null) {
            assertThat(error.get("param").isNull()).as(response.body()).isTrue();
        } else {
            assertThat(error.get("param").asText()).isEqualTo(param);
        }
        if (code == null) {
            assertThat(error.get("code").isNull()).as(response.body()).isTrue();
        } else {
            assertThat(error.get("code").asText()).isEqualTo(code);
        }
    }

    @Test
    void healthAndModelsDescribeTheServedModel() {
        HttpResponse<String> health = client.get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health).get("status").asText()).isEqualTo("ok");

        JsonNode models = json(client.get("/v1/models"));
        assertThat(models.get("object").asText()).isEqualTo("list");
        assertThat(models.get("data")).hasSize(1);
        JsonNode card = models.get("data").get(0);
        assertThat(card.get("id").asText()).isEqualTo("fake-model");
        assertThat(card.get("object").asText()).isEqualTo("model");
        assertThat(card.get("owned_by").asText()).isEqualTo("owner");
        assertThat(card.get("created").asLong()).isCloseTo(System.currentTimeMillis() / 1000, within(60));

        assertThat(json(client.get("/v1/models/fake-model")).get("id").asText()).isEqualTo("fake-model");
        assertError(client.get("/v1/models/gpt-4"), 404, "invalid_request_error", "model", "model_not_found");
    }

    private static org.assertj.core.data.Offset<Long> within(long seconds) {
        return org.assertj.core.data.Offset.offset(seconds);
    }

    @Test
    void completionHasOpenAisShapeAndUsage() {
        HttpResponse<String> response = client.post("/v1/chat/completions", chatBody("Hello there friend", null));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode body = json(response);
        assertThat(body.get("id").asText()).matches("chatcmpl-[0-9a-f]{32}");
        assertThat(body.get("object").asText()).isEqualTo("chat.completion");
        assertThat(body.get("model").asText()).isEqualTo("fake-model");
        assertThat(body.get("created").asLong()).isCloseTo(System.currentTimeMillis() / 1000, within(60));
        assertThat(body.get("choices")).hasSize(1);
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("index").asInt()).isZero();
        assertThat(choice.at("/message/role").asText()).isEqualTo("assistant");
        assertThat(choice.at("/message/content").asText()).isEqualTo("Echo: Hello there friend");
        assertThat(choice.at("/message/tool_calls").isMissingNode()).isTrue();
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        // prompt: 3 words + 1 per message; completion: "Echo: ", "Hello ", "there ", "friend"
        assertThat(body.at("/usage/prompt_tokens").asInt()).isEqualTo(4);
        assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(4);
        assertThat(body.at("/usage/total_tokens").asInt()).isEqualTo(8);
    }

    @Test
    void samplingParametersReachTheModel() {
        HttpResponse<String> response = client.post(
                "/v1/chat/completions",
                chatBody(
                        "hi",
                        "\"temperature\": 0.7, \"top_p\": 0.9, \"top_k\": 5, \"seed\": 42, \"do_sample\": true,"
                                + " \"max_completion_tokens\": 64, \"presence_penalty\": 1.3, \"user\": \"ignored\","
                                + " \"frequency_penalty\": 0, \"stream\": false"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        ChatRequest seen = model.requests.get(0);
        assertThat(seen.temperature()).hasValue(0.7);
        assertThat(seen.topP()).hasValue(0.9);
        assertThat(seen.topK()).hasValue(5);
        assertThat(seen.seed()).hasValue(42L);
        assertThat(seen.doSample()).contains(true);
        assertThat(seen.maxTokens()).hasValue(64);
        assertThat(seen.repetitionPenalty()).hasValue(1.3);
        assertThat(seen.n()).isEqualTo(1);
        assertThat(seen.messages()).containsExactly(ChatMessage.user("hi"));
    }

    @Test
    void maxTokensEndsTheReplyWithLength() {
        JsonNode body = json(client.post("/v1/chat/completions", chatBody("one two three", "\"max_tokens\": 2")));
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Echo: one ");
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(2);
    }

    @Test
    void stopIsAStringOrAList() {
        JsonNode one = json(client.post("/v1/chat/completions", chatBody("alpha beta gamma", "\"stop\": \"gamma\"")));
        assertThat(one.at("/choices/0/message/content").asText()).isEqualTo("Echo: alpha beta ");
        assertThat(model.requests.get(0).stop()).containsExactly("gamma");

        JsonNode list = json(
                client.post("/v1/chat/completions", chatBody("alpha beta gamma", "\"stop\": [\"beta\", \"zeta\"]")));
        assertThat(list.at("/choices/0/message/content").asText()).isEqualTo("Echo: alpha ");
        assertThat(model.requests.get(1).stop()).containsExactly("beta", "zeta");
    }

    @Test
    void nAboveOneReturnsThatManyChoices() {
        HttpResponse<String> response = client.post("/v1/chat/completions", chatBody("hi", "\"n\": 3"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode choices = json(response).get("choices");
        assertThat(choices).hasSize(3);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            assertThat(choices.get(i).get("index").asInt()).isEqualTo(i);
            assertThat(choices.get(i).get("finish_reason").asText()).isEqualTo("stop");
            texts.add(choices.get(i).at("/message/content").asText());
        }
        assertThat(texts).containsExactly("Echo: hi", "#1 Echo: hi", "#2 Echo: hi");
        // completion tokens summed over choices: 2 + 3 + 3
        assertThat(json(response).at("/usage/completion_tokens").asInt()).isEqualTo(8);
        assertThat(model.requests.get(0).n()).isEqualTo(3);
    }

    @Test
    void streamSendsRoleContentFinishUsageAndDone() {
        HttpResponse<String> response = client.post(
                "/v1/chat/completions",
                chatBody("streams are fun", "\"stream\": true, \"stream_options\": {\"include_usage\": true}"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        List<String> data = sseData(response.body());
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        List<JsonNode> chunks =
                data.subList(0, data.size() - 1).stream().map(TestClient::json).toList();
        // role, 4 content chunks ("Echo: ", "streams ", "are ", "fun"), finish, usage
        assertThat(chunks).hasSize(7);
        String id = chunks.get(0).get("id").asText();
        assertThat(id).matches("chatcmpl-[0-9a-f]{32}");
        for (JsonNode chunk : chunks) {
            assertThat(chunk.get("id").asText()).isEqualTo(id);
            assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.get("model").asText()).isEqualTo("fake-model");
            assertThat(chunk.has("usage")).isTrue();
        }
        assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(chunks.get(0).at("/choices/0/delta/content").asText()).isEmpty();
        assertThat(chunks.get(0).at("/choices/0/finish_reason").isNull()).isTrue();
        StringBuilder text = new StringBuilder();
        for (JsonNode chunk : chunks.subList(1, 5)) {
            assertThat(chunk.at("/choices/0/delta/role").isMissingNode()).isTrue();
            assertThat(chunk.at("/choices/0/finish_reason").isNull()).isTrue();
            assertThat(chunk.get("usage").isNull()).isTrue();
            text.append(chunk.at("/choices/0/delta/content").asText());
        }
        assertThat(text.toString()).isEqualTo("Echo: streams are fun");
        assertThat(chunks.get(5).at("/choices/0/delta").size()).isZero();
        assertThat(chunks.get(5).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(chunks.get(6).get("choices")).isEmpty();
        assertThat(chunks.get(6).at("/usage/prompt_tokens").asInt()).isEqualTo(4);
        assertThat(chunks.get(6).at("/usage/completion_tokens").asInt()).isEqualTo(4);
        assertThat(chunks.get(6).at("/usage/total_tokens").asInt()).isEqualTo(8);
    }

    @Test
    void toolsRoundTrip() {
        String tools = "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"get_weather\","
                + " \"description\": \"Current weather\", \"parameters\": {\"type\": \"object\", \"properties\":"
                + " {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}}]";
        HttpResponse<String> first =
                client.post("/v1/chat/completions", chatBody("What is the weather in Paris?", tools));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode choice = json(first).at("/choices/0");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.at("/message/content").isNull()).isTrue();
        JsonNode call = choice.at("/message/tool_calls/0");
        assertThat(call.get("id").asText()).isEqualTo("call_fakeParis");
        assertThat(call.get("type").asText()).isEqualTo("function");
        assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
        assertThat(json(call.at("/function/arguments").asText()).get("city").asText())
                .isEqualTo("Paris");
        assertThat(json(model.requests.get(0).tools().orElseThrow())
                        .at("/0/function/name")
                        .asText())
                .isEqualTo("get_weather");

        // the client runs the tool and sends the assistant's call and the tool's result back
        String followUp = "{\"model\": \"fake-model\", " + tools + ", \"messages\": ["
                + "{\"role\": \"user\", \"content\": \"What is the weather in Paris?\"},"
                + "{\"role\": \"assistant\", \"content\": null, \"tool_calls\": [" + call + "]},"
                + "{\"role\": \"tool\", \"tool_call_id\": \"call_fakeParis\", \"content\": \"{\\\"temp\\\": 22}\"}]}";
        HttpResponse<String> second = client.post("/v1/chat/completions", followUp);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(json(second).at("/choices/0/message/content").asText()).isEqualTo("The tool said: {\"temp\": 22}");
        List<ChatMessage> seen = model.requests.get(1).messages();
        assertThat(seen).hasSize(3);
        assertThat(seen.get(1).role()).isEqualTo(ChatRole.ASSISTANT);
        assertThat(seen.get(1).content()).isEmpty();
        assertThat(seen.get(1).toolCalls())
                .containsExactly(new ToolCall("call_fakeParis", "get_weather", "{\"city\": \"Paris\"}"));
        assertThat(seen.get(2)).isEqualTo(ChatMessage.tool("call_fakeParis", "{\"temp\": 22}"));

        // streamed, the call comes in one delta and the stream ends with finish_reason tool_calls
        HttpResponse<String> streamed = client.post(
                "/v1/chat/completions", chatBody("What is the weather in Oslo?", tools + ", \"stream\": true"));
        List<String> data = sseData(streamed.body());
        assertThat(data).hasSize(4);
        assertThat(json(data.get(1))
                        .at("/choices/0/delta/tool_calls/0/function/arguments")
                        .asText())
                .isEqualTo("{\"city\": \"Oslo\"}");
        assertThat(json(data.get(1)).at("/choices/0/delta/tool_calls/0/index").asInt())
                .isZero();
        assertThat(json(data.get(2)).at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(data.get(3)).isEqualTo("[DONE]");

        // tool_choice "none" withholds the tools from the model
        json(client.post("/v1/chat/completions", chatBody("weather in Rome", tools + ", \"tool_choice\": \"none\"")));
        assertThat(model.requests.get(model.requests.size() - 1).tools()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"messages\": [",
                "not json",
                "\"a string\"",
                "[1, 2]",
                "{\"a\": 1} trailing",
                "{\"messages\": [], \"messages\": []}",
                "",
                "null"
            })
    void malformedJsonGets400(String body) {
        assertError(client.post("/v1/chat/completions", body), 400, "invalid_request_error", null, "invalid_json");
        assertThat(model.started.get()).isZero();
        assertStillServing();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "\"temperature\": -1                                  | temperature",
                "\"temperature\": \"hot\"                             | temperature",
                "\"temperature\": 2.5                                 | temperature",
                "\"top_p\": 1.5                                       | top_p",
                "\"top_k\": -3                                        | top_k",
                "\"max_tokens\": 0                                    | max_tokens",
                "\"max_tokens\": 1.5                                  | max_tokens",
                "\"n\": 0                                             | n",
                "\"n\": 129                                           | n",
                "\"n\": 2, \"stream\": true                           | n",
                "\"stop\": 5                                          | stop",
                "\"stop\": [\"a\", 1]                                 | stop",
                "\"stop\": [\"\"]                                     | stop",
                "\"seed\": \"x\"                                      | seed",
                "\"stream\": \"yes\"                                  | stream",
                "\"stream\": true, \"stream_options\": 1              | stream_options",
                "\"do_sample\": 1                                     | do_sample",
                "\"repetition_penalty\": 0                            | repetition_penalty",
                "\"presence_penalty\": 3                              | presence_penalty",
                "\"presence_penalty\": -1                             | presence_penalty",
                "\"frequency_penalty\": 0.5                           | frequency_penalty",
                "\"logprobs\": true                                   | logprobs",
                "\"response_format\": {\"type\": \"json_object\"}     | response_format",
                "\"tool_choice\": \"required\"                        | tool_choice",
                "\"tools\": {\"a\": 1}                                | tools",
                "\"tools\": [{\"type\": \"function\", \"function\": {}}] | tools[0].function.name"
            })
    void invalidParametersGet400NamingTheField(String extra, String param) {
        HttpResponse<String> response = client.post("/v1/chat/completions", chatBody("hi", extra));
        String code = json(response).at("/error/code").asText();
        assertError(response, 400, "invalid_request_error", param, code);
        assertThat(code).isIn("invalid_value", "unsupported_parameter");
        assertThat(json(response).at("/error/message").asText()).contains(param.replaceAll("\\[.*", ""));
        assertThat(model.started.get()).isZero();
        assertStillServing();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{}                                                                  | messages",
                "{\"model\": 5, \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]} | model",
                "{\"messages\": {}}                                                  | messages",
                "{\"messages\": []}                                                  | messages",
                "{\"messages\": [5]}                                                 | messages[0]",
                "{\"messages\": [{\"content\": \"x\"}]}                              | messages[0].role",
                "{\"messages\": [{\"role\": \"wizard\", \"content\": \"x\"}]}        | messages[0].role",
                "{\"messages\": [{\"role\": \"user\"}]}                              | messages[0].content",
                "{\"messages\": [{\"role\": \"user\", \"content\": 5}]}              | messages[0].content",
                "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\"}]}]} | messages[0].content[0].type",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"x\", \"tool_calls\": []}]} | messages[0].tool_calls",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"x\", \"tool_call_id\": \"c\"}]} | messages[0].tool_call_id",
                "{\"messages\": [{\"role\": \"assistant\", \"tool_calls\": [{\"function\": {\"arguments\": \"{}\"}}]}]} | messages[0].tool_calls[0].function.name",
                "{\"messages\": [{\"role\": \"assistant\", \"tool_calls\": [{\"function\": {\"name\": \"f\", \"arguments\": 3}}]}]} | messages[0].tool_calls[0].function.arguments"
            })
    void invalidMessagesGet400NamingTheField(String body, String param) {
        HttpResponse<String> response = client.post("/v1/chat/completions", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(json(response).at("/error/param").asText()).isEqualTo(param);
        assertThat(json(response).at("/error/message").asText()).startsWith(param);
        assertThat(model.started.get()).isZero();
        assertStillServing();
    }

    @Test
    void messageContentMayBeAListOfTextParts() {
        String body = "{\"messages\": [{\"role\": \"system\", \"content\": \"be brief\"}, {\"role\": \"user\","
                + " \"content\": [{\"type\": \"text\", \"text\": \"first\"}, {\"type\": \"text\", \"text\":"
                + " \"second\"}]}]}";
        JsonNode reply = json(client.post("/v1/chat/completions", body));
        assertThat(reply.at("/choices/0/message/content").asText()).isEqualTo("Echo: first\nsecond");
        assertThat(model.requests.get(0).messages())
                .containsExactly(ChatMessage.system("be brief"), ChatMessage.user("first\nsecond"));
    }

    @Test
    void unknownRoutesGet404AndWrongMethods405WithErrorBodies() {
        assertError(client.get("/v1/completions"), 404, "invalid_request_error", null, "unknown_url");
        assertError(client.post("/v2/chat", "{}"), 404, "invalid_request_error", null, "unknown_url");
        assertError(client.get("/v1/chat/completions"), 405, "invalid_request_error", null, "method_not_allowed");
        assertError(
                client.send(client.request("/v1/models").DELETE().build()),
                405,
                "invalid_request_error",
                null,
                "method_not_allowed");
        assertStillServing();
    }

    @Test
    void bodiesAboveTheLimitGet413() {
        String big = "x".repeat(70 * 1024);
        assertError(
                client.post("/v1/chat/completions", chatBody(big, null)),
                413,
                "invalid_request_error",
                null,
                "request_too_large");
        assertThat(model.started.get()).isZero();
        assertStillServing();
    }

    @Test
    void failureMidStreamEndsWithAnErrorEventAndDone() {
        model.failAfterTokens = 2;
        HttpResponse<String> response =
                client.post("/v1/chat/completions", chatBody("this reply will break", "\"stream\": true"));
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> data = sseData(response.body());
        // role, "Echo: ", "this ", error, [DONE]
        assertThat(data).hasSize(5);
        assertThat(json(data.get(0)).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(json(data.get(1)).at("/choices/0/delta/content").asText()).isEqualTo("Echo: ");
        assertThat(json(data.get(2)).at("/choices/0/delta/content").asText()).isEqualTo("this ");
        JsonNode error = json(data.get(3)).get("error");
        assertThat(error.get("type").asText()).isEqualTo("server_error");
        assertThat(error.get("message").asText())
                .contains("IllegalStateException")
                .contains("fake model failure after 2 tokens");
        assertThat(data.get(4)).isEqualTo("[DONE]");

        model.failAfterTokens = 0;
        List<String> early = sseData(client.post("/v1/chat/completions", chatBody("x", "\"stream\": true"))
                .body());
        assertThat(early).hasSize(3);
        assertThat(json(early.get(1)).at("/error/message").asText()).contains("after 0 tokens");
        assertThat(early.get(2)).isEqualTo("[DONE]");

        model.failAfterTokens = -1;
        assertStillServing();
    }

    @Test
    void streamsEndProperlyEvenWhenTheModelBreaksTheStreamingContract() {
        model.failAfterTokens = 1;
        model.throwsFromStreamChat = true;
        List<String> thrown = sseData(client.post("/v1/chat/completions", chatBody("a b c", "\"stream\": true"))
                .body());
        assertThat(thrown).hasSize(4); // role, "Echo: ", error, [DONE]
        assertThat(json(thrown.get(2)).at("/error/message").asText()).contains("fake model failure after 1 tokens");
        assertThat(thrown.get(3)).isEqualTo("[DONE]");

        model.failAfterTokens = -1;
        model.throwsFromStreamChat = false;
        model.forgetsFinalEvent = true;
        List<String> unfinished = sseData(client.post("/v1/chat/completions", chatBody("a b", "\"stream\": true"))
                .body());
        assertThat(unfinished).hasSize(6); // role, 3 tokens, error, [DONE]
        assertThat(json(unfinished.get(4)).at("/error/message").asText()).contains("without a final event");
        assertThat(unfinished.get(5)).isEqualTo("[DONE]");
        model.forgetsFinalEvent = false;
        assertStillServing();
    }

    @Test
    void failureOfAWholeCompletionIs500() {
        model.failAfterTokens = 1;
        assertError(client.post("/v1/chat/completions", chatBody("x y z", null)), 500, "server_error", null, null);
        model.failAfterTokens = -1;
        assertStillServing();
    }

    @Test
    void modelRejectingTheRequestIs400NamingTheField() {
        // the fake's template-like check: the request builder rejects a tool message answering an unknown role
        String body = "{\"messages\": [{\"role\": \"tool\", \"content\": \"orphan\", \"tool_call_id\": \"c\"}],"
                + " \"temperature\": 0}";
        HttpResponse<String> ok = client.post("/v1/chat/completions", body);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(json(ok).at("/choices/0/message/content").asText()).isEqualTo("The tool said: orphan");

        model.rejectWith = new ai.llamafactory.api.exception.InvalidChatRequestException(
                "messages", "messages: the template expects user and assistant turns to alternate");
        HttpResponse<String> rejected = client.post("/v1/chat/completions", chatBody("x", null));
        assertError(rejected, 400, "invalid_request_error", "messages", "invalid_value");
        assertThat(json(rejected).at("/error/message").asText()).contains("alternate");
        List<String> streamed = sseData(client.post("/v1/chat/completions", chatBody("x", "\"stream\": true"))
                .body());
        assertThat(json(streamed.get(1)).at("/error/param").asText()).isEqualTo("messages");
        assertThat(streamed.get(2)).isEqualTo("[DONE]");
        model.rejectWith = null;
        assertStillServing();
    }

    @Test
    void scoresComeFromTheValueHeadOrAre400() {
        String body = "{\"model\": \"fake-model\", \"messages\": [\"good answer\", \"bad answer\"]}";
        HttpResponse<String> unsupported = client.post("/v1/score/evaluation", body);
        assertError(unsupported, 400, "invalid_request_error", null, "unsupported_parameter");
        assertThat(json(unsupported).at("/error/message").asText()).contains("no value head");

        model.scoreValues = List.of(0.75, -1.5, 3.0);
        JsonNode scores = json(client.post("/v1/score/evaluation", body));
        assertThat(scores.get("object").asText()).isEqualTo("score.evaluation");
        assertThat(scores.get("model").asText()).isEqualTo("fake-model");
        assertThat(scores.get("id").asText()).startsWith("scoreeval-");
        assertThat(scores.get("scores")).hasSize(2);
        assertThat(scores.at("/scores/0").asDouble()).isEqualTo(0.75);
        assertThat(scores.at("/scores/1").asDouble()).isEqualTo(-1.5);

        assertError(
                client.post("/v1/score/evaluation", "{\"messages\": [1]}"),
                400,
                "invalid_request_error",
                "messages[0]",
                "invalid_value");
    }

    @Test
    void headRequestsAndTrailingSlashesAreServed() {
        HttpResponse<String> slash = client.get("/v1/models/");
        assertThat(slash.statusCode()).isEqualTo(200);
        HttpResponse<String> head = client.send(client.request("/health")
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build());
        assertThat(head.statusCode()).isEqualTo(200);
    }
}
