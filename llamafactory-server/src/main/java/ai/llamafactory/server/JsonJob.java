package ai.llamafactory.server;

import ai.llamafactory.api.run.CancellationToken;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A job answered with one JSON body: a whole chat completion or a list of scores. */
final class JsonJob extends GenerationJob {
    private static final Logger LOG = LoggerFactory.getLogger(JsonJob.class);

    private final Function<CancellationToken, String> work;

    /** @param work computes the 200 body; it checks the token between decoding steps */
    JsonJob(Function<CancellationToken, String> work) {
        this.work = work;
    }

    @Override
    protected void execute() {
        String body;
        try {
            body = work.apply(cancellation());
        } catch (RuntimeException e) {
            ApiError error = ApiError.fromModelFailure(e);
            if (error.status() >= 500 && !cancellation().isCancelled()) {
                LOG.error("generation failed", e);
            }
            fail(error);
            return;
        }
        answer(HttpReply.ok(body));
    }

    @Override
    protected void fail(ApiError error) {
        answer(HttpReply.of(error));
    }
}
