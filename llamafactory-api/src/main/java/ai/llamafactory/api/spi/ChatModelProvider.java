package ai.llamafactory.api.spi;

import ai.llamafactory.api.chat.ChatModel;
import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.GeneratingArguments;
import java.nio.file.Path;

/**
 * Makes {@link ChatModel}s from a configuration (LLaMA-Factory's inference YAML: {@code model_name_or_path},
 * {@code adapter_name_or_path}, {@code template}, the generation arguments); found with {@link java.util.ServiceLoader}
 * (list the implementation in {@code META-INF/services/ai.llamafactory.api.spi.ChatModelProvider}). The
 * {@code llamafactory chat} and {@code llamafactory api} commands use it; {@link Plugins#chatModelProvider} picks the
 * provider with the highest {@link #priority()} among those that {@link #supports} the configuration.
 *
 * <p>Implementations need a public no-argument constructor and must be cheap to create: load models only in
 * {@link #create} and {@link #load}. Callers close the models they get ({@link ChatModel} is {@link AutoCloseable}).
 * Applications use {@code ai.llamafactory.api.ChatModels}, which finds the provider here.
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
     * @return the model, ready to chat; close it
     * @throws ai.llamafactory.api.exception.LlamaFactoryException when the model cannot be loaded
     */
    ChatModel create(FineTuneConfig config);

    /**
     * @param folder a model folder
     * @return true when {@link #load} can load it; default false (the provider loads configurations only)
     */
    default boolean supportsFolder(Path folder) {
        return false;
    }

    /**
     * Loads a model folder as it is: a training output folder (a LoRA adapter folder is loaded onto the base model
     * its {@code adapter_config.json} names) or a Hugging Face model folder, with the chat template stored in its
     * {@code tokenizer_config.json}.
     *
     * @param folder the folder
     * @param generating the generation arguments every request starts from
     * @return the model, ready to chat; close it
     * @throws ai.llamafactory.api.exception.LlamaFactoryException when the folder cannot be loaded
     * @throws UnsupportedOperationException when {@link #supportsFolder} is false
     */
    default ChatModel load(Path folder, GeneratingArguments generating) {
        throw new UnsupportedOperationException(
                "chat model provider '" + name() + "' loads configurations only, " + "not the folder " + folder);
    }
}
