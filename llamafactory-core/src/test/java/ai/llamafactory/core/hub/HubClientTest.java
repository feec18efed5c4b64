package ai.llamafactory.core.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.api.exception.InvalidConfigException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a local fake hub on 127.0.0.1 into a temporary cache. */
class HubClientTest {
    private static final String REPO = "tiny-org/tiny-model";
    private static final byte[] CONFIG =
            "{\"model_type\":\"qwen3\",\"hidden_size\":64,\"num_hidden_layers\":2}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TOKENIZER =
            "{\"version\":\"1.0\",\"model\":{\"type\":\"BPE\"}}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] README = "# tiny model\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] WEIGHTS = randomBytes(300_000, 7);

    @TempDir
    Path cache;

    private FakeHub hub;
    private FakeHub.Repo repo;

    @BeforeEach
    void startHub() throws IOException {
        hub = new FakeHub();
        repo = addTinyModel(hub);
    }

    @AfterEach
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    private static FakeHub.Repo addTinyModel(FakeHub server) {
        return server.addRepo(REPO)
                .file("config.json", CONFIG)
                .file("tokenizer.json", TOKENIZER)
                .lfsFile("model.safetensors", WEIGHTS)
                .file("README.md", README)
                .file("sub/dir/extra.json", "{}".getBytes(StandardCharsets.UTF_8));
    }

    private HubClient.Builder client() {
        return client(hub);
    }

    private HubClient.Builder client(FakeHub server) {
        return HubClient.builder(Map.of())
                .endpoint(server.endpoint())
                .cacheDir(cache)
                .token(null)
                .offline(false)
                .connectTimeout(Duration.ofSeconds(2))
                .readTimeout(Duration.ofSeconds(5))
                .retryDelay(Duration.ofMillis(10));
    }

    private Path repoDir() {
        return cache.resolve("models--tiny-org--tiny-model");
    }

    private Path weightsBlob() {
        return repoDir().resolve("blobs").resolve(FakeHub.sha256Hex(WEIGHTS));
    }

    private Path weightsPartial() {
        return repoDir().resolve("blobs").resolve(FakeHub.sha256Hex(WEIGHTS) + ".incomplete");
    }

    @Test
    void fullDownloadCreatesTheHuggingfaceHubCacheLayout() throws IOException {
        Path snapshot = client().build().snapshot(REPO, "main", HubFileFilters.modelFiles());

        assertThat(snapshot).isEqualTo(repoDir().resolve("snapshots").resolve(repo.commit));
        assertThat(Files.readString(repoDir().resolve("refs/main"))).isEqualTo(repo.commit);
        assertThat(listFiles(snapshot)).containsExactlyInAnyOrder("config.json", "tokenizer.json", "model.safetensors");
        assertThat(Files.readAllBytes(snapshot.resolve("config.json"))).isEqualTo(CONFIG);
        assertThat(Files.readAllBytes(snapshot.resolve("tokenizer.json"))).isEqualTo(TOKENIZER);
        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
        // Relative links to blobs named by etag: git blob sha1 for git files, sha256 for LFS files.
        assertThat(Files.readSymbolicLink(snapshot.resolve("config.json")))
                .isEqualTo(Path.of("../../blobs/" + FakeHub.gitBlobSha1(CONFIG)));
        assertThat(Files.readSymbolicLink(snapshot.resolve("model.safetensors")))
                .isEqualTo(Path.of("../../blobs/" + FakeHub.sha256Hex(WEIGHTS)));
        assertThat(listFiles(repoDir().resolve("blobs")))
                .containsExactlyInAnyOrder(
                        FakeHub.gitBlobSha1(CONFIG), FakeHub.gitBlobSha1(TOKENIZER), FakeHub.sha256Hex(WEIGHTS));
        assertThat(cache.resolve(".locks/models--tiny-org--tiny-model/" + FakeHub.sha256Hex(WEIGHTS) + ".lock"))
                .exists();
        assertThat(hub.bytesServed("model.safetensors")).isEqualTo(WEIGHTS.length);
        assertThat(hub.bytesServed("README.md")).isZero();
        assertThat(hub.headRequests.get()).isZero();
    }

