/**
 * Service provider interfaces for the modules of LLaMA-Factory's architecture: {@link
 * ai.llamafactory.api.spi.ModelLoader} (model loader), {@link ai.llamafactory.api.spi.DataWorker} (data worker, found
 * with {@link ai.llamafactory.api.spi.DataWorkers}), {@link ai.llamafactory.api.spi.Trainer}
 * made by a {@link ai.llamafactory.api.spi.TrainerProvider} (trainer), and {@link ai.llamafactory.api.chat.ChatModel}s
 * made by a {@link ai.llamafactory.api.spi.ChatModelProvider} (inference, found with {@link
 * ai.llamafactory.api.spi.ChatModelProviders}). Implementations are found with {@link
 * java.util.ServiceLoader}; the defaults live in the core, data, peft and rlhf modules.
 */
package ai.llamafactory.api.spi;
