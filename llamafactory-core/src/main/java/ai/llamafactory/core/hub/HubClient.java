package ai.llamafactory.core.hub;

import ai.llamafactory.api.config.ModelArguments;
import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.api.exception.InvalidConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads Hugging Face Hub repositories into the cache that huggingface_hub uses, and finds them there offline.
 *
 * <pre>{@code
 * HubClient hub = HubClient.builder().build();          // HF_ENDPOINT, HF_TOKEN, HF_HOME, HF_HUB_OFFLINE honoured
 * Path model = hub.snapshot("Qwen/Qwen3-0.6B", "main", HubFileFilters.modelFiles());
 * // model = ~/.cache/huggingface/hub/models--Qwen--Qwen3-0.6B/snapshots/<commit>
 * }</pre>
 *
 * <p>A snapshot call lists the repository at the revision ({@code GET /api/models/{repo}/revision/{revision}
 * ?blobs=true}), downloads each wanted file that is not in the cache yet from {@code /{repo}/resolve/{commit}/{file}}
 * and returns the snapshot folder of the commit. Downloads are resumable (an interrupted file continues with a
 * {@code Range} request, automatically up to {@link #maxRetries()} times and in any later call), verified (size, and
 * sha256 for LFS files or the git blob sha1 for the others) and safe when several threads or processes fill the same
 * cache (a lock file per blob, the finished blob renamed into place in one step). The token is sent to the hub
 * endpoint only, never to the storage host that large files are redirected to, and never appears in messages.
 *
 * <p>In offline mode nothing is requested: the revision is resolved through the cache's {@code refs/} folder.
 *
 * <p>Instances are immutable and thread-safe; each owns an {@link HttpClient} with its connection pool, so create one
 * and share it. Every failure is a {@link CheckpointException} naming the repository, revision, file and URL.
 */
public final class HubClient {
    private static final Logger LOG = LoggerFactory.getLogger(HubClient.class);

    /** The public Hugging Face Hub. */
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    /** The revision used when none is given. */
    public static final String DEFAULT_REVISION = "main";

    private static final Set<String> TRUE_VALUES = Set.of("1", "ON", "YES", "TRUE");
    private static final String USER_AGENT = "llamafactory-java/0.1; java/" + System.getProperty("java.version");

    private final String endpoint;
    private final String token;
    private final Path cacheDir;
    private final boolean offline;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final int maxRetries;
    private final Duration retryDelay;
    private final int parallelDownloads;
    private final DownloadProgressListener progressListener;
    private final HubHttp http;

    private HubClient(Builder b) {
        this.endpoint = b.endpoint;
        this.token = b.token;
        this.cacheDir = b.cacheDir.toAbsolutePath().normalize();
        this.offline = b.offline;
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.maxRetries = b.maxRetries;
        this.retryDelay = b.retryDelay;
        this.parallelDownloads = b.parallelDownloads;
        this.progressListener = b.progressListener;
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.http = new HubHttp(client, URI.create(endpoint), token, readTimeout, USER_AGENT);
    }

    /**
     * Starts a builder whose defaults come from the process environment: {@code HF_ENDPOINT}, {@code HF_TOKEN} /
     * {@code HUGGING_FACE_HUB_TOKEN} / the token file of {@code huggingface-cli login}, {@code HF_HUB_CACHE} /
     * {@code HF_HOME}, {@code HF_HUB_OFFLINE} / {@code TRANSFORMERS_OFFLINE}.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder(System.getenv());
    }

    /**
     * Starts a builder whose defaults come from the given variables instead of the process environment.
     *
     * @param environment environment variables, e.g. {@code Map.of("HF_HOME", "/data/hf")}
     * @return the builder
     */
    public static Builder builder(Map<String, String> environment) {
        return new Builder(Map.copyOf(environment));
    }

    /**
     * Creates a client for a model's arguments: their {@code cache_dir}, {@code hf_hub_token}, endpoint and {@code
     * offline} override the environment defaults.
     *
     * @param arguments the model arguments
     * @return the client
     */
    public static HubClient forModel(ModelArguments arguments) {
        return forModel(arguments, System.getenv());
    }

    /**
     * Creates a client for a model's arguments with defaults from the given variables; see {@link
     * #forModel(ModelArguments)}.
     *
     * @param arguments the model arguments
     * @param environment environment variables
     * @return the client
     */
    static HubClient forModel(ModelArguments arguments, Map<String, String> environment) {
        Builder builder = builder(environment);
        arguments.cacheDir().ifPresent(builder::cacheDir);
        arguments.hubToken().ifPresent(builder::token);
        arguments.hubEndpoint().ifPresent(builder::endpoint);
        if (arguments.offline()) {
            builder.offline(true);
        }
        return builder.build();
    }

    /**
     * Tells whether a string can name a hub repository ({@code org/name} or {@code name}); a caller that accepts
     * "a local folder or a hub id" checks the folder first and this second.
     *
     * @param repoId the candidate
     * @return true when the hub could hold a repository with this id
     */
    public static boolean isValidRepoId(String repoId) {
        return RepoRef.isValidRepoId(repoId);
    }

    /** @return a builder holding this client's settings */
    public Builder toBuilder() {
        Builder b = new Builder(Map.of());
        b.endpoint = endpoint;
        b.token = token;
        b.tokenSet = true;
        b.cacheDir = cacheDir;
        b.offline = offline;
        b.offlineSet = true;
        b.connectTimeout = connectTimeout;
        b.readTimeout = readTimeout;
        b.maxRetries = maxRetries;
        b.retryDelay = retryDelay;
        b.parallelDownloads = parallelDownloads;
        b.progressListener = progressListener;
        return b;
    }

    /**
     * Downloads the model files ({@link HubFileFilters#modelFiles()}) of a model repository at {@code main}.
     *
     * @param repoId the repository, e.g. {@code Qwen/Qwen3-0.6B}
     * @return the snapshot folder
     * @throws CheckpointException if the repository cannot be listed or a file cannot be downloaded or verified
     */
    public Path snapshot(String repoId) {
        return snapshot(RepoType.MODEL, repoId, DEFAULT_REVISION, HubFileFilters.modelFiles());
    }

    /**
     * Downloads the model files ({@link HubFileFilters#modelFiles()}) of a model repository.
     *
     * @param repoId the repository, e.g. {@code Qwen/Qwen3-0.6B}
     * @param revision a branch, tag or commit sha; null means {@code main}
     * @return the snapshot folder
     * @throws CheckpointException if the repository cannot be listed or a file cannot be downloaded or verified
     */
    public Path snapshot(String repoId, String revision) {
        return snapshot(RepoType.MODEL, repoId, revision, HubFileFilters.modelFiles());
    }

    /**
     * Downloads the selected files of a model repository.
     *
     * @param repoId the repository, e.g. {@code Qwen/Qwen3-0.6B}
     * @param revision a branch, tag or commit sha; null means {@code main}
     * @param fileFilter selects files by their path in the repository, see {@link HubFileFilters}
     * @return the snapshot folder, {@code <cache>/models--org--name/snapshots/<commit>}
     * @throws CheckpointException if the repository cannot be listed, no file matches the filter, or a file cannot be
     *     downloaded or verified; offline, if the revision or a file is not in the cache
     * @throws InvalidConfigException if the repository id or revision is malformed
     */
    public Path snapshot(String repoId, String revision, Predicate<String> fileFilter) {
        return snapshot(RepoType.MODEL, repoId, revision, fileFilter);
    }

    /**
     * Downloads the selected files of a repository of any type.
     *
     * @param type model, dataset or space
     * @param repoId the repository, e.g. {@code llamafactory/alpaca_en}
     * @param revision a branch, tag or commit sha; null means {@code main}
     * @param fileFilter selects files by their path in the repository, see {@link HubFileFilters}
     * @return the snapshot folder, {@code <cache>/<type>s--org--name/snapshots/<commit>}
     * @throws CheckpointException if the repository cannot be listed, no file matches the filter, or a file cannot be
     *     downloaded or verified; offline, if the revision or a file is not in the cache
     * @throws InvalidConfigException if the repository id or revision is malformed
     */
    public Path snapshot(RepoType type, String repoId, String revision, Predicate<String> fileFilter) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(fileFilter, "fileFilter");
        RepoRef.requireValidRepoId(repoId);
        String rev = revision == null ? DEFAULT_REVISION : revision;
        RepoRef.requireValidRevision(rev);
        RepoRef repo = new RepoRef(type, repoId, rev, endpoint);
        CacheLayout layout = new CacheLayout(cacheDir, type, repoId);
        return offline ? cachedSnapshot(repo, layout, fileFilter) : downloadSnapshot(repo, layout, fileFilter);
    }

    /**
     * @param type model, dataset or space
     * @param repoId the repository
     * @return the repository's folder in the cache (it may not exist)
     */
    public Path repoFolder(RepoType type, String repoId) {
        RepoRef.requireValidRepoId(repoId);
        return new CacheLayout(cacheDir, type, repoId).repoDir();
    }

    private Path cachedSnapshot(RepoRef repo, CacheLayout layout, Predicate<String> fileFilter) {
        String hint = "; run once without offline mode (HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE unset) to download it";
        String commit;
        if (RepoRef.isCommitSha(repo.revision())) {
            commit = repo.revision();
        } else {
            try {
                commit = layout.readRef(repo.revision())
                        .orElseThrow(() -> new CheckpointException("offline mode: "
                                + repo.describe() + " is not in the cache folder " + layout.cacheDir() + " (no "
                                + layout.ref(repo.revision()) + ")" + hint));
            } catch (IOException e) {
                throw new CheckpointException(
                        "offline mode: cannot read " + layout.ref(repo.revision()) + " for " + repo.describe() + ": "
                                + HubHttp.describe(e),
                        e);
            }
        }
        Path snapshotDir = layout.snapshotDir(commit);
        if (!Files.isDirectory(snapshotDir)) {
            throw new CheckpointException("offline mode: " + repo.describe() + " (commit " + commit + ") is not in the"
                    + " cache folder " + layout.cacheDir() + " (no " + snapshotDir + ")" + hint);
        }
        List<String> matching = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        try (Stream<Path> entries = Files.walk(snapshotDir)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                if (Files.isDirectory(entry)) {
                    continue;
                }
                String file = snapshotDir.relativize(entry).toString().replace('\\', '/');
                if (!fileFilter.test(file)) {
                    continue;
                }
                matching.add(file);
                if (!Files.isRegularFile(entry)) {
                    broken.add(file);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new CheckpointException(
                    "offline mode: cannot read the snapshot folder " + snapshotDir + " of " + repo.describe() + ": "
                            + HubHttp.describe(e),
                    e);
        }
        if (matching.isEmpty()) {
            throw new CheckpointException("offline mode: the cached snapshot " + snapshotDir + " of " + repo.describe()
                    + " holds no file selected by the file filter" + hint);
        }
        if (!broken.isEmpty()) {
            throw new CheckpointException("offline mode: files " + broken + " of " + repo.describe() + " in "
                    + snapshotDir + " point to missing blobs in the cache folder " + layout.cacheDir() + hint);
        }
        return snapshotDir;
    }

    private Path downloadSnapshot(RepoRef repo, CacheLayout layout, Predicate<String> fileFilter) {
        RepoListing listing = fetchListing(repo, layout);
        String commit = listing.commit();
        List<RepoFile> wanted =
                listing.files().stream().filter(f -> fileFilter.test(f.path())).toList();
        if (wanted.isEmpty()) {
            String available =
                    listing.files().stream().map(RepoFile::path).limit(50).collect(Collectors.joining(", "));
            throw new CheckpointException("no file of " + repo.describe() + " (commit " + commit + ") is selected by"
                    + " the file filter; the repository holds: [" + available + "]");
        }
        BlobDownloader downloader = new BlobDownloader(http, maxRetries, retryDelay, progressListener);
        AtomicInteger downloaded = new AtomicInteger();
        int workers = Math.min(parallelDownloads, wanted.size());
        if (workers <= 1) {
            for (RepoFile file : wanted) {
                fetchFile(repo, layout, commit, file, downloader, downloaded);
            }
        } else {
            runInParallel(repo, layout, commit, wanted, downloader, downloaded, workers);
        }
        if (!repo.revision().equals(commit)) {
            try {
                layout.writeRef(repo.revision(), commit);
            } catch (IOException e) {
                throw new CheckpointException(
                        "cannot write " + layout.ref(repo.revision()) + " for " + repo.describe() + ": "
                                + HubHttp.describe(e),
                        e);
            }
        }
        Path snapshotDir = layout.snapshotDir(commit);
        LOG.info(
                "{} (commit {}): {} files in {}, {} downloaded",
                repo.describe(),
                commit,
                wanted.size(),
                snapshotDir,
                downloaded.get());
        return snapshotDir;
    }

    private void runInParallel(
            RepoRef repo,
            CacheLayout layout,
            String commit,
            List<RepoFile> wanted,
            BlobDownloader downloader,
            AtomicInteger downloaded,
            int workers) {
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, runnable -> {
            Thread thread = new Thread(runnable, "hub-download-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            CompletionService<Void> completed = new ExecutorCompletionService<>(pool);
            for (RepoFile file : wanted) {
                completed.submit(() -> {
                    fetchFile(repo, layout, commit, file, downloader, downloaded);
                    return null;
                });
            }
            // Take results as they finish, so the first failure stops the other transfers at once.
            for (int i = 0; i < wanted.size(); i++) {
                try {
                    completed.take().get();
                } catch (ExecutionException e) {
                    pool.shutdownNow();
                    if (e.getCause() instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    throw new CheckpointException(
                            "download of " + repo.describe() + " failed: " + HubHttp.describe(e.getCause()),
                            e.getCause());
                }
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
            throw new CheckpointException(
                    "download of " + repo.describe() + " was interrupted; the files"
                            + " received so far are kept and the next download resumes them",
                    e);
        } finally {
            pool.shutdownNow();
        }
    }

    private void fetchFile(
            RepoRef repo,
            CacheLayout layout,
            String commit,
            RepoFile file,
            BlobDownloader downloader,
            AtomicInteger downloaded) {
        Path entry = layout.snapshotFile(commit, file.path());
        BlobDownloader.FileTarget target;
        if (file.hasEtag()) {
            target = new BlobDownloader.FileTarget(file.path(), file.etag(), file.size(), file.digest());
            if (BlobDownloader.isComplete(entry, target.size())
                    && BlobDownloader.isComplete(layout.blob(target.etag()), target.size())) {
                return;
            }
        } else {
            // The snapshot of a commit never changes: a present entry is the file.
            if (BlobDownloader.isComplete(entry, file.size())) {
                return;
            }
            target = probe(repo, commit, file);
        }
        URI url = repo.resolveUri(commit, file.path());
        if (downloader.ensureBlob(repo, layout, target, url)) {
            downloaded.incrementAndGet();
        }
        try {
            layout.linkSnapshotFile(commit, file.path(), layout.blob(target.etag()));
        } catch (IOException e) {
            throw new CheckpointException(
                    "cannot place file '" + file.path() + "' of " + repo.describe() + " in the" + " snapshot folder "
                            + layout.snapshotDir(commit) + ": " + HubHttp.describe(e),
                    e);
        }
    }

    /** Asks the hub for a file's etag and size with a HEAD request, for listings without blob metadata. */
    private BlobDownloader.FileTarget probe(RepoRef repo, String commit, RepoFile file) {
        URI url = repo.resolveUri(commit, file.path());
        HubHttp.Exchange<byte[]> exchange = withRetries(
                repo,
                file.path(),
                url,
                () -> http.send(
                        "HEAD",
                        url,
                        Map.of("Accept-Encoding", "identity"),
                        info -> HttpResponse.BodySubscribers.replacing(new byte[0]),
                        HubHttp.Redirects.SAME_ORIGIN,
                        new HubHttp.Activity()));
        HttpHeaders headers = exchange.headers();
        int status = exchange.status();
        boolean redirect = status >= 300 && status < 400;
        if (!(status >= 200 && status < 300) && !redirect) {
            throw http.httpError(repo, file.path(), exchange.uri(), status, headers, new byte[0]);
        }
        Optional<String> linkedEtag = headers.firstValue("X-Linked-Etag").map(HubClient::normalizeEtag);
        String etag = linkedEtag.orElseGet(
                () -> headers.firstValue("ETag").map(HubClient::normalizeEtag).orElse(""));
        if (!etag.matches("[A-Za-z0-9_\\-]{1,128}")) {
            throw new CheckpointException("the hub sent no usable ETag for file '" + file.path() + "' of "
                    + repo.describe() + " at " + exchange.uri() + " (got '" + etag + "')");
        }
        long size = headers.firstValue("X-Linked-Size")
                .or(() -> redirect ? Optional.empty() : headers.firstValue("Content-Length"))
                .map(HubClient::parseSize)
                .orElse(file.size());
        ContentDigest digest = linkedEtag.isPresent() ? ContentDigest.sha256(etag) : null;
        return new BlobDownloader.FileTarget(file.path(), etag, size, digest);
    }

    private static long parseSize(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1L;
        }
    }

    /**
     * @param raw an ETag header value
     * @return the value without weak prefix and quotes, as huggingface_hub names blobs
     */
    static String normalizeEtag(String raw) {
        String etag = raw.trim();
        if (etag.startsWith("W/")) {
            etag = etag.substring(2);
        }
        if (etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            etag = etag.substring(1, etag.length() - 1);
        }
        return etag;
    }

    private RepoListing fetchListing(RepoRef repo, CacheLayout layout) {
        URI url = repo.listingUri();
        HubHttp.Exchange<byte[]> exchange;
        try {
            exchange = withRetries(
                    repo,
                    null,
                    url,
                    () -> http.send(
                            "GET",
                            url,
                            Map.of("Accept", "application/json"),
                            HttpResponse.BodyHandlers.ofByteArray(),
                            HubHttp.Redirects.SAME_ORIGIN,
                            new HubHttp.Activity()));
        } catch (CheckpointException e) {
            if (e.getCause() instanceof IOException && Files.isRegularFile(layout.ref(repo.revision()))) {
                throw new CheckpointException(
                        e.getMessage() + "; the revision is in the cache folder " + layout.cacheDir()
                                + ": set HF_HUB_OFFLINE=1 to use it without network",
                        e.getCause());
            }
            throw e;
        }
        if (exchange.status() != 200) {
            throw http.httpError(
                    repo,
                    null,
                    exchange.uri(),
                    exchange.status(),
                    exchange.headers(),
                    exchange.response().body());
        }
        return RepoListing.parse(exchange.response().body(), repo, exchange.uri());
    }

    /** One request that may be retried: connection failures and server errors are retried, other answers not. */
    @FunctionalInterface
    private interface Request {
        HubHttp.Exchange<byte[]> send() throws IOException, InterruptedException;
    }

    private HubHttp.Exchange<byte[]> withRetries(RepoRef repo, String file, URI url, Request request) {
        for (int attempt = 0; ; attempt++) {
            try {
                HubHttp.Exchange<byte[]> exchange = request.send();
                if (!HubHttp.isTransient(exchange.status()) || attempt >= maxRetries) {
                    return exchange;
                }
                LOG.warn(
                        "HTTP {} from {}; retrying (attempt {} of {})",
                        exchange.status(),
                        exchange.uri(),
                        attempt + 2,
                        maxRetries + 1);
            } catch (IOException e) {
                if (attempt >= maxRetries) {
                    throw HubHttp.connectionError(repo, file, url, e);
                }
                LOG.warn(
                        "{}; retrying (attempt {} of {})",
                        HubHttp.connectionError(repo, file, url, e).getMessage(),
                        attempt + 2,
                        maxRetries + 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CheckpointException("request to " + url + " for " + repo.describe() + " was interrupted", e);
            }
            try {
                Thread.sleep(retryDelay.toMillis() * (attempt + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CheckpointException("request to " + url + " for " + repo.describe() + " was interrupted", e);
            }
        }
    }

    /** @return the hub endpoint, without trailing slash */
    public String endpoint() {
        return endpoint;
    }

    /** @return true when a token is sent to the hub endpoint (the token itself is not exposed) */
    public boolean hasToken() {
        return token != null;
    }

    /** @return the cache folder, absolute */
    public Path cacheDir() {
        return cacheDir;
    }

    /** @return true when nothing is requested and snapshots come from the cache only */
    public boolean offline() {
        return offline;
    }

    /** @return the limit for opening a connection */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** @return the longest time without any data (headers or body) before a request fails */
    public Duration readTimeout() {
        return readTimeout;
    }

    /** @return how many times a failed request or interrupted file download is retried */
    public int maxRetries() {
        return maxRetries;
    }

    /** @return the pause before the first retry; the n-th retry waits n times as long */
    public Duration retryDelay() {
        return retryDelay;
    }

    /** @return how many files of one snapshot download at the same time */
    public int parallelDownloads() {
        return parallelDownloads;
    }

    /** @return the progress listener */
    public DownloadProgressListener progressListener() {
        return progressListener;
    }

    @Override
    public String toString() {
        return "HubClient{endpoint=" + endpoint + ", token=" + (token == null ? "none" : "<set>") + ", cacheDir="
                + cacheDir + ", offline=" + offline + "}";
    }

    /**
     * Builder for {@link HubClient}. Values not set come from the environment given to {@link
     * HubClient#builder(Map)} (the process environment for {@link HubClient#builder()}), as huggingface_hub reads
     * them.
     */
    public static final class Builder {
        private final Map<String, String> environment;
        private String endpoint;
        private String token;
        private boolean tokenSet;
        private Path cacheDir;
        private boolean offline;
        private boolean offlineSet;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(60);
        private int maxRetries = 5;
        private Duration retryDelay = Duration.ofSeconds(1);
        private int parallelDownloads = 4;
        private DownloadProgressListener progressListener = DownloadProgressListener.NONE;

        private Builder(Map<String, String> environment) {
            this.environment = environment;
        }

        /**
         * @param endpoint the hub URL, possibly with a path prefix (a mirror such as {@code https://hf-mirror.com});
         *     default {@code HF_ENDPOINT}, else {@value HubClient#DEFAULT_ENDPOINT}
         * @return this builder
         */
        public Builder endpoint(String endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /**
         * @param token a hub access token, or null for anonymous access; default {@code HF_TOKEN}, else {@code
         *     HUGGING_FACE_HUB_TOKEN}, else the file written by {@code huggingface-cli login} ({@code
         *     HF_TOKEN_PATH}, else {@code $HF_HOME/token})
         * @return this builder
         */
        public Builder token(String token) {
            this.token = token == null || token.isBlank() ? null : token.trim();
            this.tokenSet = true;
            return this;
        }

        /**
         * @param cacheDir the hub cache folder; default {@code HF_HUB_CACHE}, else {@code $HF_HOME/hub}, else
         *     {@code $XDG_CACHE_HOME/huggingface/hub}, else {@code ~/.cache/huggingface/hub}
         * @return this builder
         */
        public Builder cacheDir(Path cacheDir) {
            this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
            return this;
        }

        /**
         * @param offline true to use the cache only; default true when {@code HF_HUB_OFFLINE} or {@code
         *     TRANSFORMERS_OFFLINE} is {@code 1}, {@code ON}, {@code YES} or {@code TRUE}
         * @return this builder
         */
        public Builder offline(boolean offline) {
            this.offline = offline;
            this.offlineSet = true;
            return this;
        }

        /**
         * @param connectTimeout the limit for opening a connection, default 10 s
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = requirePositive(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * @param readTimeout the longest time without any data before a request fails, default 60 s
         * @return this builder
         */
        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = requirePositive(readTimeout, "readTimeout");
            return this;
        }

        /**
         * @param maxRetries how often a failed request or interrupted download is retried (resuming), default 5
         * @return this builder
         */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new InvalidConfigException("hub maxRetries must be >= 0, got " + maxRetries);
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /**
         * @param retryDelay the pause before the first retry, default 1 s; the n-th retry waits n times as long
         * @return this builder
         */
        public Builder retryDelay(Duration retryDelay) {
            Objects.requireNonNull(retryDelay, "retryDelay");
            if (retryDelay.isNegative()) {
                throw new InvalidConfigException("hub retryDelay must not be negative, got " + retryDelay);
            }
            this.retryDelay = retryDelay;
            return this;
        }

        /**
         * @param parallelDownloads how many files of one snapshot download at the same time, default 4
         * @return this builder
         */
        public Builder parallelDownloads(int parallelDownloads) {
            if (parallelDownloads < 1) {
                throw new InvalidConfigException("hub parallelDownloads must be >= 1, got " + parallelDownloads);
            }
            this.parallelDownloads = parallelDownloads;
            return this;
        }

        /**
         * @param progressListener receives download progress; must be thread-safe
         * @return this builder
         */
        public Builder progressListener(DownloadProgressListener progressListener) {
            this.progressListener = Objects.requireNonNull(progressListener, "progressListener");
            return this;
        }

        /**
         * @return the client
         * @throws InvalidConfigException if the endpoint is not an absolute http(s) URL
         */
        public HubClient build() {
            String source = endpoint != null ? "hub endpoint" : "HF_ENDPOINT";
            String rawEndpoint =
                    endpoint != null ? endpoint : env("HF_ENDPOINT").orElse(DEFAULT_ENDPOINT);
            endpoint = validateEndpoint(rawEndpoint, source);
            if (!tokenSet) {
                token = env("HF_TOKEN")
                        .or(() -> env("HUGGING_FACE_HUB_TOKEN"))
                        .or(this::tokenFromFile)
                        .map(String::trim)
                        .orElse(null);
            }
            if (cacheDir == null) {
                cacheDir = env("HF_HUB_CACHE")
                        .or(() -> env("HUGGINGFACE_HUB_CACHE"))
                        .map(Path::of)
                        .orElseGet(() -> hfHome().resolve("hub"));
            }
            if (!offlineSet) {
                offline = isTrue("HF_HUB_OFFLINE") || isTrue("TRANSFORMERS_OFFLINE");
            }
            return new HubClient(this);
        }

        private static String validateEndpoint(String raw, String source) {
            String trimmed = raw.trim();
            while (trimmed.endsWith("/")) {
                trimmed = trimmed.substring(0, trimmed.length() - 1);
            }
            try {
                URI uri = new URI(trimmed);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!(scheme.equals("http") || scheme.equals("https"))
                        || uri.getHost() == null
                        || uri.getQuery() != null
                        || uri.getFragment() != null) {
                    throw new InvalidConfigException(source + ": expected an absolute http(s) URL such as "
                            + DEFAULT_ENDPOINT + ", got '" + raw + "'");
                }
            } catch (URISyntaxException e) {
                throw new InvalidConfigException(source + ": '" + raw + "' is not a valid URL: " + e.getMessage(), e);
            }
            return trimmed;
        }

        private Path hfHome() {
            return env("HF_HOME").map(Path::of).orElseGet(() -> env("XDG_CACHE_HOME")
                    .map(Path::of)
                    .orElseGet(() -> Path.of(System.getProperty("user.home"), ".cache"))
                    .resolve("huggingface"));
        }

        private Optional<String> tokenFromFile() {
            Path file = env("HF_TOKEN_PATH").map(Path::of).orElseGet(() -> hfHome().resolve("token"));
            try {
                if (Files.isRegularFile(file)) {
                    String value =
                            Files.readString(file, StandardCharsets.UTF_8).trim();
                    return value.isEmpty() ? Optional.empty() : Optional.of(value);
                }
            } catch (IOException e) {
                LOG.warn("cannot read the hub token file {}: {}", file, HubHttp.describe(e));
            }
            return Optional.empty();
        }

        private boolean isTrue(String name) {
            return env(name)
                    .map(v -> TRUE_VALUES.contains(v.trim().toUpperCase(Locale.ROOT)))
                    .orElse(false);
        }

        private Optional<String> env(String name) {
            String value = environment.get(name);
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
        }

        private static Duration requirePositive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isZero() || value.isNegative()) {
                throw new InvalidConfigException("hub " + name + " must be positive, got " + value);
            }
            return value;
        }
    }
}