    @Test
    void nestedFilesGetLinksRelativeToTheirFolder() throws IOException {
        Path snapshot = client().build().snapshot(REPO, null, HubFileFilters.allFiles());

        assertThat(listFiles(snapshot))
                .containsExactlyInAnyOrder(
                        "config.json", "tokenizer.json", "model.safetensors", "README.md", "sub/dir/extra.json");
        Path extra = snapshot.resolve("sub/dir/extra.json");
        assertThat(Files.readSymbolicLink(extra))
                .isEqualTo(Path.of("../../../../blobs/" + FakeHub.gitBlobSha1("{}".getBytes(StandardCharsets.UTF_8))));
        assertThat(Files.readString(extra)).isEqualTo("{}");
    }

    @Test
    void secondCallDownloadsNothing() {
        HubClient client = client().build();
        Path first = client.snapshot(REPO, "main", HubFileFilters.modelFiles());
        int contentRequests = hub.contentRequests.get();
        long bytes = hub.totalBytesServed();

        Path second = client.snapshot(REPO, "main", HubFileFilters.modelFiles());

        assertThat(second).isEqualTo(first);
        assertThat(hub.contentRequests.get()).isEqualTo(contentRequests);
        assertThat(hub.totalBytesServed()).isEqualTo(bytes);
        assertThat(hub.apiRequests.get()).isEqualTo(2);
        assertThat(hub.headRequests.get()).isZero();
    }

