package ai.llamafactory.peft;

import ai.llamafactory.core.nn.Module;
import ai.llamafactory.core.nn.Param;
import java.util.Locale;

/**
 * Trainable and total parameter element counts of a model, reported as PEFT's {@code print_trainable_parameters}
 * and LLaMA-Factory's {@code count_parameters} print them. Every tensor of the module tree counts once: frozen base
 * weights, adapter matrices, and both the original and the trained copy of a {@code modules_to_save} module, as in
 * PEFT.
 *
 * @param trainable elements of parameters the optimizer updates
 * @param total elements of all parameters
 */
public record TrainableParameters(long trainable, long total) {

    /**
     * Counts a model's parameters.
     *
     * @param model the root module (a {@link ai.llamafactory.core.model.CausalLm}, with or without adapters)
     * @return the counts
     */
    public static TrainableParameters of(Module model) {
        long trainable = 0;
        long total = 0;
        for (Param p : model.namedParams().values()) {
            total += p.size();
            if (p.isTrainable()) {
                trainable += p.size();
            }
        }
        return new TrainableParameters(trainable, total);
    }

    /** @return {@code 100 * trainable / total}, 0 for an empty model */
    public double trainablePercent() {
        return total == 0 ? 0 : 100.0 * trainable / total;
    }

    /**
     * @return e.g. {@code trainable params: 1,703,936 || all params: 1,237,518,336 || trainable%: 0.1377}, PEFT's
     *     exact text
     */
    public String format() {
        return String.format(
                Locale.ROOT,
                "trainable params: %,d || all params: %,d || trainable%%: %.4f",
                trainable,
                total,
                trainablePercent());
    }

    @Override
    public String toString() {
        return format();
    }
}
