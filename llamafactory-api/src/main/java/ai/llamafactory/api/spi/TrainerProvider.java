package ai.llamafactory.api.spi;

import ai.llamafactory.api.config.FineTuneConfig;

/**
 * Makes {@link Trainer}s; found with {@link java.util.ServiceLoader} (list the implementation in
 * {@code META-INF/services/ai.llamafactory.api.spi.TrainerProvider}). Several providers may be on the classpath, e.g.
 * one for stages {@code pt}/{@code sft} and one for the RLHF stages; {@link Plugins#trainerProvider} picks the
 * provider with the highest {@link #priority()} among those that {@link #supports} the configuration.
 *
 * <p>Implementations need a public no-argument constructor and must be cheap to create: do not load models or
 * native libraries before {@link #create()} or {@link Trainer#train}.
 */
public interface TrainerProvider {
    /** @return a short name for messages and logs, e.g. {@code djl-sft} */
    String name();

    /**
     * @param config a checked configuration
     * @return true when this provider can run it (stage, fine-tuning type, options)
     */
    boolean supports(FineTuneConfig config);

    /** @return the preference among providers that support a configuration; higher wins, default 0 */
    default int priority() {
        return 0;
    }

    /** @return a new trainer */
    Trainer create();
}
