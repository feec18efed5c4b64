package ai.llamafactory.peft.method;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.nn.Param;
import ai.llamafactory.core.optim.ParamGroup;
import ai.llamafactory.core.train.TuningMethod;
import ai.llamafactory.peft.lora.LoraModel;
import ai.llamafactory.peft.lora.LoraSetup;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code finetuning_type: lora} for the core trainer: LLaMA-Factory's adapter setup, the adapter's tensors as
 * trainable parameters (LoRA+ groups when configured), PEFT adapter files as checkpoints, and LoRA dropout seeded
 * from the trainer's per-micro-batch seed.
 */
public final class LoraTuningMethod implements TuningMethod {
    private final FineTuneConfig config;
    private LoraModel lora;

    /**
     * @param config the run configuration
     */
    public LoraTuningMethod(FineTuneConfig config) {
        this.config = config;
    }

    /** @return the adapted model after {@link #apply}, or null before */
    public LoraModel loraModel() {
        return lora;
    }

    @Override
    public void apply(CausalLm model) {
        LoraSetup.Request request = PeftArguments.loraSetup(config, true);
        lora = LoraSetup.apply(model, request);
    }

    @Override
    public Map<String, Param> trainableParameters(CausalLm model) {
        Map<String, Param> out = new LinkedHashMap<>();
        model.parameters().forEach((k, p) -> {
            if (p.isTrainable()) {
                out.put(k, p);
            }
        });
        return out;
    }

    @Override
    public List<ParamGroup> parameterGroups(CausalLm model, double weightDecay) {
        return requireApplied().paramGroups(config.training().learningRate(), weightDecay);
    }

    @Override
    public List<Path> save(CausalLm model, Path folder) {
        return requireApplied().saveAdapter(LoraModel.DEFAULT_ADAPTER, folder, config.model().modelNameOrPath());
    }

    @Override
    public void load(CausalLm model, Path folder) {
        requireApplied().restoreAdapter(LoraModel.DEFAULT_ADAPTER, folder);
    }

    @Override
    public void reseed(long seed) {
        requireApplied().dropoutSeeds().setStepSeed(seed);
    }

    private LoraModel requireApplied() {
        if (lora == null) {
            throw new IllegalStateException("LoRA method used before apply(model)");
        }
        return lora;
    }
}
