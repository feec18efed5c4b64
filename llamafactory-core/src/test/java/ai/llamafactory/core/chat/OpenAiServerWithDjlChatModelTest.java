package ai.llamafactory.core.chat;

import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.api.chat.ChatMessage;
import ai.llamafactory.api.chat.ChatRequest;
import ai.llamafactory.server.OpenAiServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAI-compatible server on an ephemeral port, answering with a real {@link DjlChatModel}. */
class OpenAiServerWithDjlChatModelTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicReference<int[]> SCRIPT = new AtomicReference<>();

    @TempDir
    static Path tmp;

    static DjlChatModel chat;
    static OpenAiServer server;
    static HttpClient http;

    @BeforeAll
    static void start() {
        chat = ChatFixtures.chatModel(
                tmp.resolve("model"), ChatFixtures.greedy(128), ChatFixtures.forcing(row -> SCRIPT.get()));
        server = OpenAiServer.builder(chat)
                .host("127.0.0.1")
                .port(0)
                .requestTimeout(Duration.ofSeconds(60))
                .build()
                .start();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        // Either may be null when setup failed (e.g. missing conformance data): report that failure only.
        if (server != null) {
            server.close();
        }
        if (chat != null) {
            chat.close();
        }
    }

    @AfterEach
    void reset() {
        SCRIPT.set(null);
    }

    static HttpResponse<String> post(String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUri() + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static final String MESSAGES = "[{\"role\": \"system\", \"content\": \"Be brief.\"},"
            + " {\"role\": \"user\", \"content\": \"Name a color.\"}]";

    @Test
    void aNonStreamingRequestGetsTheModelsReplyAndUsage() throws Exception {
        SCRIPT.set(ChatFixtures.replyIds(chat.tokenizer(), "Blue, like the sea."));
        HttpResponse<String> r = post("{\"model\": \"tiny-qwen3\", \"messages\": " + MESSAGES + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        assertThat(body.path("model").asText()).isEqualTo("tiny-qwen3");
        JsonNode choice = body.path("choices").get(0);
        assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(choice.path("message").path("content").asText()).isEqualTo("Blue, like the sea.");
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        int promptTokens = chat.encodePrompt(ChatRequest.builder()
                        .messages(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Name a color.")))
                        .build())
                .length;
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(promptTokens);
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo("Blue, like the sea.".length() + 1);
    }

    @Test
    void aStreamingRequestGetsWellFormedEventsThatJoinToTheReply() throws Exception {
        SCRIPT.set(ChatFixtures.replyIds(chat.tokenizer(), "Grün, then blue ✓"));
        HttpResponse<String> r = post("{\"messages\": " + MESSAGES + ", \"stream\": true, \"max_tokens\": 40}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<String> data = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data: ")) {
                data.add(line.substring(6));
            } else {
                assertThat(line).as("only data lines and blank separators").isBlank();
            }
        }
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        String finish = null;
        for (String d : data.subList(0, data.size() - 1)) {
            JsonNode chunk = JSON.readTree(d);
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            JsonNode choice = chunk.path("choices").get(0);
            text.append(choice.path("delta").path("content").asText(""));
            if (!choice.path("finish_reason").isNull()
                    && !choice.path("finish_reason").isMissingNode()) {
                finish = choice.path("finish_reason").asText();
            }
        }
        assertThat(text.toString()).isEqualTo("Grün, then blue ✓");
        assertThat(finish).isEqualTo("stop");
        assertThat(data.size()).as("one event per few tokens, not one blob").isGreaterThan(8);
    }

    @Test
    void aToolCallReplyIsReturnedAsToolCalls() throws Exception {
        SCRIPT.set(ChatFixtures.replyIds(
                chat.tokenizer(),
                "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>"));
        HttpResponse<String> r = post("{\"messages\": [{\"role\": \"user\", \"content\": \"Weather in Oslo?\"}],"
                + " \"tools\": " + DjlChatModelTest.TOOLS + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode choice = JSON.readTree(r.body()).path("choices").get(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode call = choice.path("message").path("tool_calls").get(0);
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(JSON.readTree(call.path("function").path("arguments").asText())
                        .path("city")
                        .asText())
                .isEqualTo("Oslo");
    }

    @Test
    void aConversationTheTemplateRefusesIsA400NamingTheMessage() throws Exception {
        HttpResponse<String> r = post("{\"messages\": [{\"role\": \"user\", \"content\": \"a\"},"
                + " {\"role\": \"user\", \"content\": \"b\"}]}");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertThat(error.path("param").asText()).isEqualTo("messages[1].role");
        assertThat(error.path("message").asText()).contains("expected assistant");
    }
}
