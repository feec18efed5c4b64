package ai.llamafactory.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.Stage;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.api.exception.TrainingException;
import ai.llamafactory.api.run.CancellationToken;
import ai.llamafactory.api.run.TrainingListener;
import ai.llamafactory.api.run.TrainingListeners;
import ai.llamafactory.api.run.TrainingResult;
import ai.llamafactory.api.spi.Plugins;
import ai.llamafactory.api.spi.Trainer;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** {@code run()} finds the trainer through ServiceLoader and hands it the checked configuration. */
class TrainerDispatchTest {

    @AfterEach
    void reset() {
        TestTrainerProviders.reset();
    }

    @Test
    void runDispatchesToTheRegisteredProvider() {
        Trainer trainer = mock(Trainer.class);
        TrainingResult result = TrainingResult.builder(Path.of("out"))
                .globalSteps(12)
                .epochs(3.0)
                .finalLoss(1.25)
                .metric("train_loss", 1.5)
                .duration(Duration.ofSeconds(2))
                .build();
        when(trainer.train(any(), any(), any())).thenReturn(result);
        TestTrainerProviders.trainer = trainer;
        TrainingListener listener = new TrainingListener() {};

        FineTune fineTune = FineTune.model("m").dataset("d").outputDir("out").listener(listener);
        TrainingResult returned = fineTune.run();

        assertThat(returned).isSameAs(result);
        ArgumentCaptor<FineTuneConfig> config = ArgumentCaptor.forClass(FineTuneConfig.class);
        ArgumentCaptor<TrainingListeners> listeners = ArgumentCaptor.forClass(TrainingListeners.class);
        ArgumentCaptor<CancellationToken> token = ArgumentCaptor.forClass(CancellationToken.class);
        verify(trainer).train(config.capture(), listeners.capture(), token.capture());
        assertThat(config.getValue()).isEqualTo(fineTune.build());
        assertThat(listeners.getValue().listeners()).containsExactly(listener);
        assertThat(token.getValue().isCancelled()).isFalse();
        assertThat(TestTrainerProviders.CREATED).hasValue(1);
    }

    @Test
    void higherPriorityWinsAmongSupportingProviders() {
        TestTrainerProviders.fallbackSupports = true;
        FineTuneConfig config = FineTune.model("m").dataset("d").build();
        ClassLoader loader = getClass().getClassLoader();

        assertThat(Plugins.trainerProviders(loader))
                .extracting(p -> p.name())
                .containsExactly("test-fallback", "test-main");
        assertThat(Plugins.trainerProvider(config, loader).name()).isEqualTo("test-main");

        TestTrainerProviders.supports = c -> c.stage() != Stage.DPO;
        assertThat(Plugins.trainerProvider(
                                FineTune.model("m").dataset("d").dpo().build(), loader)
                        .name())
                .isEqualTo("test-fallback");
    }

    @Test
    void noSupportingProviderNamesTheStageAndTheProvidersFound() {
        TestTrainerProviders.supports = c -> false;

        assertThatThrownBy(() -> FineTune.model("m").dataset("d").kto().run())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("no trainer supports stage kto with finetuning_type lora; providers found: "
                        + "test-fallback, test-main");
    }

    @Test
    void noProviderOnTheClasspathSaysWhichDependencyToAdd() throws Exception {
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            assertThatThrownBy(() ->
                            FineTune.model("m").dataset("d").classLoader(empty).run())
                    .isInstanceOf(TrainingException.class)
                    .hasMessageStartingWith("no trainer implementation on the classpath for stage sft with "
                            + "finetuning_type lora: no ai.llamafactory.api.spi.TrainerProvider is registered")
                    .hasMessageContaining("ai.llamafactory:llamafactory-core");
        }
    }

    @Test
    void anInvalidConfigurationFailsBeforeAnyTrainerIsMade() {
        Trainer trainer = mock(Trainer.class);
        TestTrainerProviders.trainer = trainer;

        assertThatThrownBy(
                        () -> FineTune.model("m").dataset("d").learningRate(-1).run())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("learning_rate: must be >= 0, got -1.0");
        assertThatThrownBy(
                        () -> FineTune.model("m").dataset("d").learningRate(-1).start())
                .isInstanceOf(InvalidConfigException.class);
        verifyNoInteractions(trainer);
        assertThat(TestTrainerProviders.CREATED).hasValue(0);
    }
}
