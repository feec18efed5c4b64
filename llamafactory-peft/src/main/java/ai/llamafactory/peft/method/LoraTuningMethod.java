package ai.llamafactory.peft.method;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.nn.Param;
import ai.llamafactory.core.optim.ParamGroup;
import ai.llamafactory.core.tuning.TuningMethod;
import ai.llamafactory.peft.lora.LoraModel;
import ai.llamafactory.peft.lora.LoraSetup;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code finetuning_type: lora} for the core trainer: LLaMA-Factory's adapter setup, the adapter's tensors as
 * trainable parameters (LoRA+ groups when configured), PEFT adapter files as checkpoints, and LoRA dropout seeded
 * from the trainer's per-micro-batch seed. With {@code pissa_convert}, the initial adapter is saved to
 * {@code output_dir/pissa_init} and the final one also converted to {@code output_dir/pissa_converted}.
 */
public final class LoraTuningMethod implements TuningMethod {
    /** Folder name (under output_dir) of the adapter as PiSSA initialised it. */
    public static final String PISSA_INIT = "pissa_init";
    /** Folder name (under output_dir) of the trained PiSSA adapter converted to a plain LoRA adapter. */
    public static final String PISSA_CONVERTED = "pissa_converted";

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
        if (pissaConvert()) {
            lora.saveAdapter(
                    LoraModel.DEFAULT_ADAPTER,
                    pissaDir(PISSA_INIT),
                    config.model().modelNameOrPath());
        }
    }

    private boolean pissaConvert() {
        return config.finetuning().pissaInit()
                && config.finetuning().pissaConvert()
                && lora.adapters().containsKey(LoraModel.DEFAULT_ADAPTER)
                && lora.adapter(LoraModel.DEFAULT_ADAPTER).config().init() == ai.llamafactory.peft.lora.LoraInit.PISSA;
    }

    private Path pissaDir(String name) {
        return config.training().outputDir().resolve(name);
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

    /**
     * Writes the adapter; the final save into {@code output_dir} of a run with {@code pissa_convert} also writes
     * {@code pissa_converted} (LLaMA-Factory's {@code PissaConvertCallback}), a plain LoRA adapter for the original
     * base model.
     *
     * @param model the trained model
     * @param folder the checkpoint folder or output_dir
     * @return the files written
     */
    @Override
    public List<Path> save(CausalLm model, Path folder) {
        LoraModel l = requireApplied();
        List<Path> written = new java.util.ArrayList<>(
                l.saveAdapter(LoraModel.DEFAULT_ADAPTER, folder, config.model().modelNameOrPath()));
        if (pissaConvert()
                && folder.toAbsolutePath()
                        .normalize()
                        .equals(config.training().outputDir().toAbsolutePath().normalize())) {
            written.addAll(l.savePissaConverted(
                    LoraModel.DEFAULT_ADAPTER,
                    pissaDir(PISSA_CONVERTED),
                    pissaDir(PISSA_INIT),
                    config.model().modelNameOrPath()));
        }
        return written;
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
