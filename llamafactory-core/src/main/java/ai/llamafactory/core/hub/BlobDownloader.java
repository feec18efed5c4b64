package ai.llamafactory.core.hub;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.core.train.output.DurableFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads one file into its blob: into {@code blobs/<etag>.incomplete} first, resuming from what an interrupted
 * earlier attempt left there with a {@code Range} request, then verifies size and checksum and renames the file to
 * {@code blobs/<etag>} in one step. Holds the blob's {@link BlobLock} throughout, so concurrent downloads of the same
 * blob by other threads or processes wait and then find it complete.
 */
final class BlobDownloader {
    private static final Logger LOG = LoggerFactory.getLogger(BlobDownloader.class);
    private static final int HASH_BUFFER = 1 << 20;

    /**
     * What to download.
     *
     * @param path the path of the file inside the repository
     * @param etag the hub etag, which names the blob
     * @param size the expected size, or {@code -1} if unknown
     * @param digest the expected checksum, or null to check the size only
     */
    record FileTarget(String path, String etag, long size, ContentDigest digest) {}

    /** A failure worth another attempt: a broken or stalled connection, a server error. */
    private static final class TransientFailure extends Exception {
        private static final long serialVersionUID = 1L;

        TransientFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final HubHttp http;
    private final int maxRetries;
    private final Duration retryDelay;
    private final DownloadProgressListener listener;

    /**
     * @param http the HTTP exchanges
     * @param maxRetries how often an interrupted transfer is retried (resuming)
     * @param retryDelay the pause before the first retry; the n-th waits n times as long
     * @param listener receives progress reports
     */
    BlobDownloader(HubHttp http, int maxRetries, Duration retryDelay, DownloadProgressListener listener) {
        this.http = http;
        this.maxRetries = maxRetries;
        this.retryDelay = retryDelay;
        this.listener = listener;
    }

    /**
     * @param blob a blob path
     * @param size the expected size, or {@code -1} if unknown
     * @return true when the blob exists with the expected size
     */
    static boolean isComplete(Path blob, long size) {
        try {
            return Files.isRegularFile(blob) && (size < 0 || Files.size(blob) == size);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Makes sure the blob of a file is complete and verified, downloading what is missing.
     *
     * @param repo the repository
     * @param layout the repository's cache folders
     * @param target the file
     * @param url its download URL
     * @return true when bytes were downloaded, false when the blob was already complete
     * @throws CheckpointException when the download fails after the allowed retries, or the content does not
     *     match the listed size or checksum
     */
    @SuppressWarnings("try") // the lock is held for the duration of the block, not used inside it
    boolean ensureBlob(RepoRef repo, CacheLayout layout, FileTarget target, URI url) {
        Path blob = layout.blob(target.etag());
        if (isComplete(blob, target.size())) {
            return false;
        }
        Path partial = layout.incompleteBlob(target.etag());
        try {
            Files.createDirectories(blob.getParent());
            try (BlobLock lock = BlobLock.acquire(layout.blobLock(target.etag()))) {
                if (isComplete(blob, target.size())) {
                    return false;
                }
                String foundHex = downloadWithRetries(repo, target, url, partial);
                verify(repo, target, partial, foundHex);
                DurableFiles.moveReplacing(partial, blob);
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CheckpointException(
                    "download of file '" + target.path() + "' of " + repo.describe()
                            + " was interrupted; the partial file " + partial
                            + " is kept and the next download resumes it",
                    e);
        } catch (IOException e) {
            throw new CheckpointException(
                    "cannot write file '" + target.path() + "' of " + repo.describe() + " into the cache at " + blob
                            + ": " + HubHttp.describe(e),
                    e);
        }
    }

    private String downloadWithRetries(RepoRef repo, FileTarget target, URI url, Path partial)
            throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                return fetchOnce(repo, target, url, partial);
            } catch (TransientFailure failure) {
                long kept = Files.isRegularFile(partial) ? Files.size(partial) : 0L;
                if (attempt >= maxRetries) {
                    String message = failure.getMessage()
                            + (attempt > 0 ? " (after " + (attempt + 1) + " attempts)" : "")
                            + (kept > 0
                                    ? "; the " + kept + " bytes received are kept in " + partial
                                            + " and the next download resumes from there"
                                    : "");
                    throw new CheckpointException(message, failure.getCause());
                }
                long delay = retryDelay.toMillis() * (attempt + 1);
                LOG.warn(
                        "{}; retrying in {} ms from byte {} (attempt {} of {})",
                        failure.getMessage(),
                        delay,
                        kept,
                        attempt + 2,
                        maxRetries + 1);
                Thread.sleep(delay);
            }
        }
    }

