package ai.llamafactory.core.model.phi3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.llamafactory.core.model.GatedMlp;
import ai.llamafactory.core.nn.Activation;
import ai.llamafactory.core.nn.Linear;
import ai.llamafactory.core.nn.Module;
import ai.llamafactory.core.nn.UnaryModule;

/** The gated MLP with one fused {@code gate_up_proj} ([gate; up] along the output) and {@code down_proj}. */
public final class FusedGatedMlp extends Module implements UnaryModule {
    private final long intermediate;
    private final Activation activation;

    /**
     * @param gateUpProj fused projection [2 * intermediate, hidden]
     * @param downProj down projection
     * @param intermediate MLP inner width
     * @param activation gate activation
     */
    public FusedGatedMlp(Linear gateUpProj, Linear downProj, long intermediate, Activation activation) {
        addChild("gate_up_proj", gateUpProj);
        addChild("down_proj", downProj);
        this.intermediate = intermediate;
        this.activation = activation;
    }

    @Override
    public NDArray forward(NDArray x) {
        NDArray gateUp = ((UnaryModule) child("gate_up_proj")).forward(x);
        NDArray gate = gateUp.get(new NDIndex("..., :{}", intermediate));
        NDArray up = gateUp.get(new NDIndex("..., {}:", intermediate));
        return ((UnaryModule) child("down_proj")).forward(GatedMlp.gatedActivation(gate, up, activation));
    }
}
