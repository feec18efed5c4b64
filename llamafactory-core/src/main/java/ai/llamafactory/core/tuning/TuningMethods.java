package ai.llamafactory.core.tuning;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.FinetuningType;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.api.spi.Plugins;

/** Finds the {@link TuningMethodProvider} for a configuration's {@code finetuning_type}. */
public final class TuningMethods {
    private TuningMethods() {}

    /**
     * @param config the run's configuration
     * @return the method
     * @throws InvalidConfigException when no provider on the classpath handles the type
     */
    public static TuningMethod create(FineTuneConfig config) {
        FinetuningType type = config.finetuning().finetuningType();
        for (TuningMethodProvider p : Plugins.all(TuningMethodProvider.class, TuningMethods.class.getClassLoader())) {
            if (p.types().contains(type)) {
                return p.create(config);
            }
        }
        throw new InvalidConfigException("finetuning_type: no implementation of '" + type.key()
                + "' is on the classpath; add the llamafactory-peft module");
    }
}
