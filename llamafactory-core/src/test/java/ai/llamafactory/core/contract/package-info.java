/**
 * Contract tests of the core's service provider interfaces, for any implementation to run: abstract JUnit 5 classes
 * for {@link ai.llamafactory.api.spi.ModelLoader} ({@link ai.llamafactory.core.contract.ModelLoaderContract}),
 * {@link ai.llamafactory.api.spi.TrainerProvider} and its trainers ({@link
 * ai.llamafactory.core.contract.TrainerContract}) and {@link ai.llamafactory.api.spi.ChatModelProvider} and its chat
 * models ({@link ai.llamafactory.core.contract.ChatModelContract}), each run here against the default implementation.
 * Published in the module's test jar (classifier {@code tests}), which holds only this package.
 */
package ai.llamafactory.core.contract;
