package ai.llamafactory.core.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two JVMs fill one cache at the same time: the blob lock files make the second wait and reuse the first's work. */
class HubClientCrossProcessTest {
    private static final String REPO = "tiny-org/tiny-model";

    @TempDir
    Path cache;

    @Test
    void secondProcessWaitsForTheBlobLocksAndDownloadsNothing() throws Exception {
        byte[] weights = new byte[200_000];
        new Random(3).nextBytes(weights);
        byte[] config = "{\"model_type\":\"qwen3\"}".getBytes(StandardCharsets.UTF_8);
        try (FakeHub hub = new FakeHub()) {
            hub.addRepo(REPO).file("config.json", config).lfsFile("model.safetensors", weights);
            hub.contentDelayMillis = 1500;

            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process child = new ProcessBuilder(
                            java.toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            SnapshotInChildProcess.class.getName(),
                            hub.endpoint(),
                            cache.toString(),
                            REPO)
                    .redirectErrorStream(true)
                    .start();
            try {
                // Start once the child is inside its transfers, holding both blob locks for the server's delay.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (hub.contentRequests.get() < 2 && System.nanoTime() < deadline && child.isAlive()) {
                    Thread.sleep(20);
                }
                assertThat(hub.contentRequests.get())
                        .as("child process started its downloads")
                        .isEqualTo(2);

                Path snapshot = HubClient.builder(Map.of())
                        .endpoint(hub.endpoint())
                        .cacheDir(cache)
                        .token(null)
                        .offline(false)
                        .readTimeout(Duration.ofSeconds(10))
                        .build()
                        .snapshot(REPO, "main", HubFileFilters.modelFiles());

                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
                String childOutput = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(child.exitValue()).as(childOutput).isZero();
                assertThat(childOutput).contains("SNAPSHOT " + snapshot);
                assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors")))
                        .isEqualTo(weights);
                assertThat(hub.contentRequests.get()).isEqualTo(2);
                assertThat(hub.bytesServed("model.safetensors")).isEqualTo(weights.length);
            } finally {
                child.destroyForcibly();
            }
        }
    }
}
