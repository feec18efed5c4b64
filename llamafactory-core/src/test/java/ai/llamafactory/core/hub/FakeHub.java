package ai.llamafactory.core.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for the Hugging Face Hub on 127.0.0.1: the repository API ({@code /api/models/{repo}/revision/
 * {rev}} with {@code ?blobs=true} metadata), the resolve endpoint with the hub's headers ({@code ETag}, {@code
 * X-Repo-Commit}, {@code X-Linked-Etag}, {@code X-Linked-Size}), {@code Range} support, and a redirect of LFS files
 * to a second server (another port, hence another origin) that plays the storage CDN. It can cut a transfer, stall
 * it, corrupt it, require a token, and counts what it served.
 */
final class FakeHub implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    /** A repository: files at one commit, reachable through branch names. */
    static final class Repo {
        final String id;
        final String commit;
        final Map<String, byte[]> files = new LinkedHashMap<>();
        final Set<String> lfs = ConcurrentHashMap.newKeySet();
        final Set<String> branches = ConcurrentHashMap.newKeySet();

        Repo(String id) {
            this.id = id;
            this.commit = sha1Hex(("commit of " + id).getBytes(StandardCharsets.UTF_8));
            branches.add("main");
        }

        Repo file(String path, byte[] content) {
            files.put(path, content);
            return this;
        }

        Repo lfsFile(String path, byte[] content) {
            files.put(path, content);
            lfs.add(path);
            return this;
        }
    }

    private final HttpServer hub;
    private final HttpServer cdn;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-hub");
        t.setDaemon(true);
        return t;
    });
    private final String prefix;
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, String[]> cdnObjects = new ConcurrentHashMap<>();

    volatile String requiredToken;
    volatile boolean listingWithBlobMetadata = true;
    /** Answer range requests with the whole file (HTTP 200), as servers without range support do. */
    volatile boolean ignoreRange;
    /** Pause before each file transfer, to make concurrent clients overlap. */
    volatile int contentDelayMillis;
    /** File path to bytes sent before the connection is cut; used once. */
    final Map<String, Integer> cutAfter = new ConcurrentHashMap<>();
    /** File path to bytes sent before the transfer stalls until {@link #close()}; used once. */
    final Map<String, Integer> stallAfter = new ConcurrentHashMap<>();
    /** Files served with one byte flipped. */
    final Set<String> corrupt = ConcurrentHashMap.newKeySet();
    /** Files whose resolve answers with a 404 although the listing has them. */
    final Set<String> missingOnResolve = ConcurrentHashMap.newKeySet();
    /** Files whose next N content requests fail with HTTP 503. */
    final Map<String, AtomicInteger> unavailable = new ConcurrentHashMap<>();

    final AtomicInteger apiRequests = new AtomicInteger();
    final AtomicInteger headRequests = new AtomicInteger();
    final AtomicInteger contentRequests = new AtomicInteger();
    final Map<String, AtomicLong> bytesServed = new ConcurrentHashMap<>();
    final List<String> rangeHeaders = new CopyOnWriteArrayList<>();
    final List<String> hubAuthorization = new CopyOnWriteArrayList<>();
    final List<String> cdnAuthorization = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    /**
     * @param prefix a path prefix the hub lives under, e.g. {@code /mirror}, or empty
     */
    FakeHub(String prefix) throws IOException {
        this.prefix = prefix;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        hub = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        cdn = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
        hub.setExecutor(executor);
        cdn.setExecutor(executor);
        hub.createContext("/", this::handleHub);
        cdn.createContext("/", this::handleCdn);
        hub.start();
        cdn.start();
    }

    FakeHub() throws IOException {
        this("");
    }

    /** @return the endpoint a client should use, with the prefix */
    String endpoint() {
        return "http://127.0.0.1:" + hub.getAddress().getPort() + prefix;
    }

    Repo addRepo(String id) {
        Repo repo = new Repo(id);
        repos.put(id, repo);
        return repo;
    }

    long bytesServed(String file) {
        AtomicLong served = bytesServed.get(file);
        return served == null ? 0L : served.get();
    }

    long totalBytesServed() {
        return bytesServed.values().stream().mapToLong(AtomicLong::get).sum();
    }

    @Override
    public void close() {
        release.countDown();
        hub.stop(0);
        cdn.stop(0);
        executor.shutdownNow();
    }

    private void handleHub(HttpExchange exchange) throws IOException {
        try (exchange) {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            hubAuthorization.add(auth == null ? "none" : auth);
            String path = exchange.getRequestURI().getRawPath();
            if (!path.startsWith(prefix + "/")) {
                sendText(exchange, 404, "not under " + prefix, null);
                return;
            }
            path = path.substring(prefix.length());
            if (requiredToken != null && !("Bearer " + requiredToken).equals(auth)) {
                exchange.getResponseHeaders().set("X-Error-Message", "Invalid credentials in Authorization header");
                sendText(exchange, 401, "{\"error\":\"Invalid credentials in Authorization header\"}", null);
                return;
            }
            if (path.startsWith("/api/models/")) {
                handleListing(exchange, path.substring("/api/models/".length()));
            } else if (path.contains("/resolve/")) {
                handleResolve(exchange, path);
            } else {
                sendText(exchange, 404, "unknown path " + path, null);
            }
        } catch (IOException e) {
            // the client went away, or the connection was cut on purpose
        }
    }

    private void handleListing(HttpExchange exchange, String rest) throws IOException {
        apiRequests.incrementAndGet();
        int at = rest.indexOf("/revision/");
        String repoId = decode(rest.substring(0, at));
        String revision = decode(rest.substring(at + "/revision/".length()));
        Repo repo = repos.get(repoId);
        if (repo == null) {
            sendText(exchange, 401, "{\"error\":\"Repository not found\"}", "RepoNotFound");
            return;
        }
        if (!repo.branches.contains(revision) && !repo.commit.equals(revision)) {
            sendText(exchange, 404, "{\"error\":\"Invalid rev id: " + revision + "\"}", "RevisionNotFound");
            return;
        }
        boolean blobs = listingWithBlobMetadata
                && "blobs=true".equals(exchange.getRequestURI().getQuery());
        ObjectNode root = JSON.createObjectNode();
        root.put("_id", "0123");
        root.put("id", repo.id);
        root.put("sha", repo.commit);
        root.put("private", false);
        ArrayNode siblings = root.putArray("siblings");
        for (Map.Entry<String, byte[]> file : repo.files.entrySet()) {
            ObjectNode sibling = siblings.addObject();
            sibling.put("rfilename", file.getKey());
            if (blobs) {
                byte[] content = file.getValue();
                sibling.put("size", content.length);
                if (repo.lfs.contains(file.getKey())) {
                    sibling.put("blobId", gitBlobSha1(pointer(content)));
                    ObjectNode lfs = sibling.putObject("lfs");
                    lfs.put("sha256", sha256Hex(content));
                    lfs.put("size", content.length);
                    lfs.put("pointerSize", pointer(content).length);
                } else {
                    sibling.put("blobId", gitBlobSha1(content));
                }
            }
        }
        byte[] body = JSON.writeValueAsBytes(root);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    }

    private void handleResolve(HttpExchange exchange, String path) throws IOException {
        boolean head = exchange.getRequestMethod().equals("HEAD");
        int at = path.indexOf("/resolve/");
        String repoId = decode(path.substring(1, at));
        String[] revAndFile = path.substring(at + "/resolve/".length()).split("/", 2);
        String revision = decode(revAndFile[0]);
        StringBuilder file = new StringBuilder();
        for (String segment : revAndFile[1].split("/")) {
            file.append(file.length() > 0 ? "/" : "").append(decode(segment));
        }
        Repo repo = repos.get(repoId);
        if (repo == null) {
            sendText(exchange, 401, "{\"error\":\"Repository not found\"}", "RepoNotFound");
            return;
        }
        if (!repo.branches.contains(revision) && !repo.commit.equals(revision)) {
            sendText(exchange, 404, "{\"error\":\"Invalid rev id\"}", "RevisionNotFound");
            return;
        }
        byte[] content = repo.files.get(file.toString());
        if (content == null || missingOnResolve.contains(file.toString())) {
            sendText(exchange, 404, "{\"error\":\"Entry not found\"}", "EntryNotFound");
            return;
        }
        var headers = exchange.getResponseHeaders();
        headers.set("X-Repo-Commit", repo.commit);
        headers.set("Accept-Ranges", "bytes");
        if (head) {
            headRequests.incrementAndGet();
        }
        if (repo.lfs.contains(file.toString())) {
            String sha256 = sha256Hex(content);
            cdnObjects.put(sha256, new String[] {repo.id, file.toString()});
            headers.set("ETag", "\"" + gitBlobSha1(pointer(content)) + "\"");
            headers.set("X-Linked-Etag", "\"" + sha256 + "\"");
            headers.set("X-Linked-Size", Integer.toString(content.length));
            headers.set(
                    "Location",
                    "http://127.0.0.1:" + cdn.getAddress().getPort() + "/cdn/" + sha256 + "?X-Amz-Signature=fake");
            sendText(exchange, 302, head ? null : "Found. Redirecting", null);
            return;
        }
        headers.set("ETag", "\"" + gitBlobSha1(content) + "\"");
        if (head) {
            headers.set("Content-Length", Integer.toString(content.length));
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        serveContent(exchange, file.toString(), content);
    }

    private void handleCdn(HttpExchange exchange) throws IOException {
        try (exchange) {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            cdnAuthorization.add(auth == null ? "none" : auth);
            String path = exchange.getRequestURI().getPath();
            String[] object = path.startsWith("/cdn/") ? cdnObjects.get(path.substring("/cdn/".length())) : null;
            if (object == null) {
                sendText(exchange, 404, "no such object", null);
                return;
            }
            serveContent(exchange, object[1], repos.get(object[0]).files.get(object[1]));
        } catch (IOException e) {
            // the client went away, or the connection was cut on purpose
        }
    }

    private void serveContent(HttpExchange exchange, String file, byte[] content) throws IOException {
        contentRequests.incrementAndGet();
        AtomicInteger failures = unavailable.get(file);
        if (failures != null && failures.getAndDecrement() > 0) {
            sendText(exchange, 503, "{\"error\":\"temporarily unavailable\"}", null);
            return;
        }
        if (contentDelayMillis > 0) {
            try {
                Thread.sleep(contentDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String range = exchange.getRequestHeaders().getFirst("Range");
        if (range != null) {
            rangeHeaders.add(file + " " + range);
        }
        if (ignoreRange) {
            range = null;
        }
        long start = 0;
        if (range != null) {
            Matcher m = RANGE.matcher(range);
            if (m.matches()) {
                start = Long.parseLong(m.group(1));
            }
            if (start >= content.length) {
                exchange.getResponseHeaders().set("Content-Range", "bytes */" + content.length);
                sendText(exchange, 416, "range not satisfiable", null);
                return;
            }
            exchange.getResponseHeaders()
                    .set("Content-Range", "bytes " + start + "-" + (content.length - 1) + "/" + content.length);
        }
        byte[] body = content;
        if (corrupt.contains(file)) {
            body = content.clone();
            body[body.length / 2] ^= 0x5A;
        }
        int length = (int) (content.length - start);
        exchange.sendResponseHeaders(range != null ? 206 : 200, length);
        Integer cut = cutAfter.remove(file);
        Integer stall = stallAfter.remove(file);
        int limit = cut != null ? Math.min(cut, length) : stall != null ? Math.min(stall, length) : length;
        OutputStream out = exchange.getResponseBody();
        AtomicLong served = bytesServed.computeIfAbsent(file, k -> new AtomicLong());
        int offset = (int) start;
        int sent = 0;
        while (sent < limit) {
            int chunk = Math.min(8192, limit - sent);
            out.write(body, offset + sent, chunk);
            sent += chunk;
            served.addAndGet(chunk);
        }
        out.flush();
        if (stall != null) {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // With a cut or stall, closing the exchange before all bytes were written drops the connection.
    }

    private static void sendText(HttpExchange exchange, int status, String text, String errorCode) throws IOException {
        if (errorCode != null) {
            exchange.getResponseHeaders().set("X-Error-Code", errorCode);
        }
        if (text == null) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    static byte[] pointer(byte[] content) {
        return ("version https://git-lfs.github.com/spec/v1\noid sha256:" + sha256Hex(content) + "\nsize "
                        + content.length + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    static String sha256Hex(byte[] content) {
        return hex("SHA-256", Collections.singletonList(content));
    }

    static String gitBlobSha1(byte[] content) {
        List<byte[]> parts = new ArrayList<>();
        parts.add(("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII));
        parts.add(content);
        return hex("SHA-1", parts);
    }

    static String sha1Hex(byte[] content) {
        return hex("SHA-1", Collections.singletonList(content));
    }

    private static String hex(String algorithm, List<byte[]> parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            parts.forEach(digest::update);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
