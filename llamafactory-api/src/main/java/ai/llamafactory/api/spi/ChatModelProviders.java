package ai.llamafactory.api.spi;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.exception.LlamaFactoryException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Finds {@link ChatModelProvider} implementations on the classpath with {@link ServiceLoader}. */
public final class ChatModelProviders {
    private ChatModelProviders() {
    }

    /**
     * @param classLoader where to look
     * @return every provider registered in {@code META-INF/services/ai.llamafactory.api.spi.ChatModelProvider}
     * @throws LlamaFactoryException when a registered provider cannot be instantiated
     */
    public static List<ChatModelProvider> discover(ClassLoader classLoader) {
        List<ChatModelProvider> providers = new ArrayList<>();
        try {
            for (ChatModelProvider p : ServiceLoader.load(ChatModelProvider.class, classLoader)) {
                providers.add(p);
            }
        } catch (ServiceConfigurationError e) {
            throw new LlamaFactoryException("cannot load a " + ChatModelProvider.class.getName()
                    + " implementation listed in META-INF/services: " + e.getMessage(), e);
        }
        return providers;
    }

    /**
     * Picks the provider for a configuration: the one with the highest priority among those that support it (ties
     * go to the first found).
     *
     * @param config the configuration to serve
     * @param classLoader where to look
     * @return the provider
     * @throws LlamaFactoryException when no provider is on the classpath, or none supports the configuration
     */
    public static ChatModelProvider select(FineTuneConfig config, ClassLoader classLoader) {
        List<ChatModelProvider> all = discover(classLoader);
        if (all.isEmpty()) {
            throw new LlamaFactoryException("no chat model implementation on the classpath for model '"
                    + config.model().modelNameOrPath() + "': no " + ChatModelProvider.class.getName()
                    + " is registered with java.util.ServiceLoader. Add the ai.llamafactory:llamafactory-core"
                    + " dependency, which provides generation and the DJL chat model.");
        }
        return all.stream()
                .filter(p -> p.supports(config))
                .max(Comparator.comparingInt(ChatModelProvider::priority))
                .orElseThrow(() -> new LlamaFactoryException("no chat model implementation supports model '"
                        + config.model().modelNameOrPath() + "'; providers found: "
                        + all.stream().map(ChatModelProvider::name).collect(Collectors.joining(", "))));
    }
}
