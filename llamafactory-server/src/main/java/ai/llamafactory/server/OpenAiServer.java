package ai.llamafactory.server;

import ai.llamafactory.api.chat.ChatModel;
import ai.llamafactory.api.chat.ChatResponse;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.server.ChatCompletionParser.ChatCompletionCall;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.MethodNotAllowedResponse;
import io.javalin.router.EndpointNotFound;
import jakarta.servlet.http.HttpServletResponse;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenAI-compatible HTTP server for a {@link ChatModel}, as LLaMA-Factory's {@code llamafactory-cli api}:
 * <ul>
 *   <li>{@code GET /v1/models} and {@code GET /v1/models/{id}}: the one model served;</li>
 *   <li>{@code POST /v1/chat/completions}: messages (system, user, assistant with {@code tool_calls}, tool),
 *       {@code tools}, {@code temperature}, {@code top_p}, {@code max_tokens}, {@code stop}, {@code n},
 *       {@code seed} and {@code stream} (server-sent events in OpenAI's {@code chat.completion.chunk} format, ending
 *       with {@code data: [DONE]});</li>
 *   <li>{@code POST /v1/score/evaluation}: reward-model scores (LLaMA-Factory's route);</li>
 *   <li>{@code GET /health}.</li>
 * </ul>
 * Errors are OpenAI-style bodies {@code {"error": {"message", "type", "param", "code"}}}: 400 for malformed JSON and
 * invalid parameters (naming the field), 401 on every route when an API key is set and the request lacks
 * {@code Authorization: Bearer <key>}, 404/405 for unknown routes, 429 when every generation slot and the queue are
 * full, 503 while shutting down, 504 when a request runs past the request timeout (its generation is cancelled).
 *
 * <p>Generation runs on dedicated threads, never on the HTTP threads: at most
 * {@link Builder#maxConcurrentGenerations} at once (1 by default, as a single GPU serves one batch at a time; the
 * {@code MAX_CONCURRENT} variable of LLaMA-Factory), with up to {@link Builder#maxQueuedRequests} waiting.
 *
 * <p>Typical use:
 * <pre>{@code
 * try (OpenAiServer server = OpenAiServer.builder(chatModel).fromEnvironment().build().start()) {
 *     server.awaitStopped();
 * }
 * }</pre>
 */
public final class OpenAiServer implements AutoCloseable {
    /** LLaMA-Factory's {@code API_MODEL_NAME} default, used when the model has no name. */
    public static final String DEFAULT_MODEL_NAME = "gpt-3.5-turbo";
    /** Loopback: the server is reachable from this machine only unless configured otherwise. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** LLaMA-Factory's {@code API_PORT} default. */
    public static final int DEFAULT_PORT = 8000;

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiServer.class);
    /** How long responses already answered may take to be written out at shutdown. */
    private static final Duration RESPONSE_DRAIN = Duration.ofSeconds(2);
    /** How long cancelled generations get to return their threads at shutdown. */
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(5);

    private final ChatModel model;
    private final String host;
    private final int requestedPort;
    private final String apiKey;
    private final String modelName;
    private final int maxConcurrentGenerations;
    private final int maxQueuedRequests;
    private final Duration requestTimeout;
    private final Duration shutdownGracePeriod;
    private final long maxRequestBytes;

    private final Object lifecycle = new Object();
    private final CountDownLatch stoppedLatch = new CountDownLatch(1);
    private Javalin app;
    private volatile GenerationScheduler scheduler;
    private volatile boolean stopping;
    private boolean stopped;
    private long createdEpochSeconds;
    private int boundPort;

    private OpenAiServer(Builder b) {
        this.model = b.model;
        this.host = b.host;
        this.requestedPort = b.port;
        this.apiKey = b.apiKey;
        String name = b.modelName;
        if (name == null || name.isBlank()) {
            name = model.modelName();
        }
        this.modelName = name == null || name.isBlank() ? DEFAULT_MODEL_NAME : name;
        this.maxConcurrentGenerations = b.maxConcurrentGenerations;
        this.maxQueuedRequests = b.maxQueuedRequests;
        this.requestTimeout = b.requestTimeout;
        this.shutdownGracePeriod = b.shutdownGracePeriod;
        this.maxRequestBytes = b.maxRequestBytes;
    }

    /**
     * Starts a builder with LLaMA-Factory's defaults: host {@value #DEFAULT_HOST}, port {@value #DEFAULT_PORT}, no API
     * key, the model's own name, 1 concurrent generation, 64 queued requests, a 10-minute request timeout, a
     * 30-second shutdown grace period and 16 MiB request bodies. Nothing is read from the environment unless
     * {@link Builder#fromEnvironment()} is called.
     *
     * @param model the model to serve
     * @return the builder
     */
    public static Builder builder(ChatModel model) {
        return new Builder(model);
    }

    /**
     * Binds the port and starts serving.
     *
     * @return this server
     * @throws IllegalStateException when called twice
     * @throws InvalidConfigException when the address cannot be bound (in use, no permission, unknown host)
     */
    public OpenAiServer start() {
        synchronized (lifecycle) {
            if (app != null || stopped) {
                throw new IllegalStateException(
                        "the server was already started or stopped; an OpenAiServer runs" + " once");
            }
            scheduler = new GenerationScheduler(maxConcurrentGenerations, maxQueuedRequests, requestTimeout);
            createdEpochSeconds = System.currentTimeMillis() / 1000;
            app = Javalin.create(config -> {
                config.showJavalinBanner = false;
                config.startupWatcherEnabled = false;
                config.http.maxRequestSize = maxRequestBytes;
                config.http.prefer405over404 = true;
                config.http.disableCompression();
                config.jetty.addConnector((server, httpConfiguration) -> {
                    ServerConnector connector =
                            new ServerConnector(server, new HttpConnectionFactory(httpConfiguration));
                    connector.setHost(host);
                    connector.setPort(requestedPort);
                    // a non-streamed generation sends nothing until it ends: keep the connection for that long
                    connector.setIdleTimeout(requestTimeout.plusSeconds(60).toMillis());
                    return connector;
                });
                config.router.mount(router -> {
                    router.before(this::authorize);
                    router.get("/health", ctx -> json(ctx, "{\"status\":\"ok\"}"));
                    router.get("/v1/models", ctx -> json(ctx, OpenAiJson.models(modelName, createdEpochSeconds)));
                    router.get("/v1/models/{model}", this::modelCard);
                    router.post("/v1/chat/completions", this::chatCompletions);
                    router.post("/v1/score/evaluation", this::scoreEvaluation);
                });
            });
            app.exception(Exception.class, this::handleException);
            // Javalin maps its own HttpResponseException (404, 405, 413) to plain text unless told otherwise
            app.exception(HttpResponseException.class, this::handleException);
            try {
                app.start();
                boundPort = app.port();
            } catch (RuntimeException e) {
                scheduler.shutdownNow();
                app = null;
                stopped = true;
                stoppedLatch.countDown();
                throw new InvalidConfigException(
                        "cannot serve on " + host + ":" + requestedPort + " (API_HOST/API_PORT): " + e.getMessage(), e);
            }
        }
        if (apiKey == null && !isLoopback(host)) {
            LOG.warn("serving on {} without an API key: anyone who can reach this address can use the model", host);
        }
        LOG.info(
                "OpenAI-compatible API for model '{}' at {} ({} concurrent generation(s), {} queued, timeout {})",
                modelName,
                baseUri(),
                maxConcurrentGenerations,
                maxQueuedRequests,
                ApiError.describe(requestTimeout));
        return this;
    }

    /** @return the port the server listens on (the bound one when configured as 0) */
    public int port() {
        synchronized (lifecycle) {
            if (app == null) {
                throw new IllegalStateException("the server is not started");
            }
            return boundPort;
        }
    }

    /** @return {@code http://host:port}, the base of the routes */
    public URI baseUri() {
        String shown = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + shown + ":" + port());
    }

    /** @return the name under which the model is served ({@code model} in responses and {@code /v1/models}) */
    public String modelName() {
        return modelName;
    }

    /** @return the host the server binds to */
    public String host() {
        return host;
    }

    /** @return whether requests must carry a bearer API key */
    public boolean requiresApiKey() {
        return apiKey != null;
    }

    /** @return the configured request timeout */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** @return the configured limit on generations at once */
    public int maxConcurrentGenerations() {
        return maxConcurrentGenerations;
    }

    /** @return the configured limit on requests waiting for a generation slot */
    public int maxQueuedRequests() {
        return maxQueuedRequests;
    }

    /** @return generation requests queued or running now (for tests and monitoring) */
    int pendingGenerations() {
        GenerationScheduler current = scheduler;
        return current == null ? 0 : current.pending();
    }

    /** Stops gracefully within the configured shutdown grace period; see {@link #stop(Duration)}. */
    public void stop() {
        stop(shutdownGracePeriod);
    }

    /**
     * Stops gracefully: stops accepting connections, answers new requests on open connections with 503, lets queued
     * and running requests finish for up to {@code grace}, then cancels what is left (answered with 503, streams
     * ended with an error event and {@code [DONE]}) and shuts the HTTP server down. Returns when stopped; calling it
     * again does nothing.
     *
     * @param grace how long in-flight requests may take to finish
     */
    public void stop(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        synchronized (lifecycle) {
            if (stopped) {
                return;
            }
            stopped = true;
            stopping = true;
            if (app == null) {
                stoppedLatch.countDown();
                return;
            }
        }
        scheduler.close();
        for (Connector connector : app.jettyServer().server().getConnectors()) {
            if (connector instanceof NetworkConnector network) {
                try {
                    network.close();
                } catch (RuntimeException e) {
                    LOG.debug("closing {} failed", connector, e);
                }
            }
        }
        LOG.info("stopping: {} request(s) in flight, grace period {}", scheduler.pending(), ApiError.describe(grace));
        boolean interrupted = false;
        try {
            if (!scheduler.awaitIdle(grace)) {
                LOG.warn("grace period over with {} request(s) in flight; cancelling them", scheduler.pending());
                scheduler.abortAll(ApiError.shuttingDown());
                scheduler.awaitIdle(CANCEL_WAIT);
            }
        } catch (InterruptedException e) {
            interrupted = true;
            scheduler.abortAll(ApiError.shuttingDown());
        }
        drainResponses();
        try {
            app.stop();
        } catch (RuntimeException e) {
            LOG.warn("the HTTP server did not stop cleanly", e);
        } finally {
            scheduler.shutdownNow();
            stoppedLatch.countDown();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits, briefly, until Jetty has no request in progress: a reply answered just before may still be being
     * written by an HTTP thread.
     */
    private void drainResponses() {
        StatisticsHandler statistics = app.jettyServer().server().getChildHandlerByClass(StatisticsHandler.class);
        if (statistics == null) {
            return;
        }
        long deadline = System.nanoTime() + RESPONSE_DRAIN.toNanos();
        while (statistics.getRequestsActive() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /**
     * Blocks until {@link #stop} has completed, for a main thread that only serves.
     *
     * @throws InterruptedException when interrupted while waiting
     */
    public void awaitStopped() throws InterruptedException {
        stoppedLatch.await();
    }

    private void authorize(Context ctx) {
        if (apiKey != null) {
            String header = ctx.header("Authorization");
            if (header == null || header.isBlank()) {
                throw ApiError.unauthorized("Missing API key: send the header 'Authorization: Bearer <API_KEY>'");
            }
            String prefix = "bearer ";
            if (header.length() <= prefix.length()
                    || !header.substring(0, prefix.length())
                            .toLowerCase(Locale.ROOT)
                            .equals(prefix)) {
                throw ApiError.unauthorized(
                        "The Authorization header must use the Bearer scheme:" + " 'Authorization: Bearer <API_KEY>'");
            }
            byte[] given = header.substring(prefix.length()).trim().getBytes(StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(given, apiKey.getBytes(StandardCharsets.UTF_8))) {
                throw ApiError.unauthorized("Incorrect API key provided");
            }
        }
        if (stopping) {
            throw ApiError.shuttingDown();
        }
    }

    private void modelCard(Context ctx) {
        String requested = ctx.pathParam("model");
        if (!requested.equals(modelName)) {
            throw new ApiError(
                    404,
                    "invalid_request_error",
                    "model",
                    "model_not_found",
                    "The model '" + requested + "' does not exist; this server serves '" + modelName + "'");
        }
        json(ctx, OpenAiJson.modelCard(modelName, createdEpochSeconds));
    }

    private void chatCompletions(Context ctx) {
        ChatCompletionCall call = ChatCompletionParser.parseChatCompletion(ctx.bodyAsBytes());
        String id = OpenAiJson.newCompletionId();
        long created = System.currentTimeMillis() / 1000;
        GenerationJob job;
        if (call.stream()) {
            HttpServletResponse response = ctx.res();
            job = new StreamingJob(
                    model,
                    call.request(),
                    onClientGone -> new SseStream(response, onClientGone),
                    id,
                    created,
                    modelName,
                    call.includeUsage());
        } else {
            job = new JsonJob(cancellation -> {
                ChatResponse response = model.chat(call.request(), cancellation);
                if (response == null) {
                    throw new IllegalStateException("the model returned no response");
                }
                return OpenAiJson.completion(id, created, modelName, response);
            });
        }
        runOffHttpThread(ctx, job);
    }

    private void scoreEvaluation(Context ctx) {
        List<String> texts = ChatCompletionParser.parseScoreEvaluation(ctx.bodyAsBytes());
        String id = "scoreeval-" + UUID.randomUUID().toString().replace("-", "");
        runOffHttpThread(ctx, new JsonJob(cancellation -> {
            cancellation.throwIfCancelled();
            List<Double> scores = model.scores(texts);
            if (scores == null || scores.size() != texts.size()) {
                throw new IllegalStateException("the model returned " + (scores == null ? "no" : scores.size())
                        + " score(s) for " + texts.size() + " text(s)");
            }
            return OpenAiJson.scores(id, modelName, scores);
        }));
    }

    /** Hands the job to the scheduler once the request is asynchronous, and answers when the job does. */
    private void runOffHttpThread(Context ctx, GenerationJob job) {
        ctx.future(() -> {
            scheduler.submit(job);
            return job.reply().thenAccept(reply -> reply.writeTo(ctx));
        });
    }

    private void handleException(Exception exception, Context ctx) {
        ApiError error;
        if (exception instanceof ApiError apiError) {
            error = apiError;
        } else if (exception instanceof EndpointNotFound) {
            error = ApiError.unknownUrl(ctx.req().getMethod(), ctx.path());
        } else if (exception instanceof MethodNotAllowedResponse) {
            error = ApiError.methodNotAllowed(ctx.req().getMethod(), ctx.path());
        } else if (exception instanceof HttpResponseException http && http.getStatus() == 413) {
            error = ApiError.bodyTooLarge(maxRequestBytes);
        } else if (exception instanceof HttpResponseException http) {
            error = new ApiError(
                    http.getStatus(),
                    http.getStatus() >= 500 ? "server_error" : "invalid_request_error",
                    null,
                    null,
                    String.valueOf(http.getMessage()));
        } else {
            LOG.error("unexpected failure on {} {}", ctx.req().getMethod(), ctx.path(), exception);
            error = ApiError.internal("Internal error: " + exception.getClass().getSimpleName()
                    + (exception.getMessage() == null ? "" : ": " + exception.getMessage()));
        }
        ctx.status(error.status()).contentType("application/json").result(OpenAiJson.error(error));
        HttpReply.errorHeaders(ctx, error);
    }

    private static void json(Context ctx, String body) {
        ctx.status(200).contentType("application/json").result(body);
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Builder for {@link OpenAiServer}. Settings are applied in call order, so
     * {@code builder(m).fromEnvironment().port(9000)} lets the code override the environment and
     * {@code builder(m).port(9000).fromEnvironment()} the other way round.
     */
    public static final class Builder {
        private final ChatModel model;
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private String apiKey;
        private String modelName;
        private int maxConcurrentGenerations = 1;
        private int maxQueuedRequests = 64;
        private Duration requestTimeout = Duration.ofMinutes(10);
        private Duration shutdownGracePeriod = Duration.ofSeconds(30);
        private long maxRequestBytes = 16L << 20;

        private Builder(ChatModel model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /**
         * @param host the address to bind, {@value OpenAiServer#DEFAULT_HOST} by default; {@code 0.0.0.0} serves
         *     every interface (set an API key then)
         * @return this builder
         */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /**
         * @param port the TCP port, {@value OpenAiServer#DEFAULT_PORT} by default; 0 picks a free one (see
         *     {@link OpenAiServer#port()})
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * @param apiKey the bearer key every request must carry; null or blank for none
         * @return this builder
         */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
            return this;
        }

        /**
         * @param modelName the name reported as {@code model}; null for {@link ChatModel#modelName()}, then
         *     {@value OpenAiServer#DEFAULT_MODEL_NAME}
         * @return this builder
         */
        public Builder modelName(String modelName) {
            this.modelName = modelName;
            return this;
        }

        /**
         * @param maxConcurrentGenerations generations running at once, &gt;= 1 (1 by default)
         * @return this builder
         */
        public Builder maxConcurrentGenerations(int maxConcurrentGenerations) {
            this.maxConcurrentGenerations = maxConcurrentGenerations;
            return this;
        }

        /**
         * @param maxQueuedRequests requests waiting for a generation slot, &gt;= 0 (64 by default); more get 429
         * @return this builder
         */
        public Builder maxQueuedRequests(int maxQueuedRequests) {
            this.maxQueuedRequests = maxQueuedRequests;
            return this;
        }

        /**
         * @param requestTimeout the longest a generation request may take, queue wait included (10 minutes by
         *     default); later it is answered with 504 (or its stream ended with an error event) and its generation
         *     cancelled
         * @return this builder
         */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /**
         * @param shutdownGracePeriod how long {@link OpenAiServer#stop()} lets in-flight requests finish (30 s by
         *     default)
         * @return this builder
         */
        public Builder shutdownGracePeriod(Duration shutdownGracePeriod) {
            this.shutdownGracePeriod = shutdownGracePeriod;
            return this;
        }

        /**
         * @param maxRequestBytes the largest request body accepted (16 MiB by default); larger ones get 413
         * @return this builder
         */
        public Builder maxRequestBytes(long maxRequestBytes) {
            this.maxRequestBytes = maxRequestBytes;
            return this;
        }

        /**
         * Applies LLaMA-Factory's environment variables that are set (and not blank): {@code API_HOST},
         * {@code API_PORT}, {@code API_KEY}, {@code API_MODEL_NAME} and {@code MAX_CONCURRENT}.
         *
         * @param environment the variables, for example {@link System#getenv()}
         * @return this builder
         * @throws InvalidConfigException when {@code API_PORT} or {@code MAX_CONCURRENT} is not a valid number,
         *     naming the variable and its value
         */
        public Builder environment(Map<String, String> environment) {
            variable(environment, "API_HOST").ifPresent(this::host);
            variable(environment, "API_PORT").ifPresent(value -> port(parseInt("API_PORT", value, 0, 65535)));
            variable(environment, "API_KEY").ifPresent(this::apiKey);
            variable(environment, "API_MODEL_NAME").ifPresent(this::modelName);
            variable(environment, "MAX_CONCURRENT")
                    .ifPresent(value -> maxConcurrentGenerations(parseInt("MAX_CONCURRENT", value, 1, 4096)));
            return this;
        }

        /**
         * Applies the process environment; see {@link #environment(Map)}.
         *
         * @return this builder
         */
        public Builder fromEnvironment() {
            return environment(System.getenv());
        }

        private static Optional<String> variable(Map<String, String> environment, String name) {
            String value = environment.get(name);
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
        }

        private static int parseInt(String name, String value, int min, int max) {
            try {
                int parsed = Integer.parseInt(value);
                if (parsed >= min && parsed <= max) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new InvalidConfigException(
                    name + ": expected an integer between " + min + " and " + max + ", got '" + value + "'");
        }

        /**
         * @return the server, not started yet
         * @throws InvalidConfigException naming the first invalid setting and its value
         */
        public OpenAiServer build() {
            if (host == null || host.isBlank()) {
                throw new InvalidConfigException("host (API_HOST): must not be blank, got '" + host + "'");
            }
            if (port < 0 || port > 65535) {
                throw new InvalidConfigException("port (API_PORT): must be between 0 and 65535, got " + port);
            }
            if (maxConcurrentGenerations < 1) {
                throw new InvalidConfigException(
                        "maxConcurrentGenerations (MAX_CONCURRENT): must be >= 1, got " + maxConcurrentGenerations);
            }
            if (maxQueuedRequests < 0) {
                throw new InvalidConfigException("maxQueuedRequests: must be >= 0, got " + maxQueuedRequests);
            }
            requirePositive("requestTimeout", requestTimeout);
            if (shutdownGracePeriod == null || shutdownGracePeriod.isNegative()) {
                throw new InvalidConfigException("shutdownGracePeriod: must be >= 0, got " + shutdownGracePeriod);
            }
            if (maxRequestBytes < 1024) {
                throw new InvalidConfigException("maxRequestBytes: must be >= 1024, got " + maxRequestBytes);
            }
            return new OpenAiServer(this);
        }

        private static void requirePositive(String name, Duration value) {
            if (value == null || value.isZero() || value.isNegative()) {
                throw new InvalidConfigException(name + ": must be a positive duration, got " + value);
            }
        }
    }
}
