/**
 * Service provider interfaces for the modules of LLaMA-Factory's architecture: {@link
 * ai.llamafactory.api.spi.ModelLoader} (model loader), {@link ai.llamafactory.api.spi.DataWorker} (data worker),
 * {@link ai.llamafactory.api.spi.Trainer} made by a {@link ai.llamafactory.api.spi.TrainerProvider} (trainer), and
 * {@link ai.llamafactory.api.chat.ChatModel}s made by a {@link ai.llamafactory.api.spi.ChatModelProvider} (inference).
 * Implementations are found with {@link java.util.ServiceLoader} through one helper, {@link
 * ai.llamafactory.api.spi.Plugins}, which applies the same rule to every interface (the highest priority among the
 * implementations that support the request); the defaults live in the core and data modules. Each default
 * implementation passes a contract test that another implementation can run too (see the README, "Plug-ins").
 */
package ai.llamafactory.api.spi;
