package ai.llamafactory.api.spi;

import ai.llamafactory.api.config.ModelArguments;

/**
 * The Model Loader module of LLaMA-Factory's architecture: turns a Hugging Face checkpoint (a local folder or a hub
 * id) into a model in memory. The default implementation runs on DJL's PyTorch engine; another implementation can be
 * registered through {@link java.util.ServiceLoader}.
 */
public interface ModelLoader {

    /**
     * Loads a model.
     *
     * @param arguments where the model comes from and where it runs
     * @return the loaded model; the caller closes it
     * @throws ai.llamafactory.api.exception.CheckpointException if files are missing, malformed or do not fit the
     *     configuration
     * @throws ai.llamafactory.api.exception.InvalidConfigException if the model type is not supported
     */
    LoadedModel load(ModelArguments arguments);
}
