package ai.llamafactory.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code llamafactory env}: prints the {@link EnvironmentReport} (paste it into bug reports). */
@Command(
        name = "env",
        mixinStandardHelpOptions = true,
        description = "Show the Java, OS, memory, DJL, PyTorch engine and device environment.")
final class EnvCommand implements Callable<Integer> {
    @ParentCommand
    private LlamaFactoryCli root;

    @Override
    public Integer call() {
        CliContext ctx = root.context();
        ctx.out().println();
        EnvironmentReport.collect().lines().forEach(ctx.out()::println);
        ctx.out().println();
        ctx.out().flush();
        return ExitCodes.SUCCESS;
    }
}
