package ai.llamafactory.cli;

import ai.llamafactory.api.chat.ChatDelta;
import ai.llamafactory.api.chat.ChatMessage;
import ai.llamafactory.api.chat.ChatModel;
import ai.llamafactory.api.chat.ChatRequest;
import ai.llamafactory.api.chat.ChatStreamEnd;
import ai.llamafactory.api.chat.ChatStreamListener;
import ai.llamafactory.api.chat.FinishReason;
import ai.llamafactory.api.chat.ToolCall;
import ai.llamafactory.api.exception.LlamaFactoryException;
import ai.llamafactory.api.run.CancellationToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An interactive chat in the terminal, as LLaMA-Factory's {@code llamafactory-cli chat}: each line the user types is
 * sent with the conversation so far, the reply streams token by token as it is generated, and the turn is added to
 * the history. Typing {@code clear} forgets the history, {@code exit} (or {@code quit}, or the end of input) ends the
 * chat, {@code help} lists these commands. A failed reply prints the error and leaves the history as it was before
 * the question.
 */
public final class TerminalChat {
    /** The words that end the chat. */
    static final List<String> EXIT_WORDS = List.of("exit", "quit");

    private final ChatModel model;
    private final BufferedReader in;
    private final PrintWriter out;
    private final PrintWriter err;
    private final List<ChatMessage> history = new ArrayList<>();
    private volatile CancellationToken current = new CancellationToken();

    /**
     * @param model who answers
     * @param in the user's lines
     * @param out where prompts and replies go
     * @param err where errors go
     */
    public TerminalChat(ChatModel model, BufferedReader in, PrintWriter out, PrintWriter err) {
        this.model = Objects.requireNonNull(model, "model");
        this.in = Objects.requireNonNull(in, "in");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
    }

    /**
     * Talks until the user types {@code exit} or the input ends.
     *
     * @return the number of replies the model completed
     */
    public int run() {
        out.println("Welcome to the CLI application, use `clear` to remove the history, use `exit` to exit the "
                + "application.");
        int replies = 0;
        while (true) {
            out.print("\nUser: ");
            out.flush();
            String line = readLine();
            if (line == null) {
                out.println();
                break;
            }
            String query = line.strip();
            String command = query.toLowerCase(Locale.ROOT);
            if (EXIT_WORDS.contains(command)) {
                break;
            }
            if (command.equals("clear")) {
                history.clear();
                out.println("History has been removed.");
                continue;
            }
            if (command.equals("help")) {
                out.println("Commands: `clear` removes the history, `exit` (or `quit`, or Ctrl-D) leaves the chat.");
                continue;
            }
            if (query.isEmpty()) {
                continue;
            }
            if (answer(line)) {
                replies++;
            }
        }
        out.flush();
        return replies;
    }

    /** Stops the reply being generated, if any, within one token. */
    public void cancelReply() {
        current.cancel("interrupted by the user");
    }

    /** @return the conversation so far (user and assistant turns) */
    public List<ChatMessage> history() {
        return List.copyOf(history);
    }

    private boolean answer(String query) {
        ChatMessage question = ChatMessage.user(query);
        ChatRequest request =
                ChatRequest.builder().messages(history).addMessage(question).build();
        StringBuilder reply = new StringBuilder();
        AtomicReference<ChatStreamEnd> end = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CancellationToken token = new CancellationToken();
        current = token;
        out.print("Assistant: ");
        out.flush();
        try {
            model.streamChat(
                    request,
                    new ChatStreamListener() {
                        @Override
                        public boolean onDelta(ChatDelta delta) {
                            out.print(delta.text());
                            out.flush();
                            reply.append(delta.text());
                            return true;
                        }

                        @Override
                        public void onComplete(ChatStreamEnd e) {
                            end.set(e);
                        }

                        @Override
                        public void onError(Throwable error) {
                            failure.set(error);
                        }
                    },
                    token);
        } catch (RuntimeException thrown) {
            failure.compareAndSet(null, thrown);
        }
        out.println();
        out.flush();
        Throwable error = failure.get();
        if (error != null || end.get() == null) {
            String message = error == null
                    ? "the model ended the reply without a result"
                    : error instanceof LlamaFactoryException && error.getMessage() != null
                            ? error.getMessage()
                            : error.toString();
            err.println("llamafactory: error: " + message);
            err.flush();
            return false;
        }
        ChatStreamEnd done = end.get();
        history.add(question);
        if (done.finishReason() == FinishReason.TOOL_CALLS && !done.toolCalls().isEmpty()) {
            for (ToolCall call : done.toolCalls()) {
                out.println("Tool call: " + call.name() + "(" + call.arguments() + ")");
            }
            history.add(ChatMessage.assistantToolCalls(done.toolCalls()));
        } else {
            history.add(ChatMessage.assistant(reply.toString()));
        }
        if (done.finishReason() == FinishReason.LENGTH) {
            out.println("(reply cut at the token limit; set max_new_tokens to allow longer replies)");
        }
        out.flush();
        return true;
    }

    private String readLine() {
        try {
            return in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the user's input: " + e.getMessage(), e);
        }
    }
}
