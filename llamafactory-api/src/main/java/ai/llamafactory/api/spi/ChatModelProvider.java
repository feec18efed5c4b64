package ai.llamafactory.api.spi;

import ai.llamafactory.api.chat.ChatModel;
import ai.llamafactory.api.config.FineTuneConfig;

/**
 * Makes {@link ChatModel}s from a configuration (LLaMA-Factory's inference YAML: {@code model_name_or_path},
 * {@code adapter_name_or_path}, {@code template}, the generation arguments); found with {@link java.util.ServiceLoader}
 * (list the implementation in {@code META-INF/services/ai.llamafactory.api.spi.ChatModelProvider}). The
 * {@code llamafactory chat} and {@code llamafactory api} commands use it; {@link ChatModelProviders#select} picks the
 * provider with the highest {@link #priority()} among those that {@link #supports} the configuration.
 *
 * <p>Implementations need a public no-argument constructor and must be cheap to create: load models only in
 * {@link #create}. A model that holds native memory should also implement {@link AutoCloseable}; callers close it
 * when they are done.
 */
public interface ChatModelProvider {
    /** @return a short name for messages and logs, e.g. {@code djl-chat} */
    String name();

    /**
     * @param config a checked configuration
     * @return true when this provider can serve it (model family, adapters, backend)
     */
    default boolean supports(FineTuneConfig config) {
        return true;
    }

    /** @return the preference among providers that support a configuration; higher wins, default 0 */
    default int priority() {
        return 0;
    }

    /**
     * Loads the model, its adapters and its template, with the configuration's generation arguments as the defaults
     * of every request.
     *
     * @param config the configuration
     * @return the model, ready to chat; close it when it implements {@link AutoCloseable}
     * @throws ai.llamafactory.api.exception.LlamaFactoryException when the model cannot be loaded
     */
    ChatModel create(FineTuneConfig config);
}
