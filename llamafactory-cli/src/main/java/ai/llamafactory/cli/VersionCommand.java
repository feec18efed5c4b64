package ai.llamafactory.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code llamafactory version}: the welcome box with the version and the project page, as LLaMA-Factory prints. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Show the version.")
final class VersionCommand implements Callable<Integer> {
    @ParentCommand
    private LlamaFactoryCli root;

    @Override
    public Integer call() {
        LibraryVersion v = LibraryVersion.current();
        List<String> lines = List.of(
                "Welcome to LlamaFactory for Java, version " + v.version(),
                "",
                "After LLaMA-Factory (arXiv 2403.13372); DJL " + v.djlVersion() + ", PyTorch " + v.pytorchVersion(),
                "Project page: " + v.projectUrl());
        int width = lines.stream().mapToInt(String::length).max().orElse(0) + 2;
        String rule = "-".repeat(width + 2);
        CliContext ctx = root.context();
        ctx.out().println(rule);
        for (String line : lines) {
            ctx.out().println("| " + line + " ".repeat(width - line.length() - 1) + "|");
        }
        ctx.out().println(rule);
        ctx.out().flush();
        return ExitCodes.SUCCESS;
    }
}
