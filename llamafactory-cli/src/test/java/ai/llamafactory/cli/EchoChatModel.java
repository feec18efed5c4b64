package ai.llamafactory.cli;

import ai.llamafactory.api.chat.ChatChoice;
import ai.llamafactory.api.chat.ChatDelta;
import ai.llamafactory.api.chat.ChatModel;
import ai.llamafactory.api.chat.ChatRequest;
import ai.llamafactory.api.chat.ChatResponse;
import ai.llamafactory.api.chat.ChatStreamEnd;
import ai.llamafactory.api.chat.ChatStreamListener;
import ai.llamafactory.api.chat.ChatUsage;
import ai.llamafactory.api.chat.FinishReason;
import ai.llamafactory.api.exception.InvalidChatRequestException;
import ai.llamafactory.api.run.CancellationToken;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deterministic chat model: it replies {@code "Echo: " + the last message} one word (with its trailing space) per
 * token, and remembers every request. A message containing {@code "fail"} makes the stream end with an error after
 * the first token. It counts as closed once {@link #close()} is called.
 */
final class EchoChatModel implements ChatModel, AutoCloseable {
    final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    final AtomicBoolean closed = new AtomicBoolean();

    static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        Matcher m = Pattern.compile("\\S+\\s*").matcher(text);
        while (m.find()) {
            tokens.add(m.group());
        }
        return tokens;
    }

    private static String reply(ChatRequest request) {
        return "Echo: " + request.messages().get(request.messages().size() - 1).content();
    }

    @Override
    public ChatResponse chat(ChatRequest request, CancellationToken cancellation) {
        requests.add(request);
        String text = reply(request);
        return new ChatResponse(
                List.of(new ChatChoice(0, text, List.of(), FinishReason.STOP)),
                new ChatUsage(request.messages().size(), tokens(text).size()));
    }

    @Override
    public void streamChat(ChatRequest request, ChatStreamListener listener, CancellationToken cancellation) {
        requests.add(request);
        String text = reply(request);
        List<String> tokens = tokens(text);
        for (int i = 0; i < tokens.size(); i++) {
            if (cancellation.isCancelled()) {
                listener.onError(new ai.llamafactory.api.exception.ChatCancelledException("cancelled"));
                return;
            }
            if (i == 1 && text.contains("fail")) {
                listener.onError(new InvalidChatRequestException(
                        "messages", "messages: the fake model refuses '" + text.substring(6) + "'"));
                return;
            }
            if (!listener.onDelta(new ChatDelta(tokens.get(i), 1))) {
                listener.onError(new ai.llamafactory.api.exception.ChatCancelledException("stopped by listener"));
                return;
            }
        }
        listener.onComplete(ChatStreamEnd.of(
                FinishReason.STOP, new ChatUsage(request.messages().size(), tokens.size())));
    }

    @Override
    public String modelName() {
        return "echo";
    }

    @Override
    public void close() {
        closed.set(true);
    }
}
