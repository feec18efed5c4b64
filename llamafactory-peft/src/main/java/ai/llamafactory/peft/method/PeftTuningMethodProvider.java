package ai.llamafactory.peft.method;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.FinetuningType;
import ai.llamafactory.core.tuning.TuningMethod;
import ai.llamafactory.core.tuning.TuningMethodProvider;
import java.util.Set;

/** Provides LoRA, freeze and full tuning to the core trainer (registered with {@link java.util.ServiceLoader}). */
public final class PeftTuningMethodProvider implements TuningMethodProvider {

    /** Creates the provider (ServiceLoader needs a public no-argument constructor). */
    public PeftTuningMethodProvider() {}

    @Override
    public Set<FinetuningType> types() {
        return Set.of(FinetuningType.LORA, FinetuningType.FREEZE, FinetuningType.FULL);
    }

    @Override
    public TuningMethod create(FineTuneConfig config) {
        return switch (config.finetuning().finetuningType()) {
            case LORA -> new LoraTuningMethod(config);
            case FREEZE -> new WeightTuningMethod(PeftArguments.freeze(config.finetuning()));
            case FULL -> new WeightTuningMethod(null);
            default -> throw new ai.llamafactory.api.exception.InvalidConfigException("finetuning_type: '"
                    + config.finetuning().finetuningType().key() + "' is not implemented by llamafactory-peft");
        };
    }
}
