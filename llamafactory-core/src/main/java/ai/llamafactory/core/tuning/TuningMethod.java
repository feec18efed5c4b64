package ai.llamafactory.core.tuning;

import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.nn.Param;
import ai.llamafactory.core.optim.ParamGroup;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How a fine-tuning method (LoRA and its family, freeze, full) prepares a model for training and stores what it
 * trained. The trainer in core knows only this interface; implementations come from the peft module through
 * {@link TuningMethodProvider} and {@link java.util.ServiceLoader}.
 */
public interface TuningMethod {

    /**
     * Prepares the model: freezes what must not train, injects adapters, loads previously trained adapters or
     * weights ({@code adapter_name_or_path}), marks trainable parameters.
     *
     * @param model the freshly loaded base model
     */
    void apply(CausalLm model);

    /**
     * @param model the prepared model
     * @return the trainable parameters keyed by the names their optimizer state is stored under
     */
    Map<String, Param> trainableParameters(CausalLm model);

    /**
     * Builds the optimizer's parameter groups (weight decay on/off, LoRA+ learning-rate ratios).
     *
     * @param model the prepared model
     * @param weightDecay the configured weight decay
     * @return the groups
     */
    List<ParamGroup> parameterGroups(CausalLm model, double weightDecay);

    /**
     * Writes what was trained into a folder: adapter files for adapters, a full Hugging Face model folder otherwise.
     *
     * @param model the trained model
     * @param folder the folder (exists)
     * @return the files written
     */
    List<Path> save(CausalLm model, Path folder);

    /**
     * Restores trained weights written by {@link #save} (resuming from a checkpoint).
     *
     * @param model the prepared model
     * @param folder the checkpoint folder
     */
    void load(CausalLm model, Path folder);

    /**
     * Seeds the method's own randomness (adapter dropout) for the next forward; called before every micro-batch.
     *
     * @param seed a seed derived from (run seed, micro-batch, purpose)
     */
    default void reseed(long seed) {}
}
