package ai.llamafactory.core.model;

import ai.djl.ndarray.NDArray;
import ai.llamafactory.core.nn.Linear;
import ai.llamafactory.core.nn.RmsNorm;
import ai.llamafactory.core.nn.UnaryModule;

/** Attention with separate {@code q_proj}, {@code k_proj}, {@code v_proj} and {@code o_proj} (Llama, Qwen, Mistral). */
public class SeparateQkvAttention extends Attention {

    /**
     * @param layerIndex decoder layer index
     * @param numHeads query heads
     * @param numKvHeads key/value heads
     * @param headDim per-head width
     * @param scale softmax scale
     * @param slidingWindow window, 0 for none
     * @param rotary the model's rotary embedding
     * @param qProj q projection
     * @param kProj k projection
     * @param vProj v projection
     * @param oProj output projection
     * @param qNorm per-head q norm (Qwen3), or null
     * @param kNorm per-head k norm (Qwen3), or null
     */
    public SeparateQkvAttention(
            int layerIndex,
            int numHeads,
            int numKvHeads,
            int headDim,
            double scale,
            int slidingWindow,
            RotaryEmbedding rotary,
            Linear qProj,
            Linear kProj,
            Linear vProj,
            Linear oProj,
            RmsNorm qNorm,
            RmsNorm kNorm) {
        super(layerIndex, numHeads, numKvHeads, headDim, scale, slidingWindow, rotary, qNorm != null);
        addChild("q_proj", qProj);
        addChild("k_proj", kProj);
        addChild("v_proj", vProj);
        addChild("o_proj", oProj);
        if (qNorm != null) {
            addChild("q_norm", qNorm);
            addChild("k_norm", kNorm);
        }
    }

    @Override
    protected NDArray[] project(NDArray x) {
        return new NDArray[] {
            ((UnaryModule) child("q_proj")).forward(x),
            ((UnaryModule) child("k_proj")).forward(x),
            ((UnaryModule) child("v_proj")).forward(x)
        };
    }
}
