package ai.llamafactory.core.loader;

import ai.djl.ndarray.NDManager;
import ai.llamafactory.api.config.ModelArguments;
import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.api.spi.ModelLoader;
import ai.llamafactory.core.checkpoint.SafetensorsCheckpoint;
import ai.llamafactory.core.config.ModelConfig;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.model.Architecture;
import ai.llamafactory.core.model.Architectures;
import ai.llamafactory.core.model.CausalLm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link ModelLoader}: reads a Hugging Face model folder ({@code config.json} plus
 * {@code model.safetensors} or a sharded {@code model.safetensors.index.json}) into a {@link CausalLm} on DJL's
 * PyTorch engine, on the device and in the dtypes of the {@link ComputePolicy}.
 */
public final class DjlModelLoader implements ModelLoader {
    private static final Logger LOG = LoggerFactory.getLogger(DjlModelLoader.class);

    /** Creates the loader; cheap, loads nothing. */
    public DjlModelLoader() {}

    @Override
    public String name() {
        return "djl";
    }

    @Override
    public DjlLoadedModel load(ModelArguments arguments) {
        Path folder = ModelFolders.resolve(arguments);
        ComputePolicy policy = ComputePolicy.resolve(arguments.device(), arguments.precision());
        return new DjlLoadedModel(load(folder, policy), folder);
    }

    /**
     * Loads a local model folder.
     *
     * @param folder a Hugging Face model folder
     * @param policy device and dtypes
     * @return the model; the caller closes it
     * @throws CheckpointException if files are missing, malformed or do not fit config.json
     * @throws ai.llamafactory.api.exception.InvalidConfigException if the model type is not supported
     */
    public static CausalLm load(Path folder, ComputePolicy policy) {
        DjlEngine.get();
        if (!Files.isDirectory(folder)) {
            throw new CheckpointException("model folder " + folder + " does not exist");
        }
        Path configFile = folder.resolve("config.json");
        Architecture arch = Architectures.forModelType(ModelConfig.readModelType(configFile));
        ModelConfig config = ModelConfig.read(configFile, arch.configDefaults());
        if (!Files.exists(folder.resolve("model.safetensors"))
                && !Files.exists(folder.resolve("model.safetensors.index.json"))) {
            String hint = Files.exists(folder.resolve("pytorch_model.bin"))
                            || Files.exists(folder.resolve("pytorch_model.bin.index.json"))
                    ? " (only PyTorch pytorch_model.bin weights were found: save the model with safe_serialization=True)"
                    : "";
            throw new CheckpointException("model folder " + folder
                    + ": neither model.safetensors nor model.safetensors.index.json found" + hint);
        }
        NDManager manager =
                NDManager.newBaseManager(policy.device(), DjlEngine.get().getEngineName());
        try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(folder, "model")) {
            CheckpointWeights weights = new CheckpointWeights(checkpoint);
            CausalLm model = arch.build(config, weights, policy, manager);
            List<String> unused = weights.unused().stream()
                    .filter(n -> !(config.tieWordEmbeddings() && n.equals("lm_head.weight")))
                    .filter(n -> !n.endsWith("rotary_emb.inv_freq"))
                    .toList();
            if (!unused.isEmpty()) {
                LOG.warn(
                        "{}: {} checkpoint tensors are not used by {}: {}",
                        folder,
                        unused.size(),
                        config.modelType(),
                        unused.subList(0, Math.min(5, unused.size())));
            }
            LOG.info(
                    "loaded {} from {}: {} parameters on {} ({})",
                    config,
                    folder,
                    model.parameterCount(),
                    policy.device(),
                    policy.computeType());
            return model;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }
}
