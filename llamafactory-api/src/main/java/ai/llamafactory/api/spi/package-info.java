/**
 * Service provider interfaces for the three modules of LLaMA-Factory's architecture: {@link
 * ai.llamafactory.api.spi.ModelLoader}, the data worker and the trainer. Implementations are found with {@link
 * java.util.ServiceLoader}; the defaults live in the core, data and peft modules.
 */
package ai.llamafactory.api.spi;
