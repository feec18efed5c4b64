package ai.llamafactory.api;

import ai.llamafactory.api.config.FinetuningArguments;
import java.util.Arrays;
import java.util.List;

/**
 * Freeze-tuning settings for {@link FineTune#freeze(FreezeOptions)}. Immutable: every method returns a new object.
 *
 * <pre>{@code
 * FineTune.model("Qwen/Qwen3-0.6B").freeze(FreezeOptions.layers(4).modules("mlp").extraModules("norm"))
 * }</pre>
 */
public final class FreezeOptions {
    private final int layers;
    private final List<String> modules;
    private final List<String> extraModules;
    private final boolean llamaPro;

    private FreezeOptions(int layers, List<String> modules, List<String> extraModules, boolean llamaPro) {
        this.layers = layers;
        this.modules = modules;
        this.extraModules = extraModules;
        this.llamaPro = llamaPro;
    }

    /**
     * @param trainableLayers the last n decoder layers are trained when positive, the first n when negative
     *     ({@code freeze_trainable_layers})
     * @return options training every sub-module of those layers
     */
    public static FreezeOptions layers(int trainableLayers) {
        return new FreezeOptions(trainableLayers, null, null, false);
    }

    /**
     * @param names sub-modules of each trainable layer to train, e.g. {@code mlp}, {@code self_attn}
     *     ({@code freeze_trainable_modules})
     * @return new options
     */
    public FreezeOptions modules(String... names) {
        return new FreezeOptions(layers, List.copyOf(Arrays.asList(names)), extraModules, llamaPro);
    }

    /**
     * @param names modules outside the decoder layers to train as well, e.g. {@code embed_tokens}, {@code norm}
     *     ({@code freeze_extra_modules})
     * @return new options
     */
    public FreezeOptions extraModules(String... names) {
        return new FreezeOptions(layers, modules, List.copyOf(Arrays.asList(names)), llamaPro);
    }

    /** @return new options that train only the expanded blocks of a LLaMA Pro model ({@code use_llama_pro}) */
    public FreezeOptions llamaPro() {
        return new FreezeOptions(layers, modules, extraModules, true);
    }

    /** Sets every freeze key of the method arguments: given options, LLaMA-Factory's defaults for the others. */
    void applyTo(FinetuningArguments.Builder b) {
        FinetuningArguments d = FinetuningArguments.defaults();
        b.freezeTrainableLayers(layers)
                .freezeTrainableModules(modules != null ? modules : d.freezeTrainableModules())
                .freezeExtraModules(extraModules != null ? extraModules : d.freezeExtraModules())
                .useLlamaPro(llamaPro);
    }

    @Override
    public String toString() {
        return "FreezeOptions{layers=" + layers + ", modules=" + modules + ", extraModules=" + extraModules
                + ", llamaPro=" + llamaPro + "}";
    }
}
