package ai.llamafactory.api.spi;

import ai.llamafactory.api.config.ModelArguments;

/**
 * The Model Loader module of LLaMA-Factory's architecture: turns a Hugging Face checkpoint (a local folder or a hub
 * id) into a model in memory. The default implementation ({@code ai.llamafactory.core.loader.DjlModelLoader}) runs on
 * DJL's PyTorch engine and is the loader the default trainer uses; find a loader with {@link Plugins#modelLoader}
 * (list an implementation in {@code META-INF/services/ai.llamafactory.api.spi.ModelLoader}).
 *
 * <p>Implementations need a public no-argument constructor and must be cheap to create: load nothing before
 * {@link #load}.
 */
public interface ModelLoader {

    /** @return a short name for messages and logs, e.g. {@code djl} */
    default String name() {
        return getClass().getSimpleName();
    }

    /**
     * @param arguments the model to load
     * @return true when this loader can load it (model family, format, device); default true
     */
    default boolean supports(ModelArguments arguments) {
        return true;
    }

    /** @return the preference among loaders that support a model; higher wins, default 0 */
    default int priority() {
        return 0;
    }

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
