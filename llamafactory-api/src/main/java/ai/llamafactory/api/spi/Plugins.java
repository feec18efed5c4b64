package ai.llamafactory.api.spi;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.ModelArguments;
import ai.llamafactory.api.exception.DatasetException;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.api.exception.LlamaFactoryException;
import ai.llamafactory.api.exception.TrainingException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/**
 * The one place that finds implementations of the service provider interfaces with {@link ServiceLoader}: every
 * {@link ModelLoader}, {@link DataWorker}, {@link TrainerProvider} and {@link ChatModelProvider} is looked up here,
 * and so are the engine modules' own plug-ins ({@link #all}).
 *
 * <p>Selection rule, the same for every interface: among the implementations registered in
 * {@code META-INF/services/<interface name>} that support the request, the one with the highest {@code priority()}
 * wins; ties go to the first found (class-path order). A registered class that cannot be instantiated is an error
 * naming the interface, never silently skipped.
 *
 * <pre>{@code
 * DataWorker worker = Plugins.dataWorker();
 * Trainer trainer = Plugins.trainerProvider(config, loader).create();
 * }</pre>
 */
public final class Plugins {
    private Plugins() {}

    /**
     * Every registered implementation of a service, in class-path order.
     *
     * @param service the interface
     * @param classLoader where to look
     * @param <T> the interface type
     * @return the implementations, one new instance each
     * @throws LlamaFactoryException when a registered implementation cannot be instantiated
     */
    public static <T> List<T> all(Class<T> service, ClassLoader classLoader) {
        return all(service, classLoader, LlamaFactoryException::new);
    }

    /**
     * @param classLoader where to look
     * @return every {@link TrainerProvider} registered
     * @throws TrainingException when a registered provider cannot be instantiated
     */
    public static List<TrainerProvider> trainerProviders(ClassLoader classLoader) {
        return all(TrainerProvider.class, classLoader, TrainingException::new);
    }

    /**
     * Picks the trainer provider for a configuration.
     *
     * @param config the configuration to run
     * @param classLoader where to look
     * @return the provider
     * @throws TrainingException when no provider is on the class path (a missing module: a runtime failure)
     * @throws InvalidConfigException when providers are there but none supports the configuration's stage and
     *     finetuning_type (the configuration asks for something this installation cannot train)
     */
    public static TrainerProvider trainerProvider(FineTuneConfig config, ClassLoader classLoader) {
        List<TrainerProvider> all = trainerProviders(classLoader);
        String wanted = "stage " + config.finetuning().stage().key() + " with finetuning_type "
                + config.finetuning().finetuningType().key();
        if (all.isEmpty()) {
            throw new TrainingException("no trainer implementation on the classpath for " + wanted + ": no "
                    + TrainerProvider.class.getName() + " is registered with java.util.ServiceLoader. Add the "
                    + "ai.llamafactory:llamafactory-core dependency (stages pt, sft) or llamafactory-rlhf "
                    + "(rm, dpo, kto, ppo).");
        }
        return best(all, p -> p.supports(config), TrainerProvider::priority)
                .orElseThrow(() -> new InvalidConfigException(
                        "no trainer supports " + wanted + "; providers found: " + names(all, TrainerProvider::name)));
    }

    /**
     * @param classLoader where to look
     * @return every {@link ChatModelProvider} registered
     * @throws LlamaFactoryException when a registered provider cannot be instantiated
     */
    public static List<ChatModelProvider> chatModelProviders(ClassLoader classLoader) {
        return all(ChatModelProvider.class, classLoader);
    }

    /**
     * Picks the chat model provider for a configuration.
     *
     * @param config the configuration to serve
     * @param classLoader where to look
     * @return the provider
     * @throws LlamaFactoryException when no provider is on the class path, or none supports the configuration
     */
    public static ChatModelProvider chatModelProvider(FineTuneConfig config, ClassLoader classLoader) {
        List<ChatModelProvider> all = chatModelProviders(classLoader);
        String model = config.model().modelNameOrPath();
        return best(requireChatProvider(all, model), p -> p.supports(config), ChatModelProvider::priority)
                .orElseThrow(() -> new LlamaFactoryException("no chat model implementation supports model '" + model
                        + "'; providers found: " + names(all, ChatModelProvider::name)));
    }

