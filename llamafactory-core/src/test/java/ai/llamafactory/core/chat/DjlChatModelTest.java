package ai.llamafactory.core.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.chat.ChatChoice;
import ai.llamafactory.api.chat.ChatDelta;
import ai.llamafactory.api.chat.ChatMessage;
import ai.llamafactory.api.chat.ChatRequest;
import ai.llamafactory.api.chat.ChatResponse;
import ai.llamafactory.api.chat.ChatStreamEnd;
import ai.llamafactory.api.chat.ChatStreamListener;
import ai.llamafactory.api.chat.FinishReason;
import ai.llamafactory.api.chat.ToolCall;
import ai.llamafactory.api.exception.ChatCancelledException;
import ai.llamafactory.api.exception.InvalidChatRequestException;
import ai.llamafactory.api.run.CancellationToken;
import ai.llamafactory.core.generate.GenerationConfig;
import ai.llamafactory.core.generate.GenerationOutput;
import ai.llamafactory.core.generate.GenerationRequest;
import ai.llamafactory.core.generate.Generator;
import ai.llamafactory.data.Message;
import ai.llamafactory.data.Role;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DjlChatModel} on the qwen3 conformance model with the byte-level tokenizer and the qwen3_nothink template:
 * the prompt is the template's encoding, greedy replies equal the {@link Generator} on those ids, streams join to the
 * reply, tool calls are parsed, cancellation, n = 2, concurrent callers, bad requests.
 */
class DjlChatModelTest {
    static final String TOOLS = "[{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\":"
            + " \"Weather of a city\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\":"
            + " \"string\"}}, \"required\": [\"city\"]}}}]";

    @TempDir
    static Path tmp;

    static DjlChatModel chat;
    /** Ids every row must emit next; null lets the model choose. */
    static final AtomicReference<int[]> SCRIPT = new AtomicReference<>();
    /** Called on every step with the number of tokens generated so far (a hook to cancel or slow down). */
    static final AtomicReference<java.util.function.IntConsumer> STEP_HOOK = new AtomicReference<>(n -> {});

    @BeforeAll
    static void load() {
        chat = ChatFixtures.chatModel(
                tmp.resolve("model"), ChatFixtures.greedy(96), (row, prompt, generated, logits) -> {
                    STEP_HOOK.get().accept(generated.length);
                    ChatFixtures.forcing(r -> SCRIPT.get()).process(row, prompt, generated, logits);
                });
    }

    @AfterAll
    static void close() {
        if (chat != null) { // null when setup failed (e.g. missing conformance data): report that failure only
            chat.close();
        }
    }

    @AfterEach
    void reset() {
        SCRIPT.set(null);
        STEP_HOOK.set(n -> {});
    }

    static ChatRequest.Builder conversation() {
        return ChatRequest.builder()
                .messages(List.of(
                        ChatMessage.system("Be brief."),
                        ChatMessage.user("Hi"),
                        ChatMessage.assistant("Hello!"),
                        ChatMessage.user("Name a color.")));
    }

