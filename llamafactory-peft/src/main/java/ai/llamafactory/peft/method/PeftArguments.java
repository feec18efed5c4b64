package ai.llamafactory.peft.method;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.FinetuningArguments;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.peft.freeze.FreezeConfig;
import ai.llamafactory.peft.lora.LoraConfig;
import ai.llamafactory.peft.lora.LoraSetup;
import ai.llamafactory.peft.lora.LoraTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Maps LLaMA-Factory's arguments ({@link FineTuneConfig}) onto {@link LoraConfig}, {@link FreezeConfig} and
 * {@link LoraSetup.Request}. */
public final class PeftArguments {
    private PeftArguments() {}

    /**
     * @param f the fine-tuning arguments
     * @param seed the run seed (new A matrices and PiSSA's random test matrix derive from it)
     * @return the LoRA settings of a new adapter
     */
    public static LoraConfig lora(FinetuningArguments f, long seed) {
        List<String> target = f.loraTarget();
        LoraConfig.Builder b = LoraConfig.builder()
                .rank(f.loraRank())
                .alpha(f.loraAlpha())
                .dropout(f.loraDropout())
                .target(target.isEmpty() || target.equals(List.of("all")) ? LoraTarget.all() : LoraTarget.names(target))
                .additionalTargets(f.additionalTarget())
                .useRslora(f.useRslora())
                .useDora(f.useDora())
                .loraplusLrEmbedding(f.loraplusLrEmbedding())
                .initSeed(seed);
        if (f.pissaInit()) {
            b.pissa(f.pissaIter());
        }
        f.loraplusLrRatio().ifPresent(b::loraplusLrRatio);
        return b.build();
    }

    /**
     * @param f the fine-tuning arguments
     * @return the freeze-tuning settings
     */
    public static FreezeConfig freeze(FinetuningArguments f) {
        return FreezeConfig.builder()
                .trainableLayers(f.freezeTrainableLayers())
                .trainableModules(f.freezeTrainableModules())
                .extraModules(f.freezeExtraModules())
                .llamaPro(f.useLlamaPro())
                .build();
    }

    /**
     * @param config the run configuration
     * @param trainable whether the model is being trained
     * @return LLaMA-Factory's adapter setup: {@code adapter_name_or_path}, {@code create_new_adapter}, quantisation
     * @throws InvalidConfigException if an adapter path is not a local folder
     */
    public static LoraSetup.Request loraSetup(FineTuneConfig config, boolean trainable) {
        List<Path> paths = new ArrayList<>();
        for (String a : config.model().adapterNameOrPath()) {
            Path p = Path.of(a);
            if (!Files.isDirectory(p)) {
                throw new InvalidConfigException("adapter_name_or_path: '" + a + "' is not a local adapter folder");
            }
            paths.add(p);
        }
        return new LoraSetup.Request(
                lora(config.finetuning(), config.training().seed()),
                paths,
                trainable,
                config.finetuning().createNewAdapter(),
                config.model().quantizationBit().isPresent());
    }
}
