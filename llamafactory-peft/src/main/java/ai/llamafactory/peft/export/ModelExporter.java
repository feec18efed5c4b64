package ai.llamafactory.peft.export;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.core.checkpoint.SafetensorsDtype;
import ai.llamafactory.core.loader.ModelWriter;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.nn.Module;
import ai.llamafactory.data.json.PythonJson;
import ai.llamafactory.peft.lora.LoraLinear;
import ai.llamafactory.peft.lora.LoraModel;
import ai.llamafactory.peft.lora.ModulesToSaveWrapper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code llamafactory-cli export}: merges adapters into the base weights and writes a Hugging Face model folder that
 * transformers, vLLM, llama.cpp's converter and this library load:
 *
 * <ul>
 *   <li>{@code model.safetensors}, or shards of at most {@code export_size} with {@code model.safetensors.index.json};
 *   </li>
 *   <li>{@code config.json} (with the stored dtype) and {@code generation_config.json} (the base model's when it has
 *       one);</li>
 *   <li>the base model's tokenizer files, with the chat template written into {@code tokenizer_config.json} (and
 *       into {@code chat_template.jinja} when the base has that file);</li>
 *   <li>an Ollama {@code Modelfile} when one is configured.</li>
 * </ul>
 */
public final class ModelExporter {
    /** Tokenizer files copied from the base folder when present. */
    public static final List<String> TOKENIZER_FILES = List.of(
            "tokenizer.json",
            "tokenizer_config.json",
            "special_tokens_map.json",
            "added_tokens.json",
            "vocab.json",
            "merges.txt",
            "tokenizer.model",
            "chat_template.jinja");

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelExporter() {}

    /**
     * Merges the active adapters ({@link LoraModel#mergeAndUnload()}) and exports the model.
     *
     * @param lora the adapted model; afterwards it holds no adapters
     * @param config what to write
     * @return the files written
     */
    public static List<Path> export(LoraModel lora, ExportConfig config) {
        return export(lora.mergeAndUnload(), config);
    }

    /**
     * Exports a model without adapters (merged, fully or freeze-tuned).
     *
     * @param model the model
     * @param config what to write
     * @return the files written
     * @throws IllegalStateException if adapter wrappers are still in the model (merge first)
     * @throws CheckpointException if a file cannot be read or written
     */
    public static List<Path> export(CausalLm model, ExportConfig config) {
        for (Module m : model.namedModules().values()) {
            if (m instanceof LoraLinear || m instanceof ModulesToSaveWrapper) {
                throw new IllegalStateException(
                        "the model still holds adapters; merge them first " + "(LoraModel.mergeAndUnload)");
            }
        }
        Path dir = config.exportDir();
        SafetensorsDtype dtype =
                config.weightDtype().orElseGet(() -> dtypeOf(model.config().dtype()));
        List<Path> written = new ArrayList<>(ModelWriter.save(model, dir, dtype, config.maxShardBytes()));
        written.add(dir.resolve("config.json"));
        written.add(dir.resolve("generation_config.json"));
        try {
            if (config.sourceFolder().isPresent()) {
                Path src = config.sourceFolder().get();
                Path generation = src.resolve("generation_config.json");
                if (Files.isRegularFile(generation)) {
                    Files.copy(generation, dir.resolve("generation_config.json"), StandardCopyOption.REPLACE_EXISTING);
                }
                for (String f : TOKENIZER_FILES) {
                    Path from = src.resolve(f);
                    if (Files.isRegularFile(from)) {
                        Files.copy(from, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                        written.add(dir.resolve(f));
                    }
                }
            }
            if (config.chatTemplate().isPresent()) {
                written.addAll(embedChatTemplate(dir, config.chatTemplate().get()));
            }
            if (config.modelfile().isPresent()) {
                Path modelfile = dir.resolve("Modelfile");
                Files.writeString(modelfile, config.modelfile().get().render(), StandardCharsets.UTF_8);
                written.add(modelfile);
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot export to " + dir + ": " + e.getMessage(), e);
        }
        return List.copyOf(new java.util.LinkedHashSet<>(written));
    }

    /**
     * Writes the chat template into {@code tokenizer_config.json} (created if missing) as transformers writes it
     * (two-space indent, sorted keys, non-ASCII kept, trailing newline), and into {@code chat_template.jinja} when
     * that file exists.
     */
    private static List<Path> embedChatTemplate(Path dir, String template) throws IOException {
        List<Path> out = new ArrayList<>();
        Path file = dir.resolve("tokenizer_config.json");
        ObjectNode cfg;
        if (Files.isRegularFile(file)) {
            JsonNode node = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (!(node instanceof ObjectNode o)) {
                throw new CheckpointException(file + ": expected a JSON object");
            }
            cfg = o;
        } else {
            cfg = JSON.createObjectNode();
        }
        cfg.put("chat_template", template);
        Files.writeString(
                file,
                PythonJson.builder()
                                .indent(2)
                                .sortKeys(true)
                                .ensureAscii(false)
                                .build()
                                .dumps(cfg) + "\n",
                StandardCharsets.UTF_8);
        out.add(file);
        Path jinja = dir.resolve("chat_template.jinja");
        if (Files.isRegularFile(jinja)) {
            Files.writeString(jinja, template, StandardCharsets.UTF_8);
            out.add(jinja);
        }
        return out;
    }

    private static SafetensorsDtype dtypeOf(String configDtype) {
        String d = configDtype == null ? "" : configDtype.toLowerCase(Locale.ROOT);
        return switch (d) {
            case "float16", "fp16", "half" -> SafetensorsDtype.F16;
            case "bfloat16", "bf16" -> SafetensorsDtype.BF16;
            default -> SafetensorsDtype.F32;
        };
    }
}
