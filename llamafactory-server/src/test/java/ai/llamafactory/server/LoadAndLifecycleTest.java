package ai.llamafactory.server;

import static ai.llamafactory.server.TestClient.chatBody;
import static ai.llamafactory.server.TestClient.json;
import static ai.llamafactory.server.TestClient.sseData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many clients at once, overload, timeouts and graceful shutdown, through a real HTTP client on loopback. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LoadAndLifecycleTest {
    private final FakeChatModel model = new FakeChatModel();
    private OpenAiServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(2));
        }
    }

    private TestClient start(OpenAiServer.Builder builder) {
        server = builder.port(0).build().start();
        return new TestClient(server);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    /** Checks one streamed reply completely and returns its id. */
    private static String assertWellFormedStream(HttpResponse<String> response, String expectedText) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        List<String> data = sseData(response.body());
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        assertThat(data.subList(0, data.size() - 1)).doesNotContain("[DONE]");
        List<JsonNode> chunks = new ArrayList<>();
        for (String payload : data.subList(0, data.size() - 1)) {
            chunks.add(json(payload));
        }
        String id = chunks.get(0).get("id").asText();
        assertThat(id).matches("chatcmpl-[0-9a-f]{32}");
        long created = chunks.get(0).get("created").asLong();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < chunks.size(); i++) {
            JsonNode chunk = chunks.get(i);
            assertThat(chunk.has("error")).as(chunk.toString()).isFalse();
            assertThat(chunk.get("id").asText()).isEqualTo(id);
            assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.get("created").asLong()).isEqualTo(created);
            assertThat(chunk.get("model").asText()).isEqualTo("fake-model");
            assertThat(chunk.get("choices")).hasSize(1);
            JsonNode choice = chunk.get("choices").get(0);
            assertThat(choice.get("index").asInt()).isZero();
            boolean first = i == 0;
            boolean last = i == chunks.size() - 1;
            assertThat(choice.at("/delta/role").isMissingNode()).isEqualTo(!first);
            if (last) {
                assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
                assertThat(choice.get("delta").size()).isZero();
            } else {
                assertThat(choice.get("finish_reason").isNull())
                        .as(chunk.toString())
                        .isTrue();
                text.append(choice.at("/delta/content").asText());
            }
        }
        assertThat(text.toString()).isEqualTo(expectedText);
        return id;
    }

    @Test
    void thirtyTwoConcurrentStreamsAllCompleteWellFormed() {
        model.tokenDelay = Duration.ofMillis(3);
        TestClient client =
                start(OpenAiServer.builder(model).maxConcurrentGenerations(4).maxQueuedRequests(64));
        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            futures.add(client.postAsync(
                    "/v1/chat/completions",
                    chatBody("request " + i + " says hello to the server", "\"stream\": true")));
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 32; i++) {
            HttpResponse<String> response =
                    futures.get(i).orTimeout(60, TimeUnit.SECONDS).join();
            ids.add(assertWellFormedStream(response, "Echo: request " + i + " says hello to the server"));
        }
        assertThat(ids).hasSize(32);
        assertThat(model.finished.get()).isEqualTo(32);
        assertThat(model.maxRunning.get()).isBetween(1, 4);
        System.out.println("32 concurrent streams: at most " + model.maxRunning.get() + " generations at once");
    }

    @Test
    void defaultServesOneGenerationAtATimeFromItsQueue() {
        model.tokenDelay = Duration.ofMillis(2);
        TestClient client = start(OpenAiServer.builder(model));
        assertThat(server.maxConcurrentGenerations()).isEqualTo(1);
        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            futures.add(client.postAsync("/v1/chat/completions", chatBody("queued " + i, null)));
        }
        for (int i = 0; i < 8; i++) {
            HttpResponse<String> response =
                    futures.get(i).orTimeout(30, TimeUnit.SECONDS).join();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(json(response).at("/choices/0/message/content").asText()).isEqualTo("Echo: queued " + i);
        }
        assertThat(model.maxRunning.get()).isEqualTo(1);
    }

    @Test
    void requestsBeyondTheQueueGet429AndTimedOutOnesGet504ThenAFreshRequestIsAnswered() throws Exception {
        model.tokenDelay = Duration.ofSeconds(2);
        TestClient client = start(OpenAiServer.builder(model)
                .maxConcurrentGenerations(1)
                .maxQueuedRequests(2)
                .requestTimeout(Duration.ofMillis(1500)));
        long t0 = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            futures.add(client.postAsync("/v1/chat/completions", chatBody("slow reply number " + i, null)));
        }
        Map<Integer, List<HttpResponse<String>>> byStatus = futures.stream()
                .map(f -> f.orTimeout(20, TimeUnit.SECONDS).join())
                .collect(Collectors.groupingBy(HttpResponse::statusCode));
        long elapsedMillis = (System.nanoTime() - t0) / 1_000_000;
        // 1 running + 2 queued time out; the other 3 are refused at once
        assertThat(byStatus.keySet()).containsExactlyInAnyOrder(429, 504);
        assertThat(byStatus.get(504)).hasSize(3);
        assertThat(byStatus.get(429)).hasSize(3);
        for (HttpResponse<String> r : byStatus.get(504)) {
            assertThat(json(r).at("/error/code").asText()).isEqualTo("request_timeout");
            assertThat(json(r).at("/error/type").asText()).isEqualTo("timeout_error");
            assertThat(json(r).at("/error/message").asText()).contains("1.500 s");
        }
        for (HttpResponse<String> r : byStatus.get(429)) {
            assertThat(json(r).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(r.headers().firstValue("Retry-After")).contains("1");
        }
        // answered at the deadline, not after the model's 10 seconds of work
        assertThat(elapsedMillis).isLessThan(6000);
        await("the cancelled generations return", () -> model.running.get() == 0);
        // the running one was cancelled; queued ones that expired never reached the model
        assertThat(model.cancellations.get()).isGreaterThanOrEqualTo(1);
        assertThat(model.started.get()).isEqualTo(model.cancellations.get());
        assertThat(model.started.get()).isBetween(1, 3);

        model.tokenDelay = Duration.ZERO;
        HttpResponse<String> fresh = client.post("/v1/chat/completions", chatBody("fresh request", null));
        assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(200);
        assertThat(json(fresh).at("/choices/0/message/content").asText()).isEqualTo("Echo: fresh request");
        assertWellFormedStream(
                client.post("/v1/chat/completions", chatBody("fresh stream", "\"stream\": true")),
                "Echo: fresh stream");
    }

    @Test
    void aStreamPastTheTimeoutEndsWithAnErrorEventAndDone() throws Exception {
        model.tokenDelay = Duration.ofMillis(150);
        TestClient client = start(OpenAiServer.builder(model).requestTimeout(Duration.ofMillis(500)));
        HttpResponse<String> response = client.post(
                "/v1/chat/completions",
                chatBody("a long answer that will not fit in the time limit at all", "\"stream\": true"));
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> data = sseData(response.body());
        assertThat(data.get(0)).contains("\"role\":\"assistant\"");
        assertThat(data.size()).isBetween(3, 7); // role, up to 4 tokens, error, [DONE]
        StringBuilder partial = new StringBuilder();
        for (String payload : data.subList(1, data.size() - 2)) {
            partial.append(json(payload).at("/choices/0/delta/content").asText());
        }
        assertThat("Echo: a long answer that will not fit in the time limit at all")
                .startsWith(partial.toString());
        JsonNode error = json(data.get(data.size() - 2)).get("error");
        assertThat(error.get("code").asText()).isEqualTo("request_timeout");
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        await("the generation is cancelled", () -> model.cancellations.get() == 1 && model.running.get() == 0);

        // a stream that times out while queued (behind a generation that ignores cancellation) is answered with a
        // plain 504 JSON error
        model.honoursCancellation = false;
        model.tokenDelay = Duration.ofMillis(300);
        CompletableFuture<HttpResponse<String>> blocker =
                client.postAsync("/v1/chat/completions", chatBody("one two three four", null));
        await("the blocker runs", () -> model.running.get() == 1);
        HttpResponse<String> queued = client.post("/v1/chat/completions", chatBody("queued", "\"stream\": true"));
        assertThat(queued.statusCode()).isEqualTo(504);
        assertThat(queued.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(json(queued).at("/error/code").asText()).isEqualTo("request_timeout");
        assertThat(blocker.join().statusCode()).isEqualTo(504);
        assertThat(model.started.get()).isEqualTo(2); // the queued stream never reached the model
        await("the stuck generation ends", () -> model.running.get() == 0);

        model.honoursCancellation = true;
        model.tokenDelay = Duration.ZERO;
        assertWellFormedStream(
                client.post("/v1/chat/completions", chatBody("after", "\"stream\": true")), "Echo: after");
    }

    @Test
    void aClientThatDisconnectsCancelsItsGeneration() throws Exception {
        model.tokenDelay = Duration.ofMillis(50);
        TestClient client = start(OpenAiServer.builder(model));
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = client.request("/v1/chat/completions")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(chatBody("w ".repeat(200), "\"stream\": true")))
                .build();
        HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream body = response.body()) {
            byte[] first = new byte[64];
            assertThat(body.read(first)).isPositive();
        }
        await("the server notices and cancels", () -> model.cancellations.get() == 1 && model.running.get() == 0);
        assertThat(model.finished.get()).isEqualTo(1);
        model.tokenDelay = Duration.ZERO;
        assertWellFormedStream(client.post("/v1/chat/completions", chatBody("next", "\"stream\": true")), "Echo: next");
    }

    @Test
    void gracefulShutdownLetsInFlightRequestsFinishAndRefusesNewOnes() throws Exception {
        model.tokenDelay = Duration.ofMillis(150);
        TestClient client = start(OpenAiServer.builder(model).maxConcurrentGenerations(2));
        CompletableFuture<HttpResponse<String>> whole =
                client.postAsync("/v1/chat/completions", chatBody("finish me please", null));
        CompletableFuture<HttpResponse<String>> streamed =
                client.postAsync("/v1/chat/completions", chatBody("stream me please", "\"stream\": true"));
        await("both generate", () -> model.running.get() == 2);

        long t0 = System.nanoTime();
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> server.stop(Duration.ofSeconds(10)));
        // a new connection is refused once the server stops accepting
        HttpClient fresh = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        await("new connections are refused", () -> {
            try {
                HttpResponse<String> r = fresh.send(
                        HttpRequest.newBuilder(server.baseUri().resolve("/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 503;
            } catch (ConnectException e) {
                return true;
            } catch (IOException e) {
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        });
        HttpResponse<String> wholeResponse =
                whole.orTimeout(20, TimeUnit.SECONDS).join();
        assertThat(wholeResponse.statusCode()).as(wholeResponse.body()).isEqualTo(200);
        assertThat(json(wholeResponse).at("/choices/0/message/content").asText())
                .isEqualTo("Echo: finish me please");
        assertWellFormedStream(streamed.orTimeout(20, TimeUnit.SECONDS).join(), "Echo: stream me please");
        stopping.orTimeout(20, TimeUnit.SECONDS).join();
        long stopMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(stopMillis).isLessThan(8000); // returned when the requests were done, not after the grace
        assertThat(model.cancellations.get()).isZero();
        server.awaitStopped();
        assertThatRefused(server);
    }

    @Test
    void shutdownPastTheGracePeriodCancelsWhatIsLeft() throws Exception {
        model.tokenDelay = Duration.ofSeconds(1);
        TestClient client = start(OpenAiServer.builder(model)
                .maxConcurrentGenerations(2)
                .maxQueuedRequests(4)
                .shutdownGracePeriod(Duration.ofMillis(300)));
        CompletableFuture<HttpResponse<String>> whole =
                client.postAsync("/v1/chat/completions", chatBody("never finished", null));
        CompletableFuture<HttpResponse<String>> streamed =
                client.postAsync("/v1/chat/completions", chatBody("never finished either", "\"stream\": true"));
        await("two generate", () -> model.running.get() == 2);
        CompletableFuture<HttpResponse<String>> queued =
                client.postAsync("/v1/chat/completions", chatBody("still queued", null));
        await("the third request is queued", () -> server.pendingGenerations() == 3);
        long t0 = System.nanoTime();
        server.stop();
        long stopMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(stopMillis).isBetween(250L, 6000L);

        HttpResponse<String> wholeResponse =
                whole.orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(wholeResponse.statusCode()).isEqualTo(503);
        assertThat(json(wholeResponse).at("/error/code").asText()).isEqualTo("server_shutting_down");
        HttpResponse<String> queuedResponse =
                queued.orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(queuedResponse.statusCode()).isEqualTo(503);
        List<String> data =
                sseData(streamed.orTimeout(10, TimeUnit.SECONDS).join().body());
        assertThat(json(data.get(data.size() - 2)).at("/error/code").asText()).isEqualTo("server_shutting_down");
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        assertThat(model.cancellations.get()).isEqualTo(2);
        assertThat(model.started.get()).isEqualTo(2);
        assertThatRefused(server);
    }

    private static void assertThatRefused(OpenAiServer stopped) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            http.send(
                    HttpRequest.newBuilder(stopped.baseUri().resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            fail("a stopped server answered");
        } catch (IOException expected) {
            // connection refused
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
