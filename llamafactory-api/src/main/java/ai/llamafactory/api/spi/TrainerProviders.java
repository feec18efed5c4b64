package ai.llamafactory.api.spi;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.api.exception.TrainingException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Finds {@link TrainerProvider} implementations on the classpath with {@link ServiceLoader}. */
public final class TrainerProviders {
    private TrainerProviders() {
    }

    /**
     * @param classLoader where to look
     * @return every provider registered in {@code META-INF/services/ai.llamafactory.api.spi.TrainerProvider}
     * @throws TrainingException when a registered provider cannot be instantiated
     */
    public static List<TrainerProvider> discover(ClassLoader classLoader) {
        List<TrainerProvider> providers = new ArrayList<>();
        try {
            for (TrainerProvider p : ServiceLoader.load(TrainerProvider.class, classLoader)) {
                providers.add(p);
            }
        } catch (ServiceConfigurationError e) {
            throw new TrainingException("cannot load a " + TrainerProvider.class.getName()
                    + " implementation listed in META-INF/services: " + e.getMessage(), e);
        }
        return providers;
    }

    /**
     * Picks the provider for a configuration: the one with the highest priority among those that support it (ties
     * go to the first found).
     *
     * @param config the configuration to run
     * @param classLoader where to look
     * @return the provider
     * @throws TrainingException when no provider is on the classpath (a missing module: a runtime failure)
     * @throws InvalidConfigException when providers are there but none supports the configuration's stage and
     *     finetuning_type (the configuration asks for something this installation cannot train)
     */
    public static TrainerProvider select(FineTuneConfig config, ClassLoader classLoader) {
        List<TrainerProvider> all = discover(classLoader);
        String wanted = "stage " + config.finetuning().stage().key() + " with finetuning_type "
                + config.finetuning().finetuningType().key();
        if (all.isEmpty()) {
            throw new TrainingException("no trainer implementation on the classpath for " + wanted + ": no "
                    + TrainerProvider.class.getName() + " is registered with java.util.ServiceLoader. Add the "
                    + "ai.llamafactory:llamafactory-core dependency (stages pt, sft) or llamafactory-rlhf "
                    + "(rm, dpo, kto, ppo).");
        }
        return all.stream()
                .filter(p -> p.supports(config))
                .max(Comparator.comparingInt(TrainerProvider::priority))
                .orElseThrow(() -> new InvalidConfigException("no trainer supports " + wanted + "; providers found: "
                        + all.stream().map(TrainerProvider::name).collect(Collectors.joining(", "))));
    }
}
