package ai.llamafactory.core.model;

import ai.djl.ndarray.NDManager;
import ai.llamafactory.core.config.ConfigDefaults;
import ai.llamafactory.core.config.ModelConfig;
import ai.llamafactory.core.engine.ComputePolicy;
import java.util.Set;

/**
 * A model family: knows its {@code model_type} values, the defaults of its config.json, and how to build a
 * {@link CausalLm} whose parameter names are the family's Hugging Face names. Implementations are registered with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/ai.llamafactory.core.model.Architecture}), so another jar
 * can add a family.
 */
public interface Architecture {

    /** @return the config.json {@code model_type} values this family handles */
    Set<String> modelTypes();

    /** @return values for config.json keys a checkpoint may leave out */
    ConfigDefaults configDefaults();

    /**
     * Builds the model.
     *
     * @param config the parsed configuration
     * @param weights where each tensor comes from
     * @param policy device and dtypes
     * @param manager the manager that will own every parameter (closed with the model)
     * @return the model
     */
    CausalLm build(ModelConfig config, WeightSource weights, ComputePolicy policy, NDManager manager);
}
