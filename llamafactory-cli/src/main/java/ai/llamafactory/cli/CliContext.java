package ai.llamafactory.cli;

import ai.llamafactory.api.ChatModels;
import ai.llamafactory.api.chat.ChatModel;
import ai.llamafactory.api.config.FineTuneConfig;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * What the commands talk to: standard streams, environment variables, whether output goes to a terminal, a clock,
 * where chat models come from and how to hear about Ctrl-C. {@link #system()} is the real process; tests build their
 * own with {@link #builder()} (string writers, piped input, a fake model, hooks they trigger). Immutable.
 */
public final class CliContext {
    private final PrintWriter out;
    private final PrintWriter err;
    private final InputStream in;
    private final Charset inputCharset;
    private final Map<String, String> environment;
    private final boolean terminal;
    private final LongSupplier nanoClock;
    private final Function<FineTuneConfig, ChatModel> chatModels;
    private final ShutdownHooks shutdownHooks;

    private CliContext(Builder b) {
        this.out = Objects.requireNonNull(b.out, "out");
        this.err = Objects.requireNonNull(b.err, "err");
        this.in = Objects.requireNonNull(b.in, "in");
        this.inputCharset = Objects.requireNonNull(b.inputCharset, "inputCharset");
        this.environment = Map.copyOf(b.environment);
        this.terminal = b.terminal;
        this.nanoClock = b.nanoClock;
        this.chatModels = b.chatModels;
        this.shutdownHooks = b.shutdownHooks;
    }

    /**
     * The real process: {@code System.out}/{@code System.err}/{@code System.in} in the console's charset, the
     * environment, a terminal when {@link System#console()} exists and {@code TERM} is not {@code dumb}, chat models
     * from {@link ChatModels#create(ai.llamafactory.api.config.FineTuneConfig, ClassLoader)}, JVM shutdown hooks.
     *
     * @return the context
     */
    public static CliContext system() {
        Charset charset = System.console() != null ? System.console().charset() : Charset.defaultCharset();
        Map<String, String> env = System.getenv();
        boolean terminal = System.console() != null && !"dumb".equals(env.get("TERM"));
        return builder()
                .out(new PrintWriter(new OutputStreamWriter(System.out, charset), true))
                .err(new PrintWriter(new OutputStreamWriter(System.err, charset), true))
                .in(System.in, charset)
                .environment(env)
                .terminal(terminal)
                .build();
    }

    /** @return a builder with the process's streams and environment, no terminal and the default services */
    public static Builder builder() {
        return new Builder();
    }

    /** @return standard output */
    public PrintWriter out() {
        return out;
    }

    /** @return standard error: errors and warnings (progress goes to {@link #out()}) */
    public PrintWriter err() {
        return err;
    }

    /** @return standard input (the chat command reads the user's lines from it) */
    public InputStream in() {
        return in;
    }

    /** @return the encoding of {@link #in()} */
    public Charset inputCharset() {
        return inputCharset;
    }

    /** @return the environment variables (API_HOST, API_PORT, API_KEY ...) */
    public Map<String, String> environment() {
        return environment;
    }

    /** @return true when {@link #out()} is an interactive terminal: the progress bar redraws in place */
    public boolean terminal() {
        return terminal;
    }

    /** @return the monotonic clock in nanoseconds (elapsed times, throughput, ETA) */
    public LongSupplier nanoClock() {
        return nanoClock;
    }

    /**
     * Loads the chat model a configuration describes.
     *
     * @param config the configuration
     * @return the model; close it
     */
    public ChatModel loadChatModel(FineTuneConfig config) {
        return chatModels.apply(config);
    }

    /** @return where commands register what to do on Ctrl-C */
    public ShutdownHooks shutdownHooks() {
        return shutdownHooks;
    }

    /** Builder for {@link CliContext}. */
    public static final class Builder {
        private PrintWriter out = new PrintWriter(System.out, true);
        private PrintWriter err = new PrintWriter(System.err, true);
        private InputStream in = System.in;
        private Charset inputCharset = StandardCharsets.UTF_8;
        private Map<String, String> environment = System.getenv();
        private boolean terminal;
        private LongSupplier nanoClock = System::nanoTime;
        private Function<FineTuneConfig, ChatModel> chatModels = CliContext::chatModelFromProviders;
        private ShutdownHooks shutdownHooks = ShutdownHooks.jvm();

        private Builder() {}

        /**
         * @param value standard output
         * @return this builder
         */
        public Builder out(PrintWriter value) {
            this.out = value;
            return this;
        }

        /**
         * @param value standard error
         * @return this builder
         */
        public Builder err(PrintWriter value) {
            this.err = value;
            return this;
        }

        /**
         * @param value standard input, UTF-8
         * @return this builder
         */
        public Builder in(InputStream value) {
            return in(value, StandardCharsets.UTF_8);
        }

        /**
         * @param value standard input
         * @param charset its encoding
         * @return this builder
         */
        public Builder in(InputStream value, Charset charset) {
            this.in = value;
            this.inputCharset = charset;
            return this;
        }

        /**
         * @param value the environment variables
         * @return this builder
         */
        public Builder environment(Map<String, String> value) {
            this.environment = Objects.requireNonNull(value, "environment");
            return this;
        }

        /**
         * @param value whether standard output is an interactive terminal
         * @return this builder
         */
        public Builder terminal(boolean value) {
            this.terminal = value;
            return this;
        }

        /**
         * @param value a monotonic clock in nanoseconds
         * @return this builder
         */
        public Builder nanoClock(LongSupplier value) {
            this.nanoClock = Objects.requireNonNull(value, "nanoClock");
            return this;
        }

        /**
         * @param value loads the chat model of a configuration (default: the {@code ChatModelProvider} found with
         *     {@link java.util.ServiceLoader})
         * @return this builder
         */
        public Builder chatModels(Function<FineTuneConfig, ChatModel> value) {
            this.chatModels = Objects.requireNonNull(value, "chatModels");
            return this;
        }

        /**
         * @param value where commands register what to do on Ctrl-C
         * @return this builder
         */
        public Builder shutdownHooks(ShutdownHooks value) {
            this.shutdownHooks = Objects.requireNonNull(value, "shutdownHooks");
            return this;
        }

        /** @return the context */
        public CliContext build() {
            return new CliContext(this);
        }
    }

    private static ChatModel chatModelFromProviders(FineTuneConfig config) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = CliContext.class.getClassLoader();
        }
        return ChatModels.create(config, loader);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT, "CliContext{terminal=%s, environment=%d variables}", terminal, environment.size());
    }
}
