package ai.llamafactory.core.hub;

import ai.llamafactory.api.exception.CheckpointException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * HTTP exchanges with the hub and the servers it redirects to. Redirects are followed here rather than by {@link
 * HttpClient}, so that the {@code Authorization} header is sent only to the hub endpoint's own origin (scheme, host
 * and port) and never to the storage host a large file is redirected to. Every wait is bounded by the read timeout
 * measured as time without any data, so a stalled transfer fails instead of hanging.
 */
final class HubHttp {

    /** Which redirects {@link #send} follows. */
    enum Redirects {
        /** Follow every redirect (downloads: large files move to a storage host). */
        ALL,
        /** Follow redirects within the same origin only and stop at the first one leaving it (metadata requests). */
        SAME_ORIGIN
    }

    /**
     * The final response of an exchange.
     *
     * @param response the response that was not followed further
     * @param uri the URL it answered
     * @param <T> the body type
     */
    record Exchange<T>(HttpResponse<T> response, URI uri) {
        /** @return the HTTP status of the last response */
        int status() {
            return response.statusCode();
        }

        /** @return the headers of the last response */
        HttpHeaders headers() {
            return response.headers();
        }
    }

    /** Tracks when data last arrived, and how to stop a transfer that stalled. */
    static final class Activity {
        private volatile long lastNanos = System.nanoTime();
        private volatile Runnable abortAction = () -> {};

        /** Records that data arrived now. */
        void touch() {
            lastNanos = System.nanoTime();
        }

        /** @return nanoseconds since data last arrived */
        long idleNanos() {
            return System.nanoTime() - lastNanos;
        }

        /** @param action what {@link #abort()} does */
        void onAbort(Runnable action) {
            this.abortAction = action;
        }

        /** Stops the transfer, through the action given to {@link #onAbort}. */
        void abort() {
            abortAction.run();
        }
    }

    /** Passes a body through, recording every arrival of data as activity. */
    private static final class TouchingSubscriber<T> implements HttpResponse.BodySubscriber<T> {
        private final HttpResponse.BodySubscriber<T> delegate;
        private final Activity activity;

        TouchingSubscriber(HttpResponse.BodySubscriber<T> delegate, Activity activity) {
            this.delegate = delegate;
            this.activity = activity;
        }

        @Override
        public CompletionStage<T> getBody() {
            return delegate.getBody();
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            delegate.onSubscribe(subscription);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            activity.touch();
            delegate.onNext(item);
        }

        @Override
        public void onError(Throwable throwable) {
            delegate.onError(throwable);
        }

        @Override
        public void onComplete() {
            delegate.onComplete();
        }
    }

    private static final int MAX_REDIRECTS = 10;
    private static final int MAX_SERVER_MESSAGE = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final URI endpoint;
    private final String token;
    private final Duration readTimeout;
    private final String userAgent;

    /**
     * @param client the HTTP client (redirects off: they are followed here)
     * @param endpoint the hub endpoint, the only origin the token is sent to
     * @param token the access token, or null
     * @param readTimeout the longest time without data
     * @param userAgent the User-Agent header
     */
    HubHttp(HttpClient client, URI endpoint, String token, Duration readTimeout, String userAgent) {
        this.client = client;
        this.endpoint = endpoint;
        this.token = token;
        this.readTimeout = readTimeout;
        this.userAgent = userAgent;
    }

