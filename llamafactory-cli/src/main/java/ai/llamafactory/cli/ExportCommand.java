package ai.llamafactory.cli;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.api.exception.LlamaFactoryException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * {@code llamafactory export <config> [key=value...]}: merges the adapters of {@code adapter_name_or_path} into the
 * base model and writes a Hugging Face model folder to {@code export_dir}, as LLaMA-Factory's
 * {@code llamafactory-cli export examples/merge_lora/qwen3_lora_sft.yaml}.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
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
        FineTuneConfig config = arguments.load();
        if (config.export().exportDir().isEmpty()) {
            throw new InvalidConfigException("export_dir: required to export a model; set it in "
                    + arguments.configFile + " or add export_dir=<folder>");
        }
        throw new LlamaFactoryException("export needs the merge and export of the llamafactory-peft module "
                + "(ai.llamafactory.peft.export.ModelExporter), which this build does not contain yet");
    }
}
