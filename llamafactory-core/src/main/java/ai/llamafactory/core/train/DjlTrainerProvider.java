package ai.llamafactory.core.train;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.Stage;
import ai.llamafactory.api.spi.Trainer;
import ai.llamafactory.api.spi.TrainerProvider;

/** Provides {@link CausalLmTrainer} for stages {@code pt} and {@code sft}. */
public final class DjlTrainerProvider implements TrainerProvider {

    @Override
    public String name() {
        return "djl-causal-lm";
    }

    @Override
    public boolean supports(FineTuneConfig config) {
        return config.stage() == Stage.PT || config.stage() == Stage.SFT;
    }

    @Override
    public Trainer create() {
        return new CausalLmTrainer();
    }
}
