package ai.llamafactory.cli;

import ai.llamafactory.api.config.ExportArguments;
import ai.llamafactory.api.config.ExportDevice;
import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.ModelArguments;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.core.loader.DjlLoadedModel;
import ai.llamafactory.core.loader.DjlModelLoader;
import ai.llamafactory.data.template.ChatTemplate;
import ai.llamafactory.data.template.Slot;
import ai.llamafactory.data.tokenizer.HfTokenizer;
import ai.llamafactory.data.tokenizer.SpecialTokens;
import ai.llamafactory.data.tokenizer.Tokenizer;
import ai.llamafactory.data.worker.DefaultDataWorker;
import ai.llamafactory.peft.export.ExportConfig;
import ai.llamafactory.peft.export.ModelExporter;
import ai.llamafactory.peft.export.OllamaModelfile;
import ai.llamafactory.peft.lora.LoraModel;
import ai.llamafactory.peft.lora.LoraSetup;
import ai.llamafactory.peft.method.PeftArguments;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LLaMA-Factory's {@code export_model} on a {@link FineTuneConfig}: loads {@code model_name_or_path} on
 * {@code export_device}, merges every adapter of {@code adapter_name_or_path} into it, and writes the model with
 * {@link ModelExporter} to {@code export_dir} in shards of {@code export_size} GB, in {@code export_dtype}, with the
 * tokenizer files (the named {@code template} as {@code chat_template}) and, with {@code export_ollama_modelfile}, an
 * Ollama {@code Modelfile} built from the template. What is not implemented (GPTQ quantisation while exporting,
 * {@code .bin} weights, pushing to the hub, merging into a quantised base) is refused before anything is loaded.
 */
final class ModelExport {
    private static final Logger LOG = LoggerFactory.getLogger(ModelExport.class);

    private ModelExport() {}

    /**
     * Checks the export keys without loading anything.
     *
     * @param config the configuration
     * @return {@code export_dir}
     * @throws InvalidConfigException naming the key and value that cannot be exported
     */
    static Path check(FineTuneConfig config) {
        // export_dir is required by ExportConfig (the one check); export_quantization_bit, export_legacy_format,
        // export_hub_model_id and quantization_bit are refused when the configuration is built (ExportArguments,
        // ModelArguments), before this check runs.
        return ExportConfig.from(config.export()).build().exportDir();
    }

    /**
     * Exports the model.
     *
     * @param config the configuration
     * @return the files written
     * @throws InvalidConfigException for export keys that cannot be honoured
     * @throws ai.llamafactory.api.exception.CheckpointException when the model or an adapter cannot be read, or the
     *     export cannot be written
     */
    static List<Path> export(FineTuneConfig config) {
        check(config);
        ExportArguments ex = config.export();
        ModelArguments model = config.model().toBuilder()
                .device(ex.exportDevice() == ExportDevice.CPU ? "cpu" : "auto")
                .build();
        try (DjlLoadedModel loaded = new DjlModelLoader().load(model)) {
            ExportConfig.Builder out = ExportConfig.from(ex).sourceFolder(loaded.localPath());
            addTemplate(config, loaded.localPath(), out);
            List<String> adapters = config.model().adapterNameOrPath();
            if (adapters.isEmpty()) {
                return ModelExporter.export(loaded.model(), out.build());
            }
            LoraModel lora = LoraSetup.apply(loaded.model(), PeftArguments.loraSetup(config, false));
            LOG.info(
                    "merged {} adapter(s) into {}",
                    adapters.size(),
                    config.model().modelNameOrPath());
            return ModelExporter.export(lora, out.build());
        }
    }

    /**
     * The named template becomes the exported {@code chat_template}; without a name the tokenizer's own is kept. The
     * Modelfile is built from the template in use either way, as LLaMA-Factory does.
     */
    private static void addTemplate(FineTuneConfig config, Path modelFolder, ExportConfig.Builder out) {
        boolean named = config.data().template().isPresent();
        if (!named && !config.export().exportOllamaModelfile()) {
            return;
        }
        HfTokenizer raw = HfTokenizer.load(modelFolder);
        ChatTemplate template = DefaultDataWorker.configureTemplate(config.data(), raw);
        Tokenizer tokenizer = template.fixSpecialTokens(raw);
        if (named) {
            try {
                out.chatTemplate(template.toJinja(tokenizer.specialTokens()));
            } catch (InvalidConfigException e) {
                LOG.warn(
                        "template {} cannot be written as a Jinja chat_template ({}); the tokenizer's own is kept",
                        template.name(),
                        e.getMessage());
            }
        }
        if (config.export().exportOllamaModelfile()) {
            out.modelfile(ollamaModelfile(template, tokenizer));
        }
    }

    /** LLaMA-Factory's {@code get_ollama_modelfile}: the template's slots written out, its stop tokens, 4096 ctx. */
    static OllamaModelfile ollamaModelfile(ChatTemplate template, Tokenizer tokenizer) {
        SpecialTokens special = tokenizer.specialTokens();
        List<String> stops = new ArrayList<>();
        for (int id : template.stopTokenIds(tokenizer)) {
            tokenizer.idToToken(id).ifPresent(stops::add);
        }
        return OllamaModelfile.builder()
                .prefix(slots(template.prefixSlots(), special))
                .systemSlot(slots(template.systemSlots(), special))
                .userSlot(slots(template.userSlots(), special))
                .assistantSlot(slots(template.assistantSlots(), special))
                .defaultSystem(template.defaultSystem())
                .stopTokens(stops)
                .build();
    }

    private static String slots(List<Slot> slots, SpecialTokens special) {
        StringBuilder s = new StringBuilder();
        for (Slot slot : slots) {
            if (slot instanceof Slot.Text t) {
                s.append(t.text());
            } else if (slot instanceof Slot.BosToken) {
                special.bos().ifPresent(b -> s.append(b.token()));
            } else if (slot instanceof Slot.EosToken) {
                special.eos().ifPresent(e -> s.append(e.token()));
            } else if (slot instanceof Slot.LiteralToken l) {
                s.append(l.token());
            }
        }
        return s.toString();
    }
}
