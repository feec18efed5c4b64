package ai.llamafactory.peft.lora;

import ai.djl.ndarray.NDArray;
import ai.llamafactory.core.nn.Module;
import ai.llamafactory.core.nn.Param;

/**
 * DoRA's trainable magnitude {@code m} [out] of one adapter (PEFT's {@code DoraLinearLayer}, parameter
 * {@code weight}; stored in adapter files as {@code ...lora_magnitude_vector}).
 */
public final class MagnitudeVector extends Module {
    private final Param weight;

    /**
     * @param weight the magnitude [out]; the module takes ownership
     */
    public MagnitudeVector(NDArray weight) {
        this.weight = addParam(new Param("weight", weight));
    }

    /** @return the magnitude parameter */
    public Param weight() {
        return weight;
    }
}
