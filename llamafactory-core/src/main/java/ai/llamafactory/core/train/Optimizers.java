package ai.llamafactory.core.train;

import ai.llamafactory.api.config.TrainingArguments;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.core.optim.Adafactor;
import ai.llamafactory.core.optim.AdafactorConfig;
import ai.llamafactory.core.optim.AdamW;
import ai.llamafactory.core.optim.AdamWConfig;
import ai.llamafactory.core.optim.Optimizer;
import ai.llamafactory.core.optim.ParamGroup;
import ai.llamafactory.core.optim.Sgd;
import ai.llamafactory.core.optim.SgdConfig;
import java.util.List;

/** Creates the optimizer a configuration's {@code optim} key names. */
public final class Optimizers {
    private Optimizers() {}

    /**
     * @param args training arguments (optim, betas, epsilon)
     * @param groups parameter groups
     * @return the optimizer; the caller closes it
     * @throws InvalidConfigException for an optimizer this library does not implement
     */
    public static Optimizer create(TrainingArguments args, List<ParamGroup> groups) {
        return switch (Optimizer.algorithm(args.optimizer())) {
            case ADAMW_TORCH -> new AdamW(
                    groups,
                    AdamWConfig.builder()
                            .beta1(args.adamBeta1())
                            .beta2(args.adamBeta2())
                            .epsilon(args.adamEpsilon())
                            .build());
            case SGD -> new Sgd(groups, SgdConfig.defaults());
            case ADAFACTOR -> new Adafactor(groups, AdafactorConfig.trainerDefaults());
            default -> throw new IllegalStateException(
                    "no implementation of " + args.optimizer().key());
        };
    }
}
