package ai.llamafactory.server;

import ai.llamafactory.api.chat.ChatChoice;
import ai.llamafactory.api.chat.ChatDelta;
import ai.llamafactory.api.chat.ChatMessage;
import ai.llamafactory.api.chat.ChatModel;
import ai.llamafactory.api.chat.ChatRequest;
import ai.llamafactory.api.chat.ChatResponse;
import ai.llamafactory.api.chat.ChatRole;
import ai.llamafactory.api.chat.ChatStreamEnd;
import ai.llamafactory.api.chat.ChatStreamListener;
import ai.llamafactory.api.chat.ChatUsage;
import ai.llamafactory.api.chat.FinishReason;
import ai.llamafactory.api.chat.ToolCall;
import ai.llamafactory.api.exception.ChatCancelledException;
import ai.llamafactory.api.run.CancellationToken;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deterministic {@link ChatModel} for server tests. Its reply to a conversation is {@code "Echo: " + the last
 * message's content} (choice {@code i > 0} prefixes {@code "#i "}), split into word "tokens" (each word with its
 * following space). A request offering tools whose last user message asks about the weather "in X" gets a
 * {@code get_weather} call with {@code {"city": "X"}}. A tool result gets {@code "The tool said: " + content}.
 * Each token takes {@link #tokenDelay}; {@link #failAfterTokens} makes it throw; it honours cancellation between
 * tokens, counting cancellations, and records every request and the most generations it saw at once.
 */
final class FakeChatModel implements ChatModel {
    private static final Pattern WEATHER = Pattern.compile("weather in (\\w+)");

    volatile Duration tokenDelay = Duration.ZERO;
    /** Throw after this many tokens of each reply; negative for never. */
    volatile int failAfterTokens = -1;

    volatile String name = "fake-model";
    /** Breaks the streaming contract: failures are thrown instead of reported to the listener. */
    volatile boolean throwsFromStreamChat;
    /** Breaks the streaming contract: the stream ends without onComplete or onError. */
    volatile boolean forgetsFinalEvent;
    /** False makes the model ignore cancellation, as one stuck in a long native call would. */
    volatile boolean honoursCancellation = true;

    volatile List<Double> scoreValues;
    /** Thrown by every call before generating, as a template rejecting the conversation would. */
    volatile RuntimeException rejectWith;

    final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger finished = new AtomicInteger();
    final AtomicInteger cancellations = new AtomicInteger();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();

    @Override
    public String modelName() {
        return name;
    }

    /** The reply text of choice {@code index}, before max_tokens and stop strings. */
    static String replyText(ChatRequest request, int index) {
        ChatMessage last = request.messages().get(request.messages().size() - 1);
        String prefix = index == 0 ? "" : "#" + index + " ";
        if (last.role() == ChatRole.TOOL) {
            return prefix + "The tool said: " + last.content();
        }
        return prefix + "Echo: " + last.content();
    }

    /** Splits text into the fake's tokens: each word with the spaces after it. */
    static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        Matcher m = Pattern.compile("\\S+\\s*|\\s+").matcher(text);
        while (m.find()) {
            tokens.add(m.group());
        }
        return tokens;
    }

    static int promptTokens(ChatRequest request) {
        int count = 0;
        for (ChatMessage message : request.messages()) {
            count += tokens(message.content()).size() + 1;
        }
        return count;
    }

    private static ToolCall weatherCall(ChatRequest request) {
        ChatMessage last = request.messages().get(request.messages().size() - 1);
        if (request.tools().isEmpty() || last.role() != ChatRole.USER) {
            return null;
        }
        Matcher m = WEATHER.matcher(last.content());
        return m.find()
                ? new ToolCall("call_fake" + m.group(1), "get_weather", "{\"city\": \"" + m.group(1) + "\"}")
                : null;
    }

    /** One reply's tokens after max_tokens and stop strings, and why it ended. */
    private record Plan(List<String> tokens, FinishReason reason) {}

    private static Plan plan(ChatRequest request, int index) {
        String text = replyText(request, index);
        FinishReason reason = FinishReason.STOP;
        for (String stop : request.stop()) {
            int at = text.indexOf(stop);
            if (at >= 0) {
                text = text.substring(0, at);
            }
        }
        List<String> tokens = tokens(text);
        if (request.maxTokens().isPresent()
                && tokens.size() > request.maxTokens().getAsInt()) {
            tokens = tokens.subList(0, request.maxTokens().getAsInt());
            reason = FinishReason.LENGTH;
        }
        return new Plan(tokens, reason);
    }

    private void enter(ChatRequest request) {
        RuntimeException reject = rejectWith;
        if (reject != null) {
            throw reject;
        }
        requests.add(request);
        started.incrementAndGet();
        int now = running.incrementAndGet();
        maxRunning.accumulateAndGet(now, Math::max);
    }

    private void leave() {
        running.decrementAndGet();
        finished.incrementAndGet();
    }

    /** Waits one token's delay, checking the token every few milliseconds. */
    private void decodeStep(CancellationToken cancellation, int index) {
        long end = System.nanoTime() + tokenDelay.toNanos();
        while (true) {
            if (honoursCancellation && cancellation.isCancelled()) {
                cancellations.incrementAndGet();
                cancellation.throwIfCancelled();
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                Thread.sleep(Math.min(5, Math.max(1, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        if (failAfterTokens >= 0 && index >= failAfterTokens) {
            throw new IllegalStateException("fake model failure after " + failAfterTokens + " tokens");
        }
    }

    @Override
    public ChatResponse chat(ChatRequest request, CancellationToken cancellation) {
        enter(request);
        try {
            ToolCall call = weatherCall(request);
            if (call != null) {
                decodeStep(cancellation, 0);
                return new ChatResponse(
                        List.of(ChatChoice.ofToolCalls(0, List.of(call))), new ChatUsage(promptTokens(request), 7));
            }
            List<ChatChoice> choices = new ArrayList<>();
            int completion = 0;
            for (int i = 0; i < request.n(); i++) {
                Plan plan = plan(request, i);
                StringBuilder text = new StringBuilder();
                for (int t = 0; t < plan.tokens().size(); t++) {
                    decodeStep(cancellation, t);
                    text.append(plan.tokens().get(t));
                }
                completion += plan.tokens().size();
                choices.add(ChatChoice.ofText(i, text.toString(), plan.reason()));
            }
            return new ChatResponse(choices, new ChatUsage(promptTokens(request), completion));
        } finally {
            leave();
        }
    }

    @Override
    public void streamChat(ChatRequest request, ChatStreamListener listener, CancellationToken cancellation) {
        try {
            enter(request);
        } catch (RuntimeException e) {
            listener.onError(e);
            return;
        }
        try {
            ToolCall call = weatherCall(request);
            if (call != null) {
                decodeStep(cancellation, 0);
                listener.onComplete(new ChatStreamEnd(
                        FinishReason.TOOL_CALLS, List.of(call), new ChatUsage(promptTokens(request), 7)));
                return;
            }
            Plan plan = plan(request, 0);
            for (int t = 0; t < plan.tokens().size(); t++) {
                decodeStep(cancellation, t);
                if (!listener.onDelta(new ChatDelta(plan.tokens().get(t), 1))) {
                    cancellations.incrementAndGet();
                    listener.onError(new ChatCancelledException("generation cancelled by the listener"));
                    return;
                }
            }
            if (!forgetsFinalEvent) {
                listener.onComplete(ChatStreamEnd.of(
                        plan.reason(),
                        new ChatUsage(promptTokens(request), plan.tokens().size())));
            }
        } catch (RuntimeException e) {
            if (throwsFromStreamChat) {
                throw e;
            }
            listener.onError(e);
        } finally {
            leave();
        }
    }

    @Override
    public List<Double> scores(List<String> texts) {
        List<Double> values = scoreValues;
        if (values == null) {
            return ChatModel.super.scores(texts);
        }
        return values.subList(0, texts.size());
    }
}