    /**
     * One HTTP attempt, resuming after the bytes already in the partial file.
     *
     * @return the checksum of the whole partial file, or null when the target has no checksum
     */
    private String fetchOnce(RepoRef repo, FileTarget target, URI url, Path partial)
            throws IOException, InterruptedException, TransientFailure {
        long have = Files.isRegularFile(partial) ? Files.size(partial) : 0L;
        if (target.size() >= 0 && have > target.size()) {
            LOG.warn("discarding {}: it holds {} bytes, more than the {} listed", partial, have, target.size());
            Files.delete(partial);
            have = 0L;
        }
        MessageDigest digest = target.digest() == null ? null : target.digest().start(target.size());
        if (digest != null && have > 0) {
            hashPrefix(partial, have, digest);
        }
        if (target.size() >= 0 && have == target.size()) {
            // Complete but not renamed (the process stopped before that), or an empty file.
            if (have == 0) {
                Files.write(partial, new byte[0]);
            }
            return digest == null ? null : ContentDigest.finish(digest);
        }
        try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            channel.position(have);
            BlobWriter writer = new BlobWriter(repo, target, partial, channel, digest, have, listener);
            HubHttp.Activity activity = new HubHttp.Activity();
            activity.onAbort(writer::cancel);
            Map<String, String> headers = have > 0 ? Map.of("Range", "bytes=" + have + "-") : Map.of();
            HubHttp.Exchange<byte[]> exchange;
            try {
                exchange = http.send("GET", url, headers, writer::handle, HubHttp.Redirects.ALL, activity);
            } catch (IOException e) {
                writer.cancel();
                throw new TransientFailure(
                        HubHttp.connectionError(repo, target.path(), url, e).getMessage(), e);
            }
            int status = exchange.status();
            if (status == 200 || status == 206) {
                if (writer.restartRequired) {
                    throw new TransientFailure(
                            "the server at " + exchange.uri() + " answered a different byte range"
                                    + " than requested for file '" + target.path() + "' of " + repo.describe()
                                    + "; restarting the file",
                            null);
                }
                if (target.size() >= 0 && writer.position != target.size()) {
                    throw new TransientFailure(
                            "the transfer of file '" + target.path() + "' of " + repo.describe()
                                    + " from " + exchange.uri() + " ended after " + writer.position + " of "
                                    + target.size()
                                    + " bytes",
                            null);
                }
                channel.force(true);
                return writer.digest == null ? null : ContentDigest.finish(writer.digest);
            }
            if (status == 416) {
                channel.truncate(0);
                throw new TransientFailure(
                        "the server at " + exchange.uri() + " refused to resume file '" + target.path() + "' of "
                                + repo.describe() + " at byte " + have + " (HTTP 416)",
                        null);
            }
            CheckpointException error = http.httpError(
                    repo,
                    target.path(),
                    exchange.uri(),
                    status,
                    exchange.headers(),
                    exchange.response().body());
            if (HubHttp.isTransient(status)) {
                throw new TransientFailure(error.getMessage(), null);
            }
            throw error;
        }
    }