    /**
     * Picks the chat model provider for a model folder (a training output folder or a Hugging Face model folder).
     *
     * @param folder the folder
     * @param classLoader where to look
     * @return the provider
     * @throws LlamaFactoryException when no provider is on the class path, or none loads folders
     */
    public static ChatModelProvider chatModelProvider(Path folder, ClassLoader classLoader) {
        List<ChatModelProvider> all = chatModelProviders(classLoader);
        return best(
                        requireChatProvider(all, folder.toString()),
                        p -> p.supportsFolder(folder),
                        ChatModelProvider::priority)
                .orElseThrow(() -> new LlamaFactoryException("no chat model implementation loads the folder " + folder
                        + "; providers found: " + names(all, ChatModelProvider::name)));
    }

    private static List<ChatModelProvider> requireChatProvider(List<ChatModelProvider> all, String model) {
        if (all.isEmpty()) {
            throw new LlamaFactoryException("no chat model implementation on the classpath for model '" + model
                    + "': no " + ChatModelProvider.class.getName() + " is registered with java.util.ServiceLoader."
                    + " Add the ai.llamafactory:llamafactory-core dependency, which provides generation and the DJL"
                    + " chat model.");
        }
        return all;
    }

    /**
     * @param classLoader where to look
     * @return every {@link DataWorker} registered
     * @throws DatasetException when a registered worker cannot be instantiated
     */
    public static List<DataWorker> dataWorkers(ClassLoader classLoader) {
        return all(DataWorker.class, classLoader, DatasetException::new);
    }

    /**
     * @param classLoader where to look
     * @return the registered data worker with the highest priority
     * @throws DatasetException when none is registered
     */
    public static DataWorker dataWorker(ClassLoader classLoader) {
        return best(dataWorkers(classLoader), w -> true, DataWorker::priority)
                .orElseThrow(() -> new DatasetException("no data worker on the classpath: no "
                        + DataWorker.class.getName() + " is registered with java.util.ServiceLoader. Add the "
                        + "ai.llamafactory:llamafactory-data dependency."));
    }

    /**
     * @return the registered data worker with the highest priority, looked up with this class's class loader
     * @throws DatasetException when none is registered
     */
    public static DataWorker dataWorker() {
        return dataWorker(Plugins.class.getClassLoader());
    }

    /**
     * @param classLoader where to look
     * @return every {@link ModelLoader} registered
     * @throws LlamaFactoryException when a registered loader cannot be instantiated
     */
    public static List<ModelLoader> modelLoaders(ClassLoader classLoader) {
        return all(ModelLoader.class, classLoader);
    }

    /**
     * Picks the model loader for a model.
     *
     * @param arguments the model to load
     * @param classLoader where to look
     * @return the loader
     * @throws LlamaFactoryException when no loader is on the class path, or none supports the model
     */
    public static ModelLoader modelLoader(ModelArguments arguments, ClassLoader classLoader) {
        List<ModelLoader> all = modelLoaders(classLoader);
        if (all.isEmpty()) {
            throw new LlamaFactoryException("no model loader on the classpath for model '"
                    + arguments.modelNameOrPath() + "': no " + ModelLoader.class.getName() + " is registered with"
                    + " java.util.ServiceLoader. Add the ai.llamafactory:llamafactory-core dependency.");
        }
        return best(all, l -> l.supports(arguments), ModelLoader::priority)
                .orElseThrow(() -> new LlamaFactoryException("no model loader supports model '"
                        + arguments.modelNameOrPath() + "'; loaders found: " + names(all, ModelLoader::name)));
    }

    /**
     * @param arguments the model to load
     * @return the loader, looked up with this class's class loader
     * @throws LlamaFactoryException when no loader is on the class path, or none supports the model
     */
    public static ModelLoader modelLoader(ModelArguments arguments) {
        return modelLoader(arguments, Plugins.class.getClassLoader());
    }

    private static <T> List<T> all(
            Class<T> service,
            ClassLoader classLoader,
            BiFunction<String, Throwable, ? extends LlamaFactoryException> failure) {
        List<T> found = new ArrayList<>();
        try {
            for (T t : ServiceLoader.load(service, classLoader)) {
                found.add(t);
            }
        } catch (ServiceConfigurationError e) {
            throw failure.apply(
                    "cannot load a " + service.getName() + " implementation listed in " + "META-INF/services: "
                            + e.getMessage(),
                    e);
        }
        return found;
    }

    private static <T> Optional<T> best(List<T> candidates, Predicate<T> supports, ToIntFunction<T> priority) {
        // the highest priority among the supporting candidates; a tie keeps the first found
        T chosen = null;
        for (T c : candidates) {
            if (supports.test(c) && (chosen == null || priority.applyAsInt(c) > priority.applyAsInt(chosen))) {
                chosen = c;
            }
        }
        return Optional.ofNullable(chosen);
    }

    private static <T> String names(List<T> all, Function<T, String> name) {
        return all.stream().map(name).collect(Collectors.joining(", "));
    }
}
