package ai.llamafactory.core.tuning;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.FinetuningType;
import java.util.Set;

/** Makes {@link TuningMethod}s for fine-tuning types; registered with {@link java.util.ServiceLoader}. */
public interface TuningMethodProvider {

    /** @return the fine-tuning types this provider handles */
    Set<FinetuningType> types();

    /**
     * @param config the run's configuration (method arguments, model arguments for adapter paths)
     * @return the method, ready to apply
     */
    TuningMethod create(FineTuneConfig config);
}