    private static void hashPrefix(Path file, long length, MessageDigest digest) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(HASH_BUFFER);
            long remaining = length;
            while (remaining > 0) {
                buffer.clear();
                if (remaining < buffer.capacity()) {
                    buffer.limit((int) remaining);
                }
                int read = channel.read(buffer);
                if (read < 0) {
                    throw new IOException("file " + file + " shrank while being read");
                }
                buffer.flip();
                digest.update(buffer);
                remaining -= read;
            }
        }
    }

    private static void verify(RepoRef repo, FileTarget target, Path partial, String foundHex) throws IOException {
        long actual = Files.size(partial);
        if (target.size() >= 0 && actual != target.size()) {
            Files.deleteIfExists(partial);
            throw new CheckpointException("size mismatch for file '" + target.path() + "' of " + repo.describe()
                    + ": expected " + target.size() + " bytes, found " + actual + "; the download was deleted");
        }
        ContentDigest expected = target.digest();
        if (expected != null && !expected.expectedHex().equals(foundHex)) {
            Files.deleteIfExists(partial);
            throw new CheckpointException("checksum mismatch for file '" + target.path() + "' of " + repo.describe()
                    + ": expected " + expected.algorithm().label() + " " + expected.expectedHex() + ", found "
                    + foundHex + "; the download was deleted");
        }
    }

    /**
     * Writes the body of a 200 or 206 answer into the partial file, hashing it on the way; answers with other
     * statuses (redirects, errors) are collected as bytes for the error message.
     */
    private static final class BlobWriter implements HttpResponse.BodySubscriber<byte[]> {
        private static final long REPORT_EVERY = 1L << 20;
        private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-\\d+/(\\d+|\\*)");

        private final RepoRef repo;
        private final FileTarget target;
        private final Path partial;
        private final FileChannel channel;
        private final long resumeFrom;
        private final DownloadProgressListener listener;
        private final CompletableFuture<byte[]> done = new CompletableFuture<>();
        private volatile Flow.Subscription subscription;
        private volatile boolean cancelled;
        private volatile boolean restartRequired;
        private volatile MessageDigest digest;
        private volatile long position;
        private long lastReport;

        BlobWriter(
                RepoRef repo,
                FileTarget target,
                Path partial,
                FileChannel channel,
                MessageDigest digest,
                long resumeFrom,
                DownloadProgressListener listener) {
            this.repo = repo;
            this.target = target;
            this.partial = partial;
            this.channel = channel;
            this.digest = digest;
            this.resumeFrom = resumeFrom;
            this.position = resumeFrom;
            this.listener = listener;
        }

        HttpResponse.BodySubscriber<byte[]> handle(HttpResponse.ResponseInfo info) {
            int status = info.statusCode();
            if (status != 200 && status != 206) {
                return HttpResponse.BodySubscribers.ofByteArray();
            }
            try {
                if (status == 200 && resumeFrom > 0) {
                    LOG.info(
                            "the server at {} ignored the range request for '{}'; downloading it from the start",
                            repo.endpoint(),
                            target.path());
                    restartFromZero();
                } else if (status == 206) {
                    Matcher range = CONTENT_RANGE.matcher(
                            info.headers().firstValue("Content-Range").orElse(""));
                    if (!range.matches() || Long.parseLong(range.group(1)) != resumeFrom) {
                        restartRequired = true;
                        channel.truncate(0);
                        return HttpResponse.BodySubscribers.replacing(new byte[0]);
                    }
                }
            } catch (IOException e) {
                throw new CheckpointException("cannot write " + partial + ": " + HubHttp.describe(e), e);
            }
            return this;
        }

        private void restartFromZero() throws IOException {
            channel.truncate(0);
            channel.position(0);
            position = 0;
            if (digest != null) {
                digest = target.digest().start(target.size());
            }
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return done;
        }

        @Override
        public void onSubscribe(Flow.Subscription newSubscription) {
            subscription = newSubscription;
            if (cancelled) {
                newSubscription.cancel();
                return;
            }
            report(true);
            newSubscription.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (cancelled || done.isDone()) {
                return;
            }
            try {
                for (ByteBuffer buffer : buffers) {
                    while (buffer.hasRemaining()) {
                        if (target.size() >= 0 && position + buffer.remaining() > target.size()) {
                            fail(new CheckpointException("the server sent more than the " + target.size()
                                    + " bytes listed for file '" + target.path() + "' of " + repo.describe()));
                            return;
                        }
                        ByteBuffer written = buffer.duplicate();
                        int count = channel.write(buffer);
                        written.limit(written.position() + count);
                        if (digest != null) {
                            digest.update(written);
                        }
                        position += count;
                    }
                }
            } catch (IOException e) {
                if (!cancelled) {
                    fail(new CheckpointException("cannot write " + partial + ": " + HubHttp.describe(e), e));
                }
                return;
            }
            report(false);
            subscription.request(1);
        }

        @Override
        public void onError(Throwable failure) {
            done.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            report(true);
            done.complete(new byte[0]);
        }

        private void report(boolean always) {
            if (always || position - lastReport >= REPORT_EVERY) {
                lastReport = position;
                try {
                    listener.onProgress(new DownloadProgress(repo.repoId(), target.path(), position, target.size()));
                } catch (RuntimeException e) {
                    LOG.warn("download progress listener failed: {}", HubHttp.describe(e));
                }
            }
        }

        private void fail(RuntimeException failure) {
            cancel();
            done.completeExceptionally(failure);
        }

        /** Stops the transfer: no more bytes are written. */
        void cancel() {
            cancelled = true;
            Flow.Subscription current = subscription;
            if (current != null) {
                current.cancel();
            }
        }
    }
}
