package ai.llamafactory.server;

import ai.llamafactory.api.exception.ChatCancelledException;
import ai.llamafactory.api.exception.InvalidChatRequestException;
import ai.llamafactory.api.exception.InvalidConfigException;
import java.time.Duration;
import java.util.Locale;

/**
 * A failure answered with an OpenAI-style error body, {@code {"error": {"message", "type", "param", "code"}}}, and an
 * HTTP status.
 */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final String param;
    private final String code;

    ApiError(int status, String type, String param, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    int status() {
        return status;
    }

    String type() {
        return type;
    }

    String param() {
        return param;
    }

    String code() {
        return code;
    }

    /** 400: a request field is missing, of the wrong type or out of range. */
    static ApiError invalidParameter(String param, String message) {
        return new ApiError(400, "invalid_request_error", param, "invalid_value", message);
    }

    /** 400: the body is not a JSON object. */
    static ApiError invalidJson(String message) {
        return new ApiError(400, "invalid_request_error", null, "invalid_json", message);
    }

    /** 400: a parameter this server does not implement was given a value that would change the result. */
    static ApiError unsupported(String param, String message) {
        return new ApiError(400, "invalid_request_error", param, "unsupported_parameter", message);
    }

    /** 401: the bearer key is missing or wrong. */
    static ApiError unauthorized(String message) {
        return new ApiError(401, "invalid_request_error", null, "invalid_api_key", message);
    }

    /** 404: no such route. */
    static ApiError unknownUrl(String method, String path) {
        return new ApiError(
                404,
                "invalid_request_error",
                null,
                "unknown_url",
                "Invalid URL (" + method + " " + path
                        + "); this server serves GET /v1/models, POST /v1/chat/completions, POST /v1/score/evaluation and"
                        + " GET /health");
    }

    /** 405: the route exists for another method. */
    static ApiError methodNotAllowed(String method, String path) {
        return new ApiError(
                405,
                "invalid_request_error",
                null,
                "method_not_allowed",
                "Method " + method + " is not allowed on " + path);
    }

    /** 413: the body is larger than the configured limit. */
    static ApiError bodyTooLarge(long limit) {
        return new ApiError(
                413,
                "invalid_request_error",
                null,
                "request_too_large",
                "The request body is larger than" + " the limit of " + limit + " bytes");
    }

    /** 429: every generation slot is busy and the queue is full. */
    static ApiError overloaded(int running, int queued) {
        return new ApiError(
                429,
                "rate_limit_error",
                null,
                "rate_limit_exceeded",
                "The server is busy: " + running + " generation(s) running and " + queued
                        + " queued, the configured maximum; retry later");
    }

    /** 503: the server is shutting down. */
    static ApiError shuttingDown() {
        return new ApiError(503, "server_error", null, "server_shutting_down", "The server is shutting down");
    }

    /** 504: the request ran past its time limit (queue wait included); its generation was cancelled. */
    static ApiError timedOut(Duration limit) {
        return new ApiError(
                504,
                "timeout_error",
                null,
                "request_timeout",
                "The request did not complete within " + describe(limit)
                        + " (queue wait included); its generation was cancelled");
    }

    /** 500: anything else. */
    static ApiError internal(String message) {
        return new ApiError(500, "server_error", null, null, message);
    }

    /**
     * Maps a failure of the model to an error: invalid requests are 400 naming the field, unsupported operations 400,
     * anything else 500 with the exception's class and message.
     */
    static ApiError fromModelFailure(Throwable failure) {
        if (failure instanceof ApiError apiError) {
            return apiError;
        }
        if (failure instanceof InvalidChatRequestException invalid) {
            return invalidParameter(invalid.field(), invalid.getMessage());
        }
        if (failure instanceof InvalidConfigException invalid) {
            return invalidParameter(null, invalid.getMessage());
        }
        if (failure instanceof UnsupportedOperationException unsupported) {
            return unsupported(null, String.valueOf(unsupported.getMessage()));
        }
        if (failure instanceof ChatCancelledException cancelled) {
            return new ApiError(500, "server_error", null, "generation_cancelled", cancelled.getMessage());
        }
        return internal("The model failed: " + failure.getClass().getSimpleName()
                + (failure.getMessage() == null ? "" : ": " + failure.getMessage()));
    }

    static String describe(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + " s" : String.format(Locale.ROOT, "%.3f s", millis / 1000.0);
    }
}