    @Test
    void cutConnectionLeavesAPartialFileThatTheNextCallResumes() throws IOException {
        hub.cutAfter.put("model.safetensors", 120_000);
        HubClient client = client().maxRetries(0).build();

        assertThatThrownBy(() -> client.snapshot(REPO, "main", HubFileFilters.modelFiles()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.safetensors")
                .hasMessageContaining(REPO)
                .hasMessageContaining("resumes");
        long firstServed = hub.bytesServed("model.safetensors");
        long kept = Files.size(weightsPartial());
        assertThat(firstServed).isEqualTo(120_000);
        assertThat(kept).isEqualTo(120_000);
        assertThat(weightsBlob()).doesNotExist();

        Path snapshot = client.snapshot(REPO, "main", HubFileFilters.modelFiles());

        long secondServed = hub.bytesServed("model.safetensors") - firstServed;
        assertThat(secondServed).isEqualTo(WEIGHTS.length - kept).isLessThan(WEIGHTS.length);
        assertThat(hub.rangeHeaders).containsExactly("model.safetensors bytes=120000-");
        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
        assertThat(weightsPartial()).doesNotExist();
    }

    @Test
    void cutConnectionIsResumedWithinTheSameCallWhenRetriesAreAllowed() throws IOException {
        hub.cutAfter.put("model.safetensors", 100_000);

        Path snapshot = client().maxRetries(2).build().snapshot(REPO, "main", HubFileFilters.modelFiles());

        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
        assertThat(hub.bytesServed("model.safetensors")).isEqualTo(WEIGHTS.length);
        assertThat(hub.rangeHeaders).containsExactly("model.safetensors bytes=100000-");
    }

    @Test
    void serverIgnoringTheRangeRequestRestartsTheFileFromZero() throws IOException {
        hub.cutAfter.put("model.safetensors", 100_000);
        hub.ignoreRange = true;

        Path snapshot = client().maxRetries(1).build().snapshot(REPO, "main", HubFileFilters.modelFiles());

        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
        assertThat(hub.bytesServed("model.safetensors")).isEqualTo(100_000L + WEIGHTS.length);
    }

    @Test
    void stalledTransferFailsAfterTheReadTimeoutAndIsResumedLater() throws IOException {
        hub.stallAfter.put("model.safetensors", 50_000);
        HubClient client =
                client().maxRetries(0).readTimeout(Duration.ofMillis(300)).build();

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThatThrownBy(
                        () -> client.snapshot(REPO, "main", HubFileFilters.modelFiles()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("no data received for 300 ms")
                .hasMessageContaining("model.safetensors"));
        assertThat(Files.size(weightsPartial())).isEqualTo(50_000);

        Path snapshot = client.snapshot(REPO, "main", HubFileFilters.modelFiles());

        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
        assertThat(hub.rangeHeaders).containsExactly("model.safetensors bytes=50000-");
    }

    @Test
    void checksumMismatchOfAnLfsFileDeletesTheDownloadAndNamesBothChecksums() {
        hub.corrupt.add("model.safetensors");
        byte[] corrupted = WEIGHTS.clone();
        corrupted[corrupted.length / 2] ^= 0x5A;

        assertThatThrownBy(() -> client().build().snapshot(REPO, "main", HubFileFilters.modelFiles()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("checksum mismatch")
                .hasMessageContaining(REPO)
                .hasMessageContaining("'model.safetensors'")
                .hasMessageContaining("expected sha256 " + FakeHub.sha256Hex(WEIGHTS))
                .hasMessageContaining("found " + FakeHub.sha256Hex(corrupted));
        assertThat(weightsPartial()).doesNotExist();
        assertThat(weightsBlob()).doesNotExist();
        assertThat(repoDir().resolve("refs/main")).doesNotExist();
    }

    @Test
    void checksumMismatchOfAGitFileIsCaughtByTheGitBlobId() {
        hub.corrupt.add("config.json");

        assertThatThrownBy(() -> client().parallelDownloads(1)
                        .build()
                        .snapshot(REPO, "main", HubFileFilters.glob("config.json")))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("'config.json'")
                .hasMessageContaining("expected git blob sha1 " + FakeHub.gitBlobSha1(CONFIG));
        assertThat(repoDir().resolve("blobs").resolve(FakeHub.gitBlobSha1(CONFIG)))
                .doesNotExist();
    }

    @Test
    void privateRepoNeedsATokenWhichNeverReachesTheStorageHost() throws IOException {
        hub.requiredToken = "hf_secret123";

        assertThatThrownBy(() -> client().build().snapshot(REPO, "main", HubFileFilters.modelFiles()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("HF_TOKEN")
                .hasMessageContaining(REPO)
                .hasMessageContaining("no token was sent");
        assertThatThrownBy(
                        () -> client().token("hf_wrong456").build().snapshot(REPO, "main", HubFileFilters.modelFiles()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("the token that was sent was not accepted")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hf_wrong456"));

        Path snapshot = client().token("hf_secret123").build().snapshot(REPO, "main", HubFileFilters.modelFiles());

        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
        assertThat(hub.hubAuthorization).contains("Bearer hf_secret123");
        assertThat(hub.cdnAuthorization).isNotEmpty().containsOnly("none");
    }

    @Test
    void offlineModeServesTheCacheWithoutAnyRequest() throws IOException {
        Path online = client().build().snapshot(REPO, "main", HubFileFilters.modelFiles());
        int requests = hub.hubAuthorization.size() + hub.cdnAuthorization.size();

        Path offline = client().offline(true).build().snapshot(REPO, "main", HubFileFilters.modelFiles());
        Path fromEnvironment = HubClient.builder(Map.of("HF_HUB_OFFLINE", "1", "HF_HUB_CACHE", cache.toString()))
                .endpoint(hub.endpoint())
                .build()
                .snapshot(REPO, null, HubFileFilters.modelFiles());
        Path byCommit = client().offline(true).build().snapshot(REPO, repo.commit, HubFileFilters.modelFiles());

        assertThat(offline).isEqualTo(online);
        assertThat(fromEnvironment).isEqualTo(online);
        assertThat(byCommit).isEqualTo(online);
        assertThat(Files.readAllBytes(offline.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
        assertThat(hub.hubAuthorization.size() + hub.cdnAuthorization.size()).isEqualTo(requests);
    }

    @Test
    void offlineModeFailsWithRepoRevisionAndCacheFolderWhenNothingIsCached() throws IOException {
        HubClient offline = client().offline(true).build();

        assertThatThrownBy(() -> offline.snapshot(REPO, "main", HubFileFilters.modelFiles()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("offline mode")
                .hasMessageContaining(REPO)
                .hasMessageContaining("'main'")
                .hasMessageContaining(cache.toAbsolutePath().toString());

        client().build().snapshot(REPO, "main", HubFileFilters.modelFiles());
        assertThatThrownBy(() -> offline.snapshot(REPO, "v2.0", HubFileFilters.modelFiles()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("'v2.0'");
        assertThatThrownBy(() -> offline.snapshot(REPO, "main", HubFileFilters.adapterFiles()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("no file selected");

        Files.delete(weightsBlob());
        assertThatThrownBy(() -> offline.snapshot(REPO, "main", HubFileFilters.modelFiles()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("model.safetensors")
                .hasMessageContaining("missing blobs");
        assertThat(hub.apiRequests.get()).isEqualTo(1);
    }

    @Test
    void missingBlobIsDownloadedAgainOnline() throws IOException {
        HubClient client = client().build();
        client.snapshot(REPO, "main", HubFileFilters.modelFiles());
        Files.delete(weightsBlob());

        Path snapshot = client.snapshot(REPO, "main", HubFileFilters.modelFiles());

        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
        assertThat(hub.bytesServed("model.safetensors")).isEqualTo(2L * WEIGHTS.length);
        assertThat(hub.bytesServed("config.json")).isEqualTo(CONFIG.length);
    }

    @Test
    void endpointWithAPathPrefixIsHonoured() throws IOException {
        try (FakeHub mirror = new FakeHub("/mirror/hf")) {
            addTinyModel(mirror);

            Path snapshot = client(mirror)
                    .endpoint(mirror.endpoint() + "/")
                    .build()
                    .snapshot(REPO, "main", HubFileFilters.modelFiles());

            assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors")))
                    .isEqualTo(WEIGHTS);
            assertThat(mirror.apiRequests.get()).isEqualTo(1);
            assertThat(mirror.contentRequests.get()).isEqualTo(3);
        }
    }

    @Test
    void missingRepoRevisionAndFileAreReportedWithTheirUrl() {
        HubClient client = client().build();

        assertThatThrownBy(() -> client.snapshot("tiny-org/absent", "main", HubFileFilters.modelFiles()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("'tiny-org/absent'")
                .hasMessageContaining("was not found")
                .hasMessageContaining(hub.endpoint() + "/api/models/tiny-org/absent/revision/main");
        assertThatThrownBy(() -> client.snapshot(REPO, "no-such-branch", HubFileFilters.modelFiles()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("revision 'no-such-branch' was not found")
                .hasMessageContaining("HTTP 404");

        hub.missingOnResolve.add("tokenizer.json");
        assertThatThrownBy(() -> client.snapshot(REPO, "main", HubFileFilters.modelFiles()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("file 'tokenizer.json' was not found")
                .hasMessageContaining(
                        hub.endpoint() + "/tiny-org/tiny-model/resolve/" + repo.commit + "/tokenizer.json");
    }

    @Test
    void connectionFailureNamesTheUrl() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        HubClient client =
                client().endpoint("http://127.0.0.1:" + port).maxRetries(1).build();

        assertThatThrownBy(() -> client.snapshot(REPO, "main", HubFileFilters.modelFiles()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("cannot list model repository '" + REPO + "' at revision 'main'")
                .hasMessageContaining("http://127.0.0.1:" + port + "/api/models/" + REPO + "/revision/main")
                .hasMessageContaining("ConnectException");
    }

    @Test
    void serverErrorsAreRetriedThenReported() throws IOException {
        hub.unavailable.put("config.json", new AtomicInteger(2));
        Path snapshot = client().maxRetries(2).build().snapshot(REPO, "main", HubFileFilters.glob("config.json"));
        assertThat(Files.readAllBytes(snapshot.resolve("config.json"))).isEqualTo(CONFIG);
        assertThat(hub.contentRequests.get()).isEqualTo(3);

        hub.unavailable.put("tokenizer.json", new AtomicInteger(5));
        assertThatThrownBy(() ->
                        client().maxRetries(1).build().snapshot(REPO, "main", HubFileFilters.glob("tokenizer.json")))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("HTTP 503")
                .hasMessageContaining("'tokenizer.json'")
                .hasMessageContaining("temporarily unavailable");
    }

    @Test
    void concurrentSnapshotsIntoOneCacheDownloadEachFileOnce() throws Exception {
        hub.contentDelayMillis = 150;
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Path>> results = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 3; i++) {
                HubClient client = client().build();
                results.add(pool.submit(() -> {
                    start.await();
                    return client.snapshot(REPO, "main", HubFileFilters.modelFiles());
                }));
            }
            start.countDown();
            Path first = results.get(0).get(20, TimeUnit.SECONDS);
            for (Future<Path> result : results) {
                assertThat(result.get(20, TimeUnit.SECONDS)).isEqualTo(first);
            }
            assertThat(Files.readAllBytes(first.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
            assertThat(hub.bytesServed("model.safetensors")).isEqualTo(WEIGHTS.length);
            assertThat(hub.bytesServed("config.json")).isEqualTo(CONFIG.length);
            try (Stream<Path> blobs = Files.list(repoDir().resolve("blobs"))) {
                assertThat(blobs.filter(p -> p.toString().endsWith(".incomplete")))
                        .isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void listingWithoutBlobMetadataAsksTheResolveEndpointForEtagAndSize() throws IOException {
        hub.listingWithBlobMetadata = false;

        Path snapshot = client().build().snapshot(REPO, "main", HubFileFilters.modelFiles());

        assertThat(hub.headRequests.get()).isEqualTo(3);
        assertThat(Files.readSymbolicLink(snapshot.resolve("config.json")))
                .isEqualTo(Path.of("../../blobs/" + FakeHub.gitBlobSha1(CONFIG)));
        assertThat(Files.readSymbolicLink(snapshot.resolve("model.safetensors")))
                .isEqualTo(Path.of("../../blobs/" + FakeHub.sha256Hex(WEIGHTS)));
        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(WEIGHTS);

        Files.delete(snapshot.resolve("model.safetensors"));
        Files.delete(weightsBlob());
        hub.corrupt.add("model.safetensors");
        assertThatThrownBy(() -> client().build().snapshot(REPO, "main", HubFileFilters.modelFiles()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("expected sha256 " + FakeHub.sha256Hex(WEIGHTS));
    }

    @Test
    void progressIsReportedFromZeroToTheFullSize() {
        List<DownloadProgress> reports = new CopyOnWriteArrayList<>();

        client().progressListener(reports::add).build().snapshot(REPO, "main", HubFileFilters.modelFiles());

        List<DownloadProgress> weights = reports.stream()
                .filter(p -> p.file().equals("model.safetensors"))
                .toList();
        assertThat(weights.get(0).downloadedBytes()).isZero();
        assertThat(weights.get(weights.size() - 1))
                .isEqualTo(new DownloadProgress(REPO, "model.safetensors", WEIGHTS.length, WEIGHTS.length));
        assertThat(weights.get(weights.size() - 1).isComplete()).isTrue();
        assertThat(reports).allMatch(p -> p.repoId().equals(REPO));
    }

    @Test
    void emptyFilesAreCreatedWithoutATransfer() throws IOException {
        repo.file("added_tokens.json", new byte[0]);

        Path snapshot = client().build().snapshot(REPO, "main", HubFileFilters.glob("added_tokens.json"));

        assertThat(Files.size(snapshot.resolve("added_tokens.json"))).isZero();
        // git's id of the empty blob
        assertThat(Files.readSymbolicLink(snapshot.resolve("added_tokens.json")))
                .isEqualTo(Path.of("../../blobs/e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"));
        assertThat(hub.contentRequests.get()).isZero();
    }

    @Test
    void filterMatchingNothingListsTheRepositoryFiles() {
        assertThatThrownBy(() -> client().build().snapshot(REPO, "main", HubFileFilters.adapterFiles()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("no file of model repository '" + REPO + "'")
                .hasMessageContaining("config.json, tokenizer.json, model.safetensors");
    }

    @Test
    void unsafePathInTheListingIsRejected() {
        repo.file("../escape.json", "{}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> client().build().snapshot(REPO, "main", HubFileFilters.allFiles()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("unsafe file path '../escape.json'");
        assertThat(cache.resolve("models--tiny-org--tiny-model/snapshots")).doesNotExist();
    }

    @Test
    void malformedRepoIdsAndRevisionsAreConfigErrors() {
        HubClient client = client().build();
        assertThat(HubClient.isValidRepoId("Qwen/Qwen3-0.6B")).isTrue();
        assertThat(HubClient.isValidRepoId("gpt2")).isTrue();
        for (String bad : new String[] {"a/b/c", "org--x/y", "../x", "/abs", "org/", "x y", ""}) {
            assertThat(HubClient.isValidRepoId(bad)).as(bad).isFalse();
        }
        assertThatThrownBy(() -> client.snapshot("a/b/c", "main", HubFileFilters.modelFiles()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'a/b/c'");
        assertThatThrownBy(() -> client.snapshot(REPO, "../../etc", HubFileFilters.modelFiles()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'../../etc'");
    }

    private static List<String> listFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> !Files.isDirectory(p))
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .toList();
        }
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