    @Test
    void promptIsTheTemplateEncodingOfTheConversation() {
        ChatRequest request = conversation().build();
        assertThat(chat.renderPrompt(request))
                .isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n"
                        + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n"
                        + "<|im_start|>user\nName a color.<|im_end|>\n<|im_start|>assistant\n");
        int[] viaTemplate = chat.template()
                .encodeOneTurn(
                        chat.tokenizer(),
                        List.of(
                                Message.user("Hi"),
                                Message.assistant("Hello!"),
                                Message.user("Name a color."),
                                Message.assistant("")),
                        "Be brief.",
                        null)
                .sourceIds();
        assertThat(chat.encodePrompt(request)).containsExactly(viaTemplate);
    }

    @Test
    void greedyChatEqualsTheGeneratorOnThePromptIdsAndIsDeterministic() {
        ChatRequest request = conversation().build();
        ChatResponse first = chat.chat(request);
        ChatResponse second = chat.chat(request);
        int[] prompt = chat.encodePrompt(request);
        GenerationOutput reference = new Generator(chat.model())
                .generate(GenerationRequest.builder()
                        .addPrompt(prompt)
                        .config(GenerationConfig.builder()
                                .doSample(false)
                                .maxNewTokens(96)
                                .eosTokenIds(chat.stopTokenIds())
                                .build())
                        .detokenizer(ids -> chat.tokenizer().decode(ids, true))
                        .build())
                .get(0);
        System.out.println("greedy reply: " + Arrays.toString(reference.tokens()) + " '" + reference.text() + "'");
        assertThat(first.choices()).hasSize(1);
        assertThat(first.text()).isEqualTo(reference.text()).isEqualTo(second.text());
        assertThat(first.usage().promptTokens()).isEqualTo(prompt.length);
        assertThat(first.usage().completionTokens()).isEqualTo(reference.tokenCount());
        assertThat(first.choices().get(0).finishReason())
                .isEqualTo(reference.finishReason() == FinishReason.LENGTH ? FinishReason.LENGTH : FinishReason.STOP);
    }

    @Test
    void maxTokensOfTheRequestOverridesTheDefaultAndEndsWithLength() {
        ChatResponse r = chat.chat(conversation().maxTokens(3).build());
        assertThat(r.usage().completionTokens()).isEqualTo(3);
        assertThat(r.choices().get(0).finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void scriptedReplyStopsOnTheTemplatesEosAndOnStopStrings() {
        SCRIPT.set(ChatFixtures.replyIds(chat.tokenizer(), "Red, then blue."));
        ChatResponse r = chat.chat(conversation().build());
        assertThat(r.text()).isEqualTo("Red, then blue.");
        assertThat(r.choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.usage().completionTokens()).isEqualTo("Red, then blue.".length() + 1);
        ChatResponse cut = chat.chat(conversation().stop(List.of(", then")).build());
        assertThat(cut.text()).isEqualTo("Red");
        assertThat(cut.choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
    }

    /** Collects a stream and checks that every call comes on the calling thread. */
    static final class Recorder implements ChatStreamListener {
        final Thread caller = Thread.currentThread();
        final List<ChatDelta> deltas = new CopyOnWriteArrayList<>();
        final AtomicReference<ChatStreamEnd> end = new AtomicReference<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final AtomicInteger finals = new AtomicInteger();
        volatile int stopAfterDeltas = Integer.MAX_VALUE;
        volatile boolean wrongThread;

        @Override
        public boolean onDelta(ChatDelta delta) {
            wrongThread |= Thread.currentThread() != caller;
            deltas.add(delta);
            return deltas.size() < stopAfterDeltas;
        }

        @Override
        public void onComplete(ChatStreamEnd e) {
            wrongThread |= Thread.currentThread() != caller;
            finals.incrementAndGet();
            end.set(e);
        }

        @Override
        public void onError(Throwable t) {
            wrongThread |= Thread.currentThread() != caller;
            finals.incrementAndGet();
            error.set(t);
        }

        String text() {
            StringBuilder sb = new StringBuilder();
            deltas.forEach(d -> sb.append(d.text()));
            return sb.toString();
        }
    }

    @Test
    void streamedDeltasJoinToTheReplyOnTheCallersThread() {
        ChatRequest request = conversation().maxTokens(10).build();
        ChatResponse whole = chat.chat(request);
        Recorder rec = new Recorder();
        chat.streamChat(request, rec);
        assertThat(rec.error.get()).isNull();
        assertThat(rec.finals.get()).isEqualTo(1);
        assertThat(rec.wrongThread).isFalse();
        assertThat(rec.text()).isEqualTo(whole.text());
        assertThat(rec.end.get().finishReason())
                .isEqualTo(whole.choices().get(0).finishReason());
        assertThat(rec.end.get().usage()).isEqualTo(whole.usage());
        assertThat(rec.deltas.stream().mapToInt(ChatDelta::tokens).sum())
                .isBetween(1, whole.usage().completionTokens());

        SCRIPT.set(ChatFixtures.replyIds(chat.tokenizer(), "Grün und blau ✓"));
        Recorder scripted = new Recorder();
        chat.streamChat(conversation().build(), scripted);
        assertThat(scripted.text()).isEqualTo("Grün und blau ✓");
        assertThat(scripted.deltas).hasSizeGreaterThan(5);
        assertThat(scripted.end.get().finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void toolCallsAreParsedWithTheTemplatesToolFormat() {
        String call = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>";
        ChatRequest request = ChatRequest.builder()
                .addMessage(ChatMessage.user("Weather in Paris?"))
                .tools(TOOLS)
                .build();
        assertThat(chat.renderPrompt(request))
                .contains("# Tools")
                .contains("<tools>\n{\"type\": \"function\"," + " \"function\": {\"name\": \"get_weather\"");
        SCRIPT.set(ChatFixtures.replyIds(chat.tokenizer(), call));
        ChatResponse r = chat.chat(request);
        ChatChoice choice = r.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(choice.text()).isEmpty();
        assertThat(choice.toolCalls()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("get_weather");
            assertThat(c.arguments()).isEqualTo("{\"city\": \"Paris\"}");
            assertThat(c.id()).startsWith("call_");
        });

        Recorder rec = new Recorder();
        chat.streamChat(request, rec);
        assertThat(rec.deltas).as("a tool-call reply streams no text").isEmpty();
        assertThat(rec.end.get().finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(rec.end.get().toolCalls()).extracting(ToolCall::name).containsExactly("get_weather");

        // Offered tools but a plain answer: the text streams (held back only while it could be "<tool_call>").
        SCRIPT.set(ChatFixtures.replyIds(chat.tokenizer(), "It is <b>sunny</b> today."));
        Recorder plain = new Recorder();
        chat.streamChat(request, plain);
        assertThat(plain.text()).isEqualTo("It is <b>sunny</b> today.");
        assertThat(plain.deltas).hasSizeGreaterThan(3);
        assertThat(plain.end.get().finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(chat.chat(request).choices().get(0).toolCalls()).isEmpty();
    }

    @Test
    void toolCallHistoryAndResultsAreRenderedAsFunctionAndObservationTurns() {
        ChatRequest request = ChatRequest.builder()
                .tools(TOOLS)
                .messages(List.of(
                        ChatMessage.user("Weather in Paris?"),
                        ChatMessage.assistantToolCalls(
                                List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"))),
                        ChatMessage.tool("call_1", "{\"temp\": 21}")))
                .build();
        String prompt = chat.renderPrompt(request);
        assertThat(prompt)
                .endsWith("<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\":"
                        + " {\"city\": \"Paris\"}}\n</tool_call><|im_end|>\n<|im_start|>user\n<tool_response>\n{\"temp\": 21}"
                        + "\n</tool_response><|im_end|>\n<|im_start|>assistant\n");
        int[] viaTemplate = chat.template()
                .encodeOneTurn(
                        chat.tokenizer(),
                        List.of(
                                Message.user("Weather in Paris?"),
                                new Message(
                                        Role.FUNCTION,
                                        "[{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}]"),
                                new Message(Role.OBSERVATION, "{\"temp\": 21}"),
                                Message.assistant("")),
                        null,
                        TOOLS)
                .sourceIds();
        assertThat(chat.encodePrompt(request)).containsExactly(viaTemplate);
    }

    @Test
    void nRepliesAreSeededRowsOfOneBatch() {
        ChatRequest request = conversation()
                .n(2)
                .temperature(1.0)
                .topP(1.0)
                .topK(0)
                .seed(7L)
                .maxTokens(16)
                .build();
        ChatResponse a = chat.chat(request);
        ChatResponse b = chat.chat(request);
        ChatResponse other = chat.chat(request.toBuilder().seed(8L).build());
        System.out.println("n=2: '" + a.choices().get(0).text() + "' | '"
                + a.choices().get(1).text() + "'");
        assertThat(a.choices()).extracting(ChatChoice::index).containsExactly(0, 1);
        assertThat(a.choices().get(0).text()).isNotEqualTo(a.choices().get(1).text());
        assertThat(b.choices())
                .extracting(ChatChoice::text)
                .containsExactlyElementsOf(
                        a.choices().stream().map(ChatChoice::text).toList());
        assertThat(other.choices().get(0).text())
                .isNotEqualTo(a.choices().get(0).text());
        assertThat(a.usage().completionTokens()).isBetween(2, 32);
        assertThat(a.usage().promptTokens()).isEqualTo(chat.encodePrompt(request).length);
    }

    @Test
    void cancellingBeforeOrDuringAGenerationStopsIt() {
        CancellationToken before = new CancellationToken();
        before.cancel("client went away");
        assertThatThrownBy(() -> chat.chat(conversation().build(), before))
                .isInstanceOf(ChatCancelledException.class)
                .hasMessageContaining("client went away");

        CancellationToken during = new CancellationToken();
        AtomicInteger steps = new AtomicInteger();
        STEP_HOOK.set(n -> {
            steps.incrementAndGet();
            if (n == 3) {
                during.cancel("timeout");
            }
        });
        assertThatThrownBy(() -> chat.chat(conversation().maxTokens(200).build(), during))
                .isInstanceOf(ChatCancelledException.class)
                .hasMessageContaining("timeout");
        assertThat(steps.get()).isEqualTo(4);

        Recorder rec = new Recorder();
        rec.stopAfterDeltas = 2;
        SCRIPT.set(ChatFixtures.replyIds(chat.tokenizer(), "a long scripted answer that would go on"));
        steps.set(0);
        STEP_HOOK.set(n -> steps.incrementAndGet());
        chat.streamChat(conversation().build(), rec);
        assertThat(rec.error.get()).isInstanceOf(ChatCancelledException.class);
        assertThat(rec.end.get()).isNull();
        assertThat(rec.deltas).hasSize(2);
        assertThat(steps.get())
                .as("the listener's false stops the generation before the next token")
                .isEqualTo(2);

        STEP_HOOK.set(n -> {});
        SCRIPT.set(null);
        assertThat(chat.chat(conversation().build()).text())
                .as("the model serves again")
                .isNotNull();
    }

    @Test
    void aRequestCancelledWhileQueuedLeavesAtOnce() throws Exception {
        STEP_HOOK.set(n -> sleep(40));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<ChatResponse> slow =
                    pool.submit(() -> chat.chat(conversation().maxTokens(40).build()));
            sleep(200);
            CancellationToken token = new CancellationToken();
            CompletableFuture.runAsync(() -> {
                sleep(150);
                token.cancel("gave up waiting");
            });
            assertThatThrownBy(() -> chat.chat(conversation().build(), token))
                    .isInstanceOf(ChatCancelledException.class)
                    .hasMessageContaining("gave up waiting");
            assertThat(slow.isDone())
                    .as("the queued request returned while the first still runs")
                    .isFalse();
            STEP_HOOK.set(n -> {});
            assertThat(slow.get(60, TimeUnit.SECONDS).usage().completionTokens())
                    .isPositive();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentCallersEachGetTheirOwnReply() throws Exception {
        List<ChatRequest> requests = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (String q : new String[] {"Name a color.", "Say hi.", "Count to three.", "Why?"}) {
            ChatRequest r = ChatRequest.builder()
                    .addMessage(ChatMessage.user(q))
                    .maxTokens(8)
                    .build();
            requests.add(r);
            expected.add(chat.chat(r).text());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                for (ChatRequest r : requests) {
                    answers.add(pool.submit(() -> chat.chat(r).text()));
                }
            }
            for (int i = 0; i < answers.size(); i++) {
                assertThat(answers.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(expected.get(i % requests.size()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void requestsTheTemplateCannotEncodeAreRefusedNamingTheField() {
        assertThatThrownBy(() -> chat.chat(ChatRequest.builder()
                        .messages(List.of(ChatMessage.user("a"), ChatMessage.user("b")))
                        .build()))
                .isInstanceOfSatisfying(InvalidChatRequestException.class, e -> assertThat(e.field())
                        .isEqualTo("messages[1].role"))
                .hasMessageContaining("expected assistant");
        assertThatThrownBy(() -> chat.chat(ChatRequest.builder()
                        .messages(List.of(ChatMessage.user("a"), ChatMessage.assistant("b")))
                        .build()))
                .isInstanceOfSatisfying(InvalidChatRequestException.class, e -> assertThat(e.field())
                        .isEqualTo("messages[1].role"))
                .hasMessageContaining("must end with a user or tool message");
        assertThatThrownBy(() -> chat.chat(ChatRequest.builder()
                        .messages(List.of(ChatMessage.user("a"), ChatMessage.system("late"), ChatMessage.user("b")))
                        .build()))
                .isInstanceOfSatisfying(InvalidChatRequestException.class, e -> assertThat(e.field())
                        .isEqualTo("messages[1].role"));
        assertThatThrownBy(() -> chat.chat(ChatRequest.builder()
                        .addMessage(ChatMessage.system("only"))
                        .build()))
                .isInstanceOfSatisfying(InvalidChatRequestException.class, e -> assertThat(e.field())
                        .isEqualTo("messages"));
        Recorder rec = new Recorder();
        chat.streamChat(conversation().n(2).build(), rec);
        assertThat(rec.error.get()).isInstanceOfSatisfying(InvalidChatRequestException.class, e -> assertThat(e.field())
                .isEqualTo("n"));
        assertThat(rec.finals.get()).isEqualTo(1);
    }

    @Test
    void rewardScoresAreNotSupportedYet() {
        assertThatThrownBy(() -> chat.scores(List.of("text")))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("value head");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
