package ai.llamafactory.cli;

import ai.llamafactory.api.chat.ChatModel;
import ai.llamafactory.api.chat.ChatRequest;
import ai.llamafactory.api.chat.ChatResponse;
import ai.llamafactory.api.chat.ChatStreamListener;
import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.run.CancellationToken;
import ai.llamafactory.server.OpenAiServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code llamafactory api <config> [key=value...]}: serves the configured model over the OpenAI-compatible HTTP API
 * ({@link OpenAiServer}) until Ctrl-C, then stops gracefully (requests in flight may finish within the grace period).
 * The address and key come from LLaMA-Factory's environment variables {@code API_HOST}, {@code API_PORT},
 * {@code API_KEY}, {@code API_MODEL_NAME} and {@code MAX_CONCURRENT}; the options {@code --host}, {@code --port} and
 * {@code --api-key} take precedence over them.
 */
@Command(
        name = "api",
        mixinStandardHelpOptions = true,
        description = "Serve a model over an OpenAI-compatible API (GET /v1/models, POST /v1/chat/completions, "
                + "GET /health) until Ctrl-C.",
        footer = {
            "",
            "Environment: API_HOST (default 127.0.0.1), API_PORT (default 8000), API_KEY (bearer key, "
                    + "default none), API_MODEL_NAME, MAX_CONCURRENT.",
            "",
            "Example:",
            "  API_PORT=8000 llamafactory api examples/inference/qwen3_lora_sft.yaml"
        })
final class ApiCommand implements Callable<Integer> {
    /** Stands in for the model while the server settings are checked; never asked to generate. */
    private static final ChatModel NOT_LOADED = new ChatModel() {
        @Override
        public ChatResponse chat(ChatRequest request, CancellationToken cancellation) {
            throw new IllegalStateException("the model is not loaded yet");
        }

        @Override
        public void streamChat(ChatRequest request, ChatStreamListener listener, CancellationToken cancellation) {
            throw new IllegalStateException("the model is not loaded yet");
        }

        @Override
        public String modelName() {
            return "not-loaded";
        }
    };

    @ParentCommand
    private LlamaFactoryCli root;

    @Mixin
    private ConfigArguments arguments;

    @Option(names = "--host", paramLabel = "<host>", description = "Address to bind (overrides API_HOST).")
    private String host;

    @Option(
            names = "--port",
            paramLabel = "<port>",
            description = "Port to listen on, 0 for any free port " + "(overrides API_PORT).")
    private Integer port;

    @Option(
            names = "--api-key",
            paramLabel = "<key>",
            description = "Bearer key every request must send " + "(overrides API_KEY).")
    private String apiKey;

    @Override
    public Integer call() throws Exception {
        CliContext ctx = root.context();
        FineTuneConfig config = arguments.load();
        // the address and key are checked before the (slow) model load
        serverFor(NOT_LOADED, ctx).build();
        ChatModel model = ctx.loadChatModel(config);
        try {
            OpenAiServer server = serverFor(model, ctx).build().start();
            try (ShutdownHooks.Registration hook = ctx.shutdownHooks().register("llamafactory-api-shutdown", () -> {
                ctx.err().println("llamafactory: stopping the API server");
                ctx.err().flush();
                server.stop();
            })) {
                ctx.out()
                        .println("Serving model '" + server.modelName() + "' at " + server.baseUri() + "/v1"
                                + (server.requiresApiKey() ? " (API key required)" : "") + "; press Ctrl-C to stop.");
                ctx.out().flush();
                server.awaitStopped();
            } finally {
                server.stop();
            }
        } finally {
            model.close();
        }
        return ExitCodes.SUCCESS;
    }

    private OpenAiServer.Builder serverFor(ChatModel model, CliContext ctx) {
        OpenAiServer.Builder builder = OpenAiServer.builder(model).environment(ctx.environment());
        if (host != null) {
            builder.host(host);
        }
        if (port != null) {
            builder.port(port);
        }
        if (apiKey != null) {
            builder.apiKey(apiKey);
        }
        return builder;
    }
}