    /**
     * Sends a request and follows redirects.
     *
     * @param method {@code GET} or {@code HEAD}
     * @param uri the first URL
     * @param headers extra headers sent on every hop (e.g. {@code Range})
     * @param handler receives every hop's response, redirects included
     * @param redirects which redirects to follow
     * @param activity touched when headers and body data arrive
     * @param <T> the body type
     * @return the last response
     * @throws IOException on connection failures, stalled transfers and malformed redirects
     * @throws InterruptedException if the calling thread is interrupted; the transfer is then aborted
     */
    <T> Exchange<T> send(
            String method,
            URI uri,
            Map<String, String> headers,
            HttpResponse.BodyHandler<T> handler,
            Redirects redirects,
            Activity activity)
            throws IOException, InterruptedException {
        URI current = uri;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(current)
                    .method(method, HttpRequest.BodyPublishers.noBody())
                    .header("User-Agent", userAgent);
            headers.forEach(request::header);
            if (sendsToken(current)) {
                request.header("Authorization", "Bearer " + token);
            }
            activity.touch();
            HttpResponse.BodyHandler<T> touching = info -> {
                activity.touch();
                return new TouchingSubscriber<>(handler.apply(info), activity);
            };
            HttpResponse<T> response = await(client.sendAsync(request.build(), touching), activity);
            int status = response.statusCode();
            if (!isRedirect(status)) {
                return new Exchange<>(response, current);
            }
            String location = response.headers().firstValue("Location").orElse(null);
            if (location == null) {
                return new Exchange<>(response, current);
            }
            URI next;
            try {
                next = current.resolve(URI.create(location.trim()));
            } catch (IllegalArgumentException e) {
                throw new IOException("the server at " + current + " redirected to a malformed URL: " + location, e);
            }
            if (redirects == Redirects.SAME_ORIGIN && !sameOrigin(next, current)) {
                return new Exchange<>(response, current);
            }
            if (hop >= MAX_REDIRECTS) {
                throw new IOException("more than " + MAX_REDIRECTS + " redirects starting at " + uri);
            }
            current = next;
        }
    }

    /**
     * Waits for an exchange, failing it when no data arrived for the read timeout.
     */
    private <T> T await(CompletableFuture<T> future, Activity activity) throws IOException, InterruptedException {
        long idleLimit = readTimeout.toNanos();
        long pollMillis = Math.max(10, Math.min(250, readTimeout.toMillis() / 4));
        while (true) {
            try {
                return future.get(pollMillis, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (activity.idleNanos() > idleLimit) {
                    activity.abort();
                    future.cancel(true);
                    throw new HttpTimeoutException("no data received for " + readTimeout.toMillis() + " ms");
                }
            } catch (ExecutionException e) {
                throw rethrow(e.getCause());
            } catch (InterruptedException e) {
                activity.abort();
                future.cancel(true);
                throw e;
            }
        }
    }

    private static IOException rethrow(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        if (cause instanceof IOException io) {
            return io;
        }
        return new IOException(cause);
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /**
     * @param uri a request URL
     * @return true when the token goes with a request to this URL: a token is set and the URL has the endpoint's
     *     scheme, host and port
     */
    boolean sendsToken(URI uri) {
        return token != null && sameOrigin(uri, endpoint);
    }

    /**
     * @param a a URL
     * @param b another URL
     * @return true when both have the same scheme, host and port (default ports made explicit)
     */
    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null
                && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost())
                && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /**
     * @param status an HTTP status
     * @return true for statuses worth retrying: rate limiting and server errors
     */
    static boolean isTransient(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    /**
     * Turns an HTTP error answer into an exception that says what to do. The token is never part of the message.
     *
     * @param repo the repository concerned
     * @param file the file concerned, or null for the repository listing
     * @param uri the URL that answered
     * @param status the HTTP status
     * @param headers the answer's headers ({@code X-Error-Code}, {@code X-Error-Message})
     * @param body the answer's body, possibly empty
     * @return the exception to throw
     */
    CheckpointException httpError(RepoRef repo, String file, URI uri, int status, HttpHeaders headers, byte[] body) {
        String errorCode = headers.firstValue("X-Error-Code").orElse("");
        String what = file == null ? repo.describe() : "file '" + file + "' of " + repo.describe();
        String at = " (HTTP " + status + " for " + uri + ")";
        String tokenNote = sendsToken(uri)
                ? "; the token that was sent was not accepted"
                : token == null ? "; no token was sent" : "";
        String message;
        if (status == 401 || status == 403) {
            if (errorCode.equals("GatedRepo")) {
                message = repo.describe() + " is gated" + at + ": accept its conditions at " + repo.endpoint() + "/"
                        + repo.type().urlPrefix() + repo.repoId() + " while logged in, then set HF_TOKEN to an"
                        + " access token of that account" + tokenNote;
            } else if (errorCode.equals("RepoNotFound")) {
                message = repo.describe() + " was not found, or it is private or gated" + at + ": check the"
                        + " repository id, and set HF_TOKEN (or HUGGING_FACE_HUB_TOKEN) to a token with read access"
                        + tokenNote;
            } else {
                message = "access to " + what + " was denied" + at + ": the repository is private or gated; set"
                        + " HF_TOKEN (or HUGGING_FACE_HUB_TOKEN) to a token with read access" + tokenNote;
            }
        } else if (status == 404) {
            if (errorCode.equals("RevisionNotFound")) {
                message = "revision '" + repo.revision() + "' was not found in "
                        + repo.type().plural() + " repository '" + repo.repoId() + "'" + at;
            } else if (file != null && !errorCode.equals("RepoNotFound")) {
                message = "file '" + file + "' was not found in " + repo.describe() + at;
            } else {
                message = repo.describe() + " was not found: the repository or the revision does not exist" + at;
            }
        } else if (status == 429) {
            message = "the hub rate-limited the request for " + what + at + "; retry later, or set HF_TOKEN"
                    + " (signed-in users have higher limits)";
        } else {
            message = "the hub answered HTTP " + status + " for " + what + " at " + uri;
        }
        String serverMessage = serverMessage(headers, body);
        if (!serverMessage.isEmpty()) {
            message += "; the server said: \"" + serverMessage + "\"";
        }
        return new CheckpointException(message);
    }

    /**
     * Turns a connection failure into an exception naming the repository, file and URL.
     *
     * @param repo the repository concerned
     * @param file the file concerned, or null for the repository listing
     * @param uri the URL that failed
     * @param failure the failure
     * @return the exception to throw
     */
    static CheckpointException connectionError(RepoRef repo, String file, URI uri, IOException failure) {
        String what = file == null ? "list " + repo.describe() : "download file '" + file + "' of " + repo.describe();
        return new CheckpointException("cannot " + what + " from " + uri + ": " + describe(failure), failure);
    }

    /**
     * @param failure an exception
     * @return its class and message, and those of its causes (JDK connection errors often have no message)
     */
    static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        Throwable current = failure;
        for (int depth = 0; current != null && depth < 4; depth++, current = current.getCause()) {
            if (depth > 0) {
                text.append(" <- ");
            }
            text.append(current.getClass().getSimpleName());
            if (current.getMessage() != null && !current.getMessage().isBlank()) {
                text.append(": ").append(current.getMessage());
            }
        }
        return text.toString();
    }

    private String serverMessage(HttpHeaders headers, byte[] body) {
        String message = headers.firstValue("X-Error-Message").orElse("");
        if (message.isBlank() && body != null && body.length > 0) {
            String text = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.UTF_8).trim();
            String contentType = headers.firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
            if (contentType.contains("json") || text.startsWith("{")) {
                try {
                    JsonNode error = JSON.readTree(body).path("error");
                    text = error.isTextual() ? error.asText() : text;
                } catch (IOException | RuntimeException e) {
                    // keep the raw text
                }
            }
            message = contentType.contains("html") ? "" : text;
        }
        message = message.replaceAll("\\s+", " ").trim();
        if (token != null && !token.isEmpty()) {
            message = message.replace(token, "***");
        }
        return message.length() > MAX_SERVER_MESSAGE ? message.substring(0, MAX_SERVER_MESSAGE) + "..." : message;
    }
}
