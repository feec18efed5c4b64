package ai.llamafactory.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code llamafactory api}: serves a fake model on a free port until the shutdown hook runs. */
class ApiCommandTest {
    private static final Pattern SERVING = Pattern.compile("Serving model '([^']+)' at (http://\\S+)/v1");

    @TempDir
    Path tmp;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Path yaml() throws Exception {
        return Files.writeString(
                tmp.resolve("serve.yaml"), "model_name_or_path: " + tmp.resolve("model") + "\ntemplate: chatml\n");
    }

    /** Starts the command on another thread and waits for its "Serving" line. */
    private static Matcher awaitServing(CliRun run) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = SERVING.matcher(run.out.toString());
            if (m.find()) {
                return m;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the server did not start; out: " + run.out + "; err: " + run.err);
    }

    private HttpResponse<String> get(String url, String apiKey) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesUntilTheShutdownHookRunsThenExits0() throws Exception {
        EchoChatModel model = new EchoChatModel();
        CliRun run = new CliRun().chatModel(model).environment(Map.of("API_PORT", "1"));
        Path config = yaml();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                () -> LlamaFactoryCli.run(run.context(), "api", config.toString(), "--port", "0"));
        Matcher serving = awaitServing(run);
        assertThat(serving.group(1)).isEqualTo("echo");
        String base = serving.group(2);
        assertThat(base).startsWith("http://127.0.0.1:").doesNotEndWith(":0").doesNotEndWith(":1");

        HttpResponse<String> health = get(base + "/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
        HttpResponse<String> models = get(base + "/v1/models", null);
        assertThat(models.body()).contains("\"id\":\"echo\"");
        assertThat(exit).isNotDone();

        run.shutdown.fire();
        assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
        assertThat(model.closed).isTrue();
        assertThat(run.err.toString()).contains("llamafactory: stopping the API server");
    }

    @Test
    void apiKeyFromTheEnvironmentGuardsEveryRoute() throws Exception {
        CliRun run = new CliRun()
                .chatModel(new EchoChatModel())
                .environment(Map.of("API_KEY", "s3cret", "API_HOST", "127.0.0.1", "API_MODEL_NAME", "tiny-sft"));
        Path config = yaml();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                () -> LlamaFactoryCli.run(run.context(), "api", config.toString(), "--port=0"));
        Matcher serving = awaitServing(run);
        try {
            assertThat(serving.group(1)).isEqualTo("tiny-sft");
            assertThat(run.out.toString()).contains("(API key required)").doesNotContain("s3cret");
            assertThat(get(serving.group(2) + "/health", null).statusCode()).isEqualTo(401);
            assertThat(get(serving.group(2) + "/health", "wrong").statusCode()).isEqualTo(401);
            assertThat(get(serving.group(2) + "/health", "s3cret").statusCode()).isEqualTo(200);
        } finally {
            run.shutdown.fire();
        }
        assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void aPortInUseExits2AndClosesTheModel() throws Exception {
        try (java.net.ServerSocket taken =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            EchoChatModel model = new EchoChatModel();
            CliRun.Result r = new CliRun()
                    .chatModel(model)
                    .run("api", yaml().toString(), "--port", Integer.toString(taken.getLocalPort()));
            assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE_ERROR);
            assertThat(r.err()).startsWith("llamafactory: error: cannot serve on 127.0.0.1:" + taken.getLocalPort());
            assertThat(model.closed)
                    .as("the model is closed when the server cannot start")
                    .isTrue();
        }
    }

    @Test
    void invalidPortInTheEnvironmentExits2() throws Exception {
        EchoChatModel model = new EchoChatModel();
        CliRun.Result r = new CliRun()
                .chatModel(model)
                .environment(Map.of("API_PORT", "eighty"))
                .run("api", yaml().toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE_ERROR);
        assertThat(r.err())
                .startsWith("llamafactory: error: ")
                .contains("API_PORT")
                .contains("eighty");
        assertThat(model.requests).isEmpty();
        assertThat(model.closed).as("checked before the model is loaded").isFalse();
    }
}
