package ai.llamafactory.api;

import ai.llamafactory.api.chat.ChatModel;
import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.GeneratingArguments;
import ai.llamafactory.api.spi.ChatModelProvider;
import ai.llamafactory.api.spi.Plugins;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Opens a {@link ChatModel} without naming an engine: the {@link ChatModelProvider} registered on the class path (the
 * DJL one of llamafactory-core by default) loads the model, its adapters and its template. The chat side of
 * {@link FineTune}: what a training wrote, this reads.
 *
 * <pre>{@code
 * try (ChatModel chat = ChatModels.load(Path.of("saves/qwen3-sft"))) {   // a training output folder
 *     ChatResponse r = chat.chat(ChatRequest.builder().addMessage(ChatMessage.user("Who are you?")).build());
 *     System.out.println(r.text());
 * }
 * // or what an inference YAML names (model_name_or_path, adapter_name_or_path, template, generation keys):
 * try (ChatModel chat = ChatModels.create(FineTuneConfig.fromYaml(Path.of("qwen3_lora_sft.yaml")))) { ... }
 * }</pre>
 *
 * <p>Providers are looked up with the thread's context class loader (else this class's), as {@link FineTune} looks
 * up trainers; pass a class loader to choose another.
 */
public final class ChatModels {
    private ChatModels() {}

    /**
     * Loads a model folder as it is: a training output folder (LoRA output folders are loaded onto the base model
     * their {@code adapter_config.json} names) or a Hugging Face model folder, with the chat template training stored
     * in its {@code tokenizer_config.json}.
     *
     * @param folder the folder
     * @return the model, ready to chat; close it
     * @throws ai.llamafactory.api.exception.LlamaFactoryException when no provider is on the class path, none loads
     *     folders, or the folder cannot be loaded
     */
    public static ChatModel load(Path folder) {
        return load(folder, GeneratingArguments.defaults());
    }

    /**
     * As {@link #load(Path)}, with other generation defaults.
     *
     * @param folder the folder
     * @param generating the generation arguments every request starts from, e.g. greedy decoding with
     *     {@code GeneratingArguments.builder().doSample(false).build()}
     * @return the model, ready to chat; close it
     */
    public static ChatModel load(Path folder, GeneratingArguments generating) {
        return load(folder, generating, defaultLoader());
    }

    /**
     * @param folder the folder
     * @param generating the generation arguments every request starts from
     * @param classLoader where to look for providers
     * @return the model, ready to chat; close it
     * @see #load(Path)
     */
    public static ChatModel load(Path folder, GeneratingArguments generating, ClassLoader classLoader) {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(generating, "generating");
        return Plugins.chatModelProvider(folder, classLoader).load(folder, generating);
    }

    /**
     * Loads what a configuration names ({@code model_name_or_path}, {@code adapter_name_or_path}, {@code template},
     * the generation arguments as the defaults of every request).
     *
     * @param config the configuration, e.g. {@link FineTuneConfig#fromYaml} of an inference YAML
     * @return the model, ready to chat; close it
     * @throws ai.llamafactory.api.exception.LlamaFactoryException when no provider supports the configuration, or
     *     the model cannot be loaded
     */
    public static ChatModel create(FineTuneConfig config) {
        return create(config, defaultLoader());
    }

    /**
     * @param config the configuration
     * @param classLoader where to look for providers
     * @return the model, ready to chat; close it
     * @see #create(FineTuneConfig)
     */
    public static ChatModel create(FineTuneConfig config, ClassLoader classLoader) {
        Objects.requireNonNull(config, "config");
        return Plugins.chatModelProvider(config, classLoader).create(config);
    }

    private static ClassLoader defaultLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : ChatModels.class.getClassLoader();
    }
}
