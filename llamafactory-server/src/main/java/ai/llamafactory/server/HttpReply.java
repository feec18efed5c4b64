package ai.llamafactory.server;

import io.javalin.http.Context;

/**
 * The outcome of a request handled off the HTTP threads: a JSON body with its status, or a marker saying the response
 * was already streamed.
 *
 * @param status the HTTP status
 * @param json the JSON body; null for {@link #STREAMED}
 * @param error the error answered, when the reply is one
 */
record HttpReply(int status, String json, ApiError error) {
    /** The response was written as server-sent events; nothing is left to write. */
    static final HttpReply STREAMED = new HttpReply(200, null, null);

    static HttpReply ok(String json) {
        return new HttpReply(200, json, null);
    }

    static HttpReply of(ApiError error) {
        return new HttpReply(error.status(), OpenAiJson.error(error), error);
    }

    /** Writes the reply to a context still owned by Javalin (not yet completed). */
    void writeTo(Context ctx) {
        if (json == null) {
            return;
        }
        ctx.status(status).contentType("application/json").result(json);
        if (error != null) {
            errorHeaders(ctx, error);
        }
    }

    /** Headers that go with some errors: a bearer challenge with 401, a retry hint with 429 and 503. */
    static void errorHeaders(Context ctx, ApiError error) {
        if (error.status() == 401) {
            ctx.header("WWW-Authenticate", "Bearer");
        } else if (error.status() == 429 || error.status() == 503) {
            ctx.header("Retry-After", "1");
        }
    }
}
