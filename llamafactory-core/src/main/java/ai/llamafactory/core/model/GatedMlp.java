package ai.llamafactory.core.model;

import ai.djl.ndarray.NDArray;
import ai.llamafactory.core.kernel.Kernels;
import ai.llamafactory.core.nn.Activation;
import ai.llamafactory.core.nn.Linear;
import ai.llamafactory.core.nn.Module;
import ai.llamafactory.core.nn.UnaryModule;
import java.util.List;

/** The gated MLP {@code down_proj(act(gate_proj(x)) * up_proj(x))} of Llama-family decoders. */
public class GatedMlp extends Module implements UnaryModule {
    private final Activation activation;

    /**
     * @param gateProj gate projection
     * @param upProj up projection
     * @param downProj down projection
     * @param activation the gate's activation
     */
    public GatedMlp(Linear gateProj, Linear upProj, Linear downProj, Activation activation) {
        addChild("gate_proj", gateProj);
        addChild("up_proj", upProj);
        addChild("down_proj", downProj);
        this.activation = activation;
    }

    @Override
    public NDArray forward(NDArray x) {
        NDArray gate = ((UnaryModule) child("gate_proj")).forward(x);
        NDArray up = ((UnaryModule) child("up_proj")).forward(x);
        return ((UnaryModule) child("down_proj")).forward(gatedActivation(gate, up, activation));
    }

    /**
     * {@code act(gate) * up} in one fused, differentiable call.
     *
     * @param gate gate projection output
     * @param up up projection output
     * @param activation the activation
     * @return the product
     */
    public static NDArray gatedActivation(NDArray gate, NDArray up, Activation activation) {
        return Kernels.kernel(
                        "gated_" + activation,
                        List.of("g: Tensor", "u: Tensor"),
                        "return torch.mul(" + activation.torchScript() + ", u)",
                        gate)
                .call(gate, up);
    }
}
