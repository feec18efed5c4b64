package ai.llamafactory.api.chat;

import ai.llamafactory.api.run.CancellationToken;
import java.util.List;

/**
 * A model one can talk to: it applies its chat template to a conversation, generates replies and parses tool calls
 * (LLaMA-Factory's {@code ChatModel}). The OpenAI-compatible server ({@code llamafactory-server}) and the
 * {@code llamafactory chat} command work on this interface.
 *
 * <p><b>Threads.</b> Implementations must be safe to call from several threads; a single-GPU implementation may
 * simply serialise calls (the server limits how many run at once). Calls block the calling thread until the reply
 * is complete.
 *
 * <p><b>Cancellation.</b> Both calls take a {@link CancellationToken}; implementations check it before every decoding
 * step and stop within one token once it is cancelled: {@link #chat} then throws
 * {@link ai.llamafactory.api.exception.ChatCancelledException} and {@link #streamChat} reports one to
 * {@link ChatStreamListener#onError}. A stream listener can also cancel by returning false from
 * {@link ChatStreamListener#onDelta}.
 *
 * <p><b>Errors.</b> A request the model cannot serve (a role order its template rejects, a prompt longer than the
 * context) is an {@link ai.llamafactory.api.exception.InvalidChatRequestException} naming the field;
 * any other failure is a {@link ai.llamafactory.api.exception.LlamaFactoryException} or a runtime exception.
 *
 * <p><b>Lifecycle.</b> Get one with {@code ai.llamafactory.api.ChatModels} and close it when done (models hold native
 * memory); {@link #close()} is idempotent, and a closed model refuses new requests.
 */
public interface ChatModel extends AutoCloseable {
    /**
     * Generates {@link ChatRequest#n()} replies.
     *
     * @param request the conversation and sampling parameters
     * @param cancellation checked before every decoding step
     * @return one choice per reply, and the token usage
     * @throws ai.llamafactory.api.exception.InvalidChatRequestException when the request cannot be served
     * @throws ai.llamafactory.api.exception.ChatCancelledException when the token was cancelled
     */
    ChatResponse chat(ChatRequest request, CancellationToken cancellation);

    /**
     * Generates replies that cannot be cancelled.
     *
     * @param request the conversation and sampling parameters
     * @return one choice per reply, and the token usage
     */
    default ChatResponse chat(ChatRequest request) {
        return chat(request, CancellationToken.never());
    }

    /**
     * Generates one reply and streams it: text deltas as they are decoded, then exactly one final event
     * ({@link ChatStreamListener#onComplete} or {@link ChatStreamListener#onError}), all on the calling thread, which
     * this method blocks until then. Failures are reported to the listener, not thrown.
     *
     * <p>When the request offers tools, an implementation holds back text until it knows whether the reply is a tool
     * call; a tool-call reply sends no text deltas and ends with {@link FinishReason#TOOL_CALLS} and the calls in
     * {@link ChatStreamEnd#toolCalls()}.
     *
     * @param request the conversation and sampling parameters; streaming serves {@code n} = 1 only
     * @param listener receives the deltas and the final event
     * @param cancellation checked before every decoding step
     */
    void streamChat(ChatRequest request, ChatStreamListener listener, CancellationToken cancellation);

    /**
     * Streams one reply that can only be cancelled by the listener.
     *
     * @param request the conversation and sampling parameters
     * @param listener receives the deltas and the final event
     */
    default void streamChat(ChatRequest request, ChatStreamListener listener) {
        streamChat(request, listener, CancellationToken.never());
    }

    /**
     * The name under which the model is served, for example the model folder's name or the hub id.
     *
     * @return the model's name; null or blank lets the server fall back to LLaMA-Factory's {@code gpt-3.5-turbo}
     */
    String modelName();

    /**
     * Scores whole texts with a reward model's value head (LLaMA-Factory's {@code get_scores}): the value at the last
     * token of each text.
     *
     * @param texts the texts to score, already formatted as the reward model expects
     * @return one score per text, in order
     * @throws UnsupportedOperationException when the model has no value head (the default)
     */
    default List<Double> scores(List<String> texts) {
        throw new UnsupportedOperationException("model '" + modelName() + "' has no value head and computes no scores");
    }

    /**
     * Releases what the model holds (native memory, threads). Idempotent; the default does nothing, for models that
     * hold nothing.
     */
    @Override
    default void close() {}
}
