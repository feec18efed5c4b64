package ai.llamafactory.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.config.ModelArguments;
import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.api.spi.LoadedModel;
import ai.llamafactory.api.spi.ModelLoader;
import ai.llamafactory.api.spi.Plugins;
import ai.llamafactory.testing.TinyRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of {@link ModelLoader}, for any implementation: extend this class, return the implementation from
 * {@link #loader()} (override {@link #model} for other fixtures), and JUnit 5 runs every check against it.
 * {@code DjlModelLoaderContractTest} runs it against the default loader.
 *
 * <p>Checks: a stable short name, registration with {@link java.util.ServiceLoader} (found by {@link Plugins}),
 * support for the fixture, a loaded model that reports its {@code model_type}, folder, device and parameter counts,
 * a missing folder refused as a {@link CheckpointException} and an unknown {@code model_type} as an
 * {@link InvalidConfigException}.
 */
public abstract class ModelLoaderContract {
    /** A folder for the fixtures of one check. */
    @TempDir
    protected Path tmp;

    /** @return the implementation under test */
    protected abstract ModelLoader loader();

    /**
     * @param folder where to write the fixture
     * @return a Hugging Face model folder the loader loads; by default the tiny qwen3 conformance model
     */
    protected Path model(Path folder) {
        return TinyRun.model("qwen3", folder);
    }

    /** @return the {@code model_type} of {@link #model}'s {@code config.json} */
    protected String modelType() {
        return "qwen3";
    }

    private static ModelArguments arguments(Path folder) {
        return ModelArguments.builder(folder.toString()).device("cpu").build();
    }

    @Test
    void hasAStableShortName() {
        ModelLoader loader = loader();
        assertThat(loader.name()).isNotBlank().isEqualTo(loader.name());
    }

    @Test
    void isRegisteredWithServiceLoader() {
        Class<?> type = loader().getClass();
        assertThat(Plugins.modelLoaders(type.getClassLoader()))
                .as("META-INF/services/" + ModelLoader.class.getName())
                .anySatisfy(l -> assertThat(l).isInstanceOf(type));
    }

    @Test
    void loadsAModelAndDescribesIt() {
        Path folder = model(tmp.resolve("model"));
        ModelArguments arguments = arguments(folder);
        ModelLoader loader = loader();
        assertThat(loader.supports(arguments)).isTrue();
        try (LoadedModel loaded = loader.load(arguments)) {
            assertThat(loaded.modelType()).isEqualTo(modelType());
            assertThat(loaded.localPath()).isDirectory();
            assertThat(loaded.localPath().toAbsolutePath().normalize())
                    .isEqualTo(folder.toAbsolutePath().normalize());
            assertThat(loaded.parameterCount()).isPositive();
            assertThat(loaded.trainableParameterCount()).isBetween(0L, loaded.parameterCount());
            assertThat(loaded.device()).isNotBlank();
        }
    }

    @Test
    void refusesAMissingFolderAsACheckpointProblem() {
        assertThatThrownBy(() -> loader().load(arguments(tmp.resolve("no/such/model"))))
                .isInstanceOf(CheckpointException.class);
    }

    @Test
    void refusesAnUnknownModelTypeAsAConfigurationProblem() throws Exception {
        Path folder = model(tmp.resolve("model"));
        Path config = folder.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"" + modelType() + "\"", "\"no_such_arch\""));
        assertThatThrownBy(() -> loader().load(arguments(folder)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("no_such_arch");
    }
}
