package ai.llamafactory.cli;

import ai.llamafactory.api.exception.LlamaFactoryException;
import ai.llamafactory.core.engine.DjlEngine;
import java.io.PrintWriter;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code llamafactory} command (LLaMA-Factory's {@code llamafactory-cli}, alias {@code lmf}):
 *
 * <pre>
 * llamafactory train  &lt;config&gt; [key=value...]   train a model (pt, sft; rm, dpo, kto, ppo with llamafactory-rlhf)
 * llamafactory export &lt;config&gt; [key=value...]   merge LoRA adapters and export the model
 * llamafactory chat   &lt;config&gt; [key=value...]   chat with a model in the terminal
 * llamafactory api    &lt;config&gt; [key=value...]   serve a model over an OpenAI-compatible HTTP API
 * llamafactory env                              show the Java, DJL, PyTorch and device environment
 * llamafactory version                          show the version
 * llamafactory help &lt;command&gt;                   show the options of a command
 * </pre>
 *
 * <p>Exit codes: {@link ExitCodes#SUCCESS} 0, {@link ExitCodes#RUNTIME_FAILURE} 1,
 * {@link ExitCodes#USAGE_ERROR} 2. Errors print the library exception's message on standard error; {@code --debug}
 * adds the stack trace. {@link #run(CliContext, String...)} runs the command in-process, for tests and for
 * applications that embed it.
 */
@Command(
        name = "llamafactory",
        mixinStandardHelpOptions = true,
        versionProvider = LlamaFactoryCli.VersionProvider.class,
        synopsisSubcommandLabel = "COMMAND",
        header = "LlamaFactory for Java: fine-tune, chat with and serve large language models from LLaMA-Factory "
                + "configuration files.",
        description = {
            "",
            "  llamafactory train  <config> [key=value...]  train models",
            "  llamafactory export <config> [key=value...]  merge adapters, export a model",
            "  llamafactory chat   <config> [key=value...]  chat in the terminal",
            "  llamafactory api    <config> [key=value...]  launch an OpenAI-style API",
            "  llamafactory env                             show environment info",
            "  llamafactory version                         show version info",
            "  llamafactory help <command>                  show the options of a command",
            ""
        },
        footer = {
            "",
            "Configuration files use LLaMA-Factory's keys, e.g.",
            "examples/train_lora/qwen3_lora_sft.yaml; key=value pairs after the file",
            "override them: llamafactory train qwen3_lora_sft.yaml learning_rate=5e-5",
            "Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error.",
            "Hint: you can use `lmf` (bin/lmf) as an abbreviation for `llamafactory`."
        },
        subcommands = {
            TrainCommand.class,
            ExportCommand.class,
            ChatCommand.class,
            ApiCommand.class,
            EnvCommand.class,
            VersionCommand.class,
            CommandLine.HelpCommand.class
        })
public final class LlamaFactoryCli implements Callable<Integer> {
    private final CliContext context;

    @Spec
    private CommandSpec spec;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print the stack trace of errors.")
    private boolean debug;

    private LlamaFactoryCli(CliContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    /**
     * Runs the command line and exits the JVM with the command's exit code.
     *
     * @param args the command line, e.g. {@code train examples/train_lora/qwen3_lora_sft.yaml}
     */
    public static void main(String[] args) {
        // before any DJL class (tokenizers, engine) reads them: offline, and no CUDA warnings without a driver
        DjlEngine.applyOfflineDefaults();
        System.exit(run(CliContext.system(), args));
    }

    /**
     * Runs the command line in this JVM without exiting it.
     *
     * @param context streams, environment and services the commands use
     * @param args the command line
     * @return the exit code: 0 success, 1 runtime failure, 2 usage or configuration error
     */
    public static int run(CliContext context, String... args) {
        int code = commandLine(context).execute(args);
        context.out().flush();
        context.err().flush();
        return code;
    }

    /**
     * Builds picocli's command line: output to the context's streams, errors reported as
     * {@code llamafactory: error: <message>} with exit codes from {@link ExitCodes}.
     *
     * @param context streams, environment and services the commands use
     * @return the command line, ready to {@code execute} or {@code parseArgs}
     */
    static CommandLine commandLine(CliContext context) {
        LlamaFactoryCli root = new LlamaFactoryCli(context);
        CommandLine cl = new CommandLine(root);
        // the description lists the commands with their arguments, as LLaMA-Factory's usage text does
        cl.getHelpSectionMap().remove(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST_HEADING);
        cl.getHelpSectionMap().remove(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST);
        cl.setOut(context.out());
        cl.setErr(context.err());
        cl.setExecutionExceptionHandler((failure, command, parseResult) -> {
            report(context.err(), failure, root.debug);
            return ExitCodes.of(failure);
        });
        cl.setParameterExceptionHandler((failure, args) -> {
            PrintWriter err = context.err();
            err.println("llamafactory: error: " + failure.getMessage());
            if (root.debug) {
                failure.printStackTrace(err);
            }
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(failure, err)) {
                err.println("Try '" + failure.getCommandLine().getCommandSpec().qualifiedName()
                        + " --help' for more information.");
            }
            err.flush();
            return ExitCodes.USAGE_ERROR;
        });
        return cl;
    }

    /** Without a command: the usage text, and exit code 2 as for any other usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(context.out());
        return ExitCodes.USAGE_ERROR;
    }

    /** @return the context the subcommands use */
    CliContext context() {
        return context;
    }

    /** @return whether {@code --debug} was given */
    boolean debug() {
        return debug;
    }

    /**
     * Prints a failure as {@code llamafactory: error: <message>}, with the stack trace when debugging. Library
     * exceptions carry messages written for users; other exceptions also show their class.
     */
    static void report(PrintWriter err, Throwable failure, boolean debug) {
        String message = failure.getMessage();
        if (!(failure instanceof LlamaFactoryException) || message == null || message.isBlank()) {
            message = failure.getClass().getName() + (message == null ? "" : ": " + message);
        }
        err.println("llamafactory: error: " + message);
        if (debug) {
            failure.printStackTrace(err);
        } else if (!(failure instanceof LlamaFactoryException)) {
            err.println("(run with --debug for the stack trace)");
        }
        err.flush();
    }

    /** {@code --version}: the library version. */
    static final class VersionProvider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            LibraryVersion v = LibraryVersion.current();
            return new String[] {"LlamaFactory for Java " + v.version()};
        }
    }
}
