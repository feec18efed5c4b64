package ai.llamafactory.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A java.net.http client for one server on 127.0.0.1, with helpers to read JSON and server-sent events. */
final class TestClient {
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI base;
    private final String key;

    TestClient(URI base, String key) {
        this.base = base;
        this.key = key;
    }

    TestClient(OpenAiServer server) {
        this(server.baseUri(), null);
    }

    TestClient withKey(String apiKey) {
        return new TestClient(base, apiKey);
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b;
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    HttpResponse<String> post(String path, String body) {
        return send(request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    CompletableFuture<HttpResponse<String>> postAsync(String path, String body) {
        return http.sendAsync(
                request(path)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        return json(response.body());
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /** A chat body with one user message and extra top-level JSON members (written as {@code "k": v, ...}). */
    static String chatBody(String userText, String extraMembers) {
        String text = JSON.valueToTree(userText).toString();
        return "{\"model\": \"fake-model\", \"messages\": [{\"role\": \"user\", \"content\": " + text + "}]"
                + (extraMembers == null || extraMembers.isEmpty() ? "" : ", " + extraMembers) + "}";
    }

    /**
     * Splits a server-sent-events body into its data payloads, checking the framing: every event is exactly one
     * {@code data: } line followed by a blank line.
     */
    static List<String> sseData(String body) {
        if (!body.endsWith("\n\n")) {
            throw new AssertionError("SSE body does not end with a blank line: " + body);
        }
        List<String> data = new ArrayList<>();
        for (String event : body.substring(0, body.length() - 2).split("\n\n", -1)) {
            if (!event.startsWith("data: ") || event.contains("\n")) {
                throw new AssertionError("malformed SSE event '" + event + "' in " + body);
            }
            data.add(event.substring("data: ".length()));
        }
        return data;
    }
}
