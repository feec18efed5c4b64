package ai.llamafactory.server;

import static ai.llamafactory.server.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.exception.InvalidConfigException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Defaults, LLaMA-Factory's environment variables and builder validation. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpenAiServerConfigTest {

    @Test
    void defaultsFollowLlamaFactory() {
        FakeChatModel model = new FakeChatModel();
        OpenAiServer server = OpenAiServer.builder(model).build();
        assertThat(server.host()).isEqualTo("127.0.0.1");
        assertThat(server.requiresApiKey()).isFalse();
        assertThat(server.modelName()).isEqualTo("fake-model");
        assertThat(server.maxConcurrentGenerations()).isEqualTo(1);
        assertThat(server.maxQueuedRequests()).isEqualTo(64);
        assertThat(server.requestTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(OpenAiServer.DEFAULT_PORT).isEqualTo(8000);

        model.name = null;
        assertThat(OpenAiServer.builder(model).build().modelName()).isEqualTo("gpt-3.5-turbo");
        model.name = "  ";
        assertThat(OpenAiServer.builder(model).build().modelName()).isEqualTo("gpt-3.5-turbo");
        assertThat(OpenAiServer.builder(model).modelName("my-lora").build().modelName())
                .isEqualTo("my-lora");
    }

    @Test
    void environmentVariablesConfigureTheServer() {
        FakeChatModel model = new FakeChatModel();
        Map<String, String> env = Map.of(
                "API_HOST",
                "127.0.0.1",
                "API_PORT",
                "0",
                "API_KEY",
                "sk-env",
                "API_MODEL_NAME",
                "llama3-sft",
                "MAX_CONCURRENT",
                "3",
                "UNRELATED",
                "x");
        OpenAiServer server =
                OpenAiServer.builder(model).port(1234).environment(env).build().start();
        try {
            assertThat(server.port()).isPositive().isNotEqualTo(1234);
            assertThat(server.requiresApiKey()).isTrue();
            assertThat(server.modelName()).isEqualTo("llama3-sft");
            assertThat(server.maxConcurrentGenerations()).isEqualTo(3);
            TestClient client = new TestClient(server).withKey("sk-env");
            assertThat(json(client.get("/v1/models")).at("/data/0/id").asText()).isEqualTo("llama3-sft");
            assertThat(json(client.post("/v1/chat/completions", TestClient.chatBody("x", null)))
                            .get("model")
                            .asText())
                    .isEqualTo("llama3-sft");
            assertThat(new TestClient(server).get("/health").statusCode()).isEqualTo(401);
        } finally {
            server.stop(Duration.ofSeconds(1));
        }
        // code set after the environment wins; blank variables are ignored
        OpenAiServer overridden = OpenAiServer.builder(model)
                .environment(env)
                .apiKey(null)
                .modelName("code")
                .environment(Map.of("API_KEY", " ", "API_MODEL_NAME", ""))
                .build();
        assertThat(overridden.requiresApiKey()).isFalse();
        assertThat(overridden.modelName()).isEqualTo("code");
    }

    @Test
    void invalidEnvironmentValuesNameTheVariableAndValue() {
        FakeChatModel model = new FakeChatModel();
        assertThatThrownBy(() -> OpenAiServer.builder(model).environment(Map.of("API_PORT", "eighty")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("API_PORT")
                .hasMessageContaining("'eighty'");
        assertThatThrownBy(() -> OpenAiServer.builder(model).environment(Map.of("API_PORT", "70000")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'70000'");
        assertThatThrownBy(() -> OpenAiServer.builder(model).environment(Map.of("MAX_CONCURRENT", "0")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("MAX_CONCURRENT")
                .hasMessageContaining("'0'");
    }

    @Test
    void invalidBuilderValuesNameTheSetting() {
        FakeChatModel model = new FakeChatModel();
        assertThatThrownBy(() -> OpenAiServer.builder(model).port(-1).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("port")
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> OpenAiServer.builder(model).host(" ").build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("host");
        assertThatThrownBy(() ->
                        OpenAiServer.builder(model).maxConcurrentGenerations(0).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("maxConcurrentGenerations");
        assertThatThrownBy(
                        () -> OpenAiServer.builder(model).maxQueuedRequests(-1).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("maxQueuedRequests")
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> OpenAiServer.builder(model)
                        .requestTimeout(Duration.ZERO)
                        .build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("requestTimeout")
                .hasMessageContaining("PT0S");
        assertThatThrownBy(() -> OpenAiServer.builder(model)
                        .shutdownGracePeriod(Duration.ofSeconds(-1))
                        .build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("shutdownGracePeriod");
        assertThatThrownBy(() -> OpenAiServer.builder(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aPortInUseIsAClearErrorAndTheServerRunsOnce() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            OpenAiServer server = OpenAiServer.builder(new FakeChatModel())
                    .port(taken.getLocalPort())
                    .build();
            assertThatThrownBy(server::start)
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
        }
        OpenAiServer server =
                OpenAiServer.builder(new FakeChatModel()).port(0).build().start();
        try {
            assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
            assertThat(server.baseUri().toString()).isEqualTo("http://127.0.0.1:" + server.port());
        } finally {
            server.close();
            server.close(); // idempotent
        }
    }

    @Test
    void queueOfZeroRefusesEverythingBeyondTheRunningGenerations() {
        FakeChatModel model = new FakeChatModel();
        model.tokenDelay = Duration.ofMillis(300);
        OpenAiServer server =
                OpenAiServer.builder(model).port(0).maxQueuedRequests(0).build().start();
        try {
            TestClient client = new TestClient(server);
            var running = client.postAsync("/v1/chat/completions", TestClient.chatBody("a b", null));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (model.running.get() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(client.post("/v1/chat/completions", TestClient.chatBody("c", null))
                            .statusCode())
                    .isEqualTo(429);
            assertThat(running.join().statusCode()).isEqualTo(200);
        } finally {
            server.stop(Duration.ofSeconds(2));
        }
    }
}
