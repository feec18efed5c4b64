package ai.llamafactory.core.train;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.data.template.ChatTemplate;
import ai.llamafactory.data.tokenizer.Tokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves a model's tokenizer files next to trained weights with the chat template the model was trained with
 * embedded as {@code chat_template} (and the eos token the template stops on), so that transformers, vLLM and this
 * library chat with the fine-tuned model exactly as it was trained.
 */
public final class TokenizerFiles {
    private static final Logger LOG = LoggerFactory.getLogger(TokenizerFiles.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final List<String> COPIED = List.of(
            "tokenizer.json",
            "tokenizer.model",
            "vocab.json",
            "merges.txt",
            "special_tokens_map.json",
            "added_tokens.json");

    private TokenizerFiles() {}

    /**
     * Copies the tokenizer files and writes tokenizer_config.json with the training template.
     *
     * @param modelFolder the base model folder
     * @param target the output folder (exists)
     * @param template the template used for training
     * @param tokenizer the tokenizer with the template's special-token fixes
     * @return the files written
     */
    public static List<Path> save(Path modelFolder, Path target, ChatTemplate template, Tokenizer tokenizer) {
        List<Path> written = new ArrayList<>();
        try {
            for (String name : COPIED) {
                Path src = modelFolder.resolve(name);
                if (Files.exists(src)) {
                    Path dst = target.resolve(name);
                    Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
                    written.add(dst);
                }
            }
            Path cfgSrc = modelFolder.resolve("tokenizer_config.json");
            ObjectNode cfg =
                    Files.exists(cfgSrc) ? (ObjectNode) JSON.readTree(cfgSrc.toFile()) : JSON.createObjectNode();
            try {
                String jinja = template.toJinja(tokenizer.specialTokens());
                if (!cfg.hasNonNull("chat_template")
                        || template.replaceJinjaTemplate()
                        || !cfg.get("chat_template").isTextual()) {
                    cfg.put("chat_template", jinja);
                }
            } catch (RuntimeException e) {
                LOG.warn(
                        "template {} cannot be written as a Jinja chat_template ({}); the tokenizer's own is kept",
                        template.name(),
                        e.getMessage());
            }
            tokenizer.specialTokens().eos().ifPresent(eos -> cfg.put("eos_token", eos.token()));
            tokenizer.specialTokens().pad().ifPresent(pad -> cfg.put("pad_token", pad.token()));
            Path cfgDst = target.resolve("tokenizer_config.json");
            JSON.writeValue(cfgDst.toFile(), cfg);
            written.add(cfgDst);
        } catch (IOException e) {
            throw new CheckpointException("cannot write tokenizer files to " + target + ": " + e.getMessage(), e);
        }
        return written;
    }
}
