package ai.llamafactory.core.loader;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.core.checkpoint.SafetensorsDtype;
import ai.llamafactory.core.checkpoint.SafetensorsWriter;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.nn.Param;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a model as a Hugging Face folder that transformers and this library load: {@code config.json},
 * {@code generation_config.json} and safetensors weights (sharded with an index above a size limit), under the
 * parameters' Hugging Face names. Tied output projections are written once, as transformers does.
 */
public final class ModelWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelWriter() {}

    /**
     * Saves a model.
     *
     * @param model the model (its parameters are read, not changed)
     * @param folder the output folder (created if needed)
     * @param stored dtype of the written weights: F32, F16 or BF16
     * @param maxShardBytes largest shard size in bytes
     * @return the weight files written
     * @throws CheckpointException if writing fails
     */
    public static List<Path> save(CausalLm model, Path folder, SafetensorsDtype stored, long maxShardBytes) {
        return save(model.parameters(), model, folder, stored, maxShardBytes);
    }

    /**
     * Saves given weights (for example merged ones) with a model's configuration.
     *
     * @param weights HF name to parameter, in the order to write
     * @param model the model whose configuration is written
     * @param folder the output folder
     * @param stored dtype of the written weights
     * @param maxShardBytes largest shard size in bytes
     * @return the weight files written
     */
    public static List<Path> save(
            Map<String, Param> weights, CausalLm model, Path folder, SafetensorsDtype stored, long maxShardBytes) {
        if (!stored.isFloatingPoint()) {
            throw new IllegalArgumentException("weights must be stored as F32, F16 or BF16, not " + stored);
        }
        try {
            Files.createDirectories(folder);
            ObjectNode config = model.config().json();
            String dtypeName =
                    switch (stored) {
                        case F16 -> "float16";
                        case BF16 -> "bfloat16";
                        default -> "float32";
                    };
            config.put("dtype", dtypeName);
            if (config.has("torch_dtype")) {
                config.put("torch_dtype", dtypeName);
            }
            config.put("tie_word_embeddings", model.isTied());
            JSON.writeValue(folder.resolve("config.json").toFile(), config);
            ObjectNode generation = JSON.createObjectNode();
            model.config().bosTokenId().ifPresent(id -> generation.put("bos_token_id", id));
            List<Integer> eos = model.config().eosTokenIds();
            if (eos.size() == 1) {
                generation.put("eos_token_id", eos.get(0));
            } else if (!eos.isEmpty()) {
                ArrayNode a = generation.putArray("eos_token_id");
                eos.forEach(a::add);
            }
            model.config().padTokenId().ifPresent(id -> generation.put("pad_token_id", id));
            JSON.writeValue(folder.resolve("generation_config.json").toFile(), generation);
        } catch (IOException e) {
            throw new CheckpointException("cannot write model folder " + folder + ": " + e.getMessage(), e);
        }
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
        for (Map.Entry<String, Param> e : weights.entrySet()) {
            writer.add(e.getKey(), e.getValue().array(), stored);
        }
        return writer.writeSharded(folder, "model", maxShardBytes);
    }
}
