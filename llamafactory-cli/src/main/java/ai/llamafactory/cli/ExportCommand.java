package ai.llamafactory.cli;

import ai.llamafactory.api.config.FineTuneConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * {@code llamafactory export <config> [key=value...]}: merges the adapters of {@code adapter_name_or_path} into the
 * base model and writes a Hugging Face model folder to {@code export_dir}, as LLaMA-Factory's
 * {@code llamafactory-cli export examples/merge_lora/qwen3_lora_sft.yaml}. See {@link ModelExport}.
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Merge LoRA adapters into the base model and export it (export_dir, export_size, "
                + "export_legacy_format, export_ollama_modelfile ...).",
        footer = {"", "Example:", "  llamafactory export examples/merge_lora/qwen3_lora_sft.yaml"})
final class ExportCommand implements Callable<Integer> {
    @ParentCommand
    private LlamaFactoryCli root;

    @Mixin
    private ConfigArguments arguments;

    @Override
    public Integer call() {
        CliContext ctx = root.context();
        FineTuneConfig config = arguments.load();
        Path dir = ModelExport.check(config);
        long start = ctx.nanoClock().getAsLong();
        List<Path> written = ModelExport.export(config);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(ctx.nanoClock().getAsLong() - start);
        ctx.out()
                .println("Exported " + config.model().modelNameOrPath()
                        + (config.model().adapterNameOrPath().isEmpty()
                                ? ""
                                : " with adapter(s) "
                                        + String.join(", ", config.model().adapterNameOrPath()) + " merged")
                        + " to " + dir + " (" + written.size() + " files, " + seconds + " s):");
        for (Path file : written) {
            ctx.out().println("  " + file);
        }
        ctx.out().flush();
        return ExitCodes.SUCCESS;
    }
}
