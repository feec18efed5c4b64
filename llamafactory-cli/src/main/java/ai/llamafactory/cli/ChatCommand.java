package ai.llamafactory.cli;

import ai.llamafactory.api.chat.ChatModel;
import ai.llamafactory.api.config.FineTuneConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * {@code llamafactory chat <config> [key=value...]}: loads the model the configuration names
 * ({@code model_name_or_path}, {@code adapter_name_or_path}, {@code template}, generation arguments) and chats with it
 * in the terminal ({@link TerminalChat}).
 */
@Command(
        name = "chat",
        mixinStandardHelpOptions = true,
        description = "Chat with a model in the terminal; replies stream as they are generated. Type `clear` to "
                + "remove the history, `exit` to quit.",
        footer = {"", "Example:", "  llamafactory chat examples/inference/qwen3_lora_sft.yaml"})
final class ChatCommand implements Callable<Integer> {
    @ParentCommand
    private LlamaFactoryCli root;

    @Mixin
    private ConfigArguments arguments;

    @Override
    public Integer call() throws Exception {
        CliContext ctx = root.context();
        FineTuneConfig config = arguments.load();
        ChatModel model = ctx.loadChatModel(config);
        try {
            TerminalChat chat = new TerminalChat(
                    model,
                    new BufferedReader(new InputStreamReader(ctx.in(), ctx.inputCharset())),
                    ctx.out(),
                    ctx.err());
            try (ShutdownHooks.Registration hook =
                    ctx.shutdownHooks().register("llamafactory-chat-shutdown", chat::cancelReply)) {
                chat.run();
            }
        } finally {
            model.close();
        }
        return ExitCodes.SUCCESS;
    }
}
