package ai.llamafactory.cli;

import ai.llamafactory.api.chat.ChatModel;
import ai.llamafactory.api.config.FineTuneConfig;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** Runs the command line in-process with captured output, piped input and shutdown hooks the test triggers. */
final class CliRun {
    /** What a run printed and returned. */
    record Result(int exitCode, String out, String err) {}

    /** Shutdown hooks that run when the test calls {@link #fire()}, as Ctrl-C would run JVM hooks. */
    static final class ManualShutdown implements ShutdownHooks {
        final List<Runnable> actions = new CopyOnWriteArrayList<>();

        @Override
        public Registration register(String name, Runnable action) {
            actions.add(action);
            return () -> actions.remove(action);
        }

        void fire() {
            actions.forEach(Runnable::run);
        }
    }

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final ManualShutdown shutdown = new ManualShutdown();
    private String input = "";
    private Map<String, String> environment = Map.of();
    private Function<FineTuneConfig, ChatModel> chatModels;
    private boolean terminal;

    CliRun input(String text) {
        this.input = text;
        return this;
    }

    CliRun environment(Map<String, String> env) {
        this.environment = env;
        return this;
    }

    CliRun chatModel(ChatModel model) {
        this.chatModels = config -> model;
        return this;
    }

    CliRun terminal(boolean value) {
        this.terminal = value;
        return this;
    }

    CliContext context() {
        CliContext.Builder b = CliContext.builder()
                .out(new PrintWriter(out, true))
                .err(new PrintWriter(err, true))
                .in(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)))
                .environment(environment)
                .terminal(terminal)
                .shutdownHooks(shutdown);
        if (chatModels != null) {
            b.chatModels(chatModels);
        }
        return b.build();
    }

    Result run(String... args) {
        int code = LlamaFactoryCli.run(context(), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** @return a run with no input and an empty environment */
    static Result of(String... args) {
        return new CliRun().run(args);
    }
}
