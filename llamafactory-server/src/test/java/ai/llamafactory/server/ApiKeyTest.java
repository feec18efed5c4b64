package ai.llamafactory.server;

import static ai.llamafactory.server.TestClient.chatBody;
import static ai.llamafactory.server.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** With an API key set, every route answers 401 unless the request carries {@code Authorization: Bearer <key>}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiKeyTest {
    private static final String KEY = "sk-test-0123456789";

    private static FakeChatModel model;
    private static OpenAiServer server;
    private static TestClient anonymous;

    @BeforeAll
    static void start() {
        model = new FakeChatModel();
        server = OpenAiServer.builder(model).port(0).apiKey(KEY).build().start();
        anonymous = new TestClient(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(2));
        }
    }

    private static HttpRequest request(String method, String path, String authorization) {
        HttpRequest.Builder b = anonymous.request(path);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return method.equals("POST")
                ? b.header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(chatBody("hi", null)))
                        .build()
                : b.method(method, HttpRequest.BodyPublishers.noBody()).build();
    }

    @ParameterizedTest(name = "{0} {1} with {2}")
    @CsvSource(
            delimiter = '|',
            nullValues = "none",
            value = {
                "GET    | /health              | none",
                "GET    | /health              | Bearer wrong-key",
                "GET    | /health              | Basic c2stdGVzdA==",
                "GET    | /health              | Bearer",
                "GET    | /health              | sk-test-0123456789",
                "GET    | /health              | Bearer sk-test-012345678",
                "GET    | /v1/models           | none",
                "GET    | /v1/models           | Bearer wrong-key",
                "GET    | /v1/models/fake-model | none",
                "POST   | /v1/chat/completions | none",
                "POST   | /v1/chat/completions | Bearer wrong-key",
                "POST   | /v1/chat/completions | Bearer sk-test-0123456789x",
                "POST   | /v1/score/evaluation | none",
                "GET    | /no/such/route       | none",
                "POST   | /no/such/route       | Bearer wrong-key",
                "DELETE | /v1/models           | none",
                "HEAD   | /health              | none",
                "OPTIONS | /v1/chat/completions | none"
            })
    void everyRouteNeedsTheKey(String method, String path, String authorization) {
        int generationsBefore = model.started.get();
        HttpResponse<String> response = anonymous.send(request(method, path, authorization));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        if (!method.equals("HEAD")) {
            JsonNode error = json(response).get("error");
            assertThat(error.get("code").asText()).isEqualTo("invalid_api_key");
            assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.get("message").asText()).isNotBlank();
        }
        assertThat(model.started.get()).isEqualTo(generationsBefore);
    }

    @Test
    void malformedBodyWithoutKeyIs401Not400() {
        HttpResponse<String> response = anonymous.post("/v1/chat/completions", "{ not json");
        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void theRightKeyIsServedOnEveryRoute() {
        TestClient client = anonymous.withKey(KEY);
        assertThat(client.get("/health").statusCode()).isEqualTo(200);
        assertThat(json(client.get("/v1/models")).at("/data/0/id").asText()).isEqualTo("fake-model");
        HttpResponse<String> chat = client.post("/v1/chat/completions", chatBody("with key", null));
        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
        assertThat(json(chat).at("/choices/0/message/content").asText()).isEqualTo("Echo: with key");
        assertThat(client.get("/no/such/route").statusCode()).isEqualTo(404);
        // the scheme is case-insensitive, as RFC 7235 says
        HttpResponse<String> lower = anonymous.send(anonymous
                .request("/health")
                .header("Authorization", "bearer " + KEY)
                .GET()
                .build());
        assertThat(lower.statusCode()).isEqualTo(200);
        // and the server keeps serving anonymous callers with 401 afterwards
        assertThat(anonymous.get("/health").statusCode()).isEqualTo(401);
    }
}
