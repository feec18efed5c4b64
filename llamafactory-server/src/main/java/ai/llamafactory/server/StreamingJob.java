package ai.llamafactory.server;

import ai.llamafactory.api.chat.ChatDelta;
import ai.llamafactory.api.chat.ChatModel;
import ai.llamafactory.api.chat.ChatRequest;
import ai.llamafactory.api.chat.ChatStreamEnd;
import ai.llamafactory.api.chat.ChatStreamListener;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A chat completion streamed as server-sent events in OpenAI's chunk format: a role chunk, content chunks, (tool-call
 * chunk,) a finish chunk, (a usage chunk,) then {@code [DONE]}. A failure after the stream opened ends it with an
 * error event and {@code [DONE]}; a failure before it opened is answered as a plain JSON error.
 */
final class StreamingJob extends GenerationJob {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingJob.class);

    private final ChatModel model;
    private final ChatRequest request;
    private final SseStream stream;
    private final String id;
    private final long created;
    private final String modelName;
    private final boolean includeUsage;

    StreamingJob(
            ChatModel model,
            ChatRequest request,
            SseStreamFactory streams,
            String id,
            long created,
            String modelName,
            boolean includeUsage) {
        this.model = model;
        this.request = request;
        this.stream = streams.open(() -> cancellation().cancel("the client closed the connection"));
        this.id = id;
        this.created = created;
        this.modelName = modelName;
        this.includeUsage = includeUsage;
    }

    /** Creates the stream of a job, given what to do when the client goes away. */
    @FunctionalInterface
    interface SseStreamFactory {
        SseStream open(Runnable onClientGone);
    }

    @Override
    protected void execute() {
        if (!stream.open(OpenAiJson.roleChunk(id, created, modelName, includeUsage))) {
            answer(HttpReply.STREAMED);
            return;
        }
        try {
            model.streamChat(request, new Listener(), cancellation());
        } catch (RuntimeException e) {
            // the contract says failures go to the listener; a model that throws still ends the stream properly
            reportFailure(e);
        }
        if (!stream.isClosed()) {
            stream.fail(OpenAiJson.error(ApiError.internal("The model ended the stream without a final event")));
        }
        answer(HttpReply.STREAMED);
    }

    private void reportFailure(Throwable failure) {
        ApiError error = ApiError.fromModelFailure(failure);
        if (error.status() >= 500 && !cancellation().isCancelled()) {
            LOG.error("streamed generation failed", failure);
        }
        stream.fail(OpenAiJson.error(error));
    }

    @Override
    protected void fail(ApiError error) {
        switch (stream.fail(OpenAiJson.error(error))) {
            case NOT_OPENED:
                answer(HttpReply.of(error));
                break;
            default:
                answer(HttpReply.STREAMED);
                break;
        }
    }

    private final class Listener implements ChatStreamListener {
        @Override
        public boolean onDelta(ChatDelta delta) {
            if (cancellation().isCancelled()) {
                return false;
            }
            return stream.send(OpenAiJson.contentChunk(id, created, modelName, includeUsage, delta.text()));
        }

        @Override
        public void onComplete(ChatStreamEnd end) {
            List<String> last = new ArrayList<>();
            if (!end.toolCalls().isEmpty()) {
                last.add(OpenAiJson.toolCallsChunk(id, created, modelName, includeUsage, end.toolCalls()));
            }
            last.add(OpenAiJson.finishChunk(id, created, modelName, includeUsage, end.finishReason()));
            if (includeUsage) {
                last.add(OpenAiJson.usageChunk(id, created, modelName, end.usage()));
            }
            stream.finish(last);
        }

        @Override
        public void onError(Throwable error) {
            reportFailure(error);
        }
    }
}
