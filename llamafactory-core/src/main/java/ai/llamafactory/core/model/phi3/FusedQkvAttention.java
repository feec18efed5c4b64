package ai.llamafactory.core.model.phi3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.llamafactory.core.model.Attention;
import ai.llamafactory.core.model.RotaryEmbedding;
import ai.llamafactory.core.nn.Linear;
import ai.llamafactory.core.nn.UnaryModule;

/** Attention whose q, k and v come from one fused projection {@code qkv_proj} ([q; k; v] along the output). */
public final class FusedQkvAttention extends Attention {
    private final long qWidth;
    private final long kvWidth;

    /**
     * @param layerIndex decoder layer index
     * @param numHeads query heads
     * @param numKvHeads key/value heads
     * @param headDim per-head width
     * @param scale softmax scale
     * @param slidingWindow window, 0 for none
     * @param rotary the model's rotary embedding
     * @param qkvProj fused projection [(H + 2 KV) * D, hidden]
     * @param oProj output projection
     */
    public FusedQkvAttention(
            int layerIndex,
            int numHeads,
            int numKvHeads,
            int headDim,
            double scale,
            int slidingWindow,
            RotaryEmbedding rotary,
            Linear qkvProj,
            Linear oProj) {
        super(layerIndex, numHeads, numKvHeads, headDim, scale, slidingWindow, rotary, false);
        addChild("qkv_proj", qkvProj);
        addChild("o_proj", oProj);
        this.qWidth = (long) numHeads * headDim;
        this.kvWidth = (long) numKvHeads * headDim;
    }

    @Override
    protected NDArray[] project(NDArray x) {
        NDArray qkv = ((UnaryModule) child("qkv_proj")).forward(x);
        return new NDArray[] {
            qkv.get(new NDIndex("..., :{}", qWidth)),
            qkv.get(new NDIndex("..., {}:{}", qWidth, qWidth + kvWidth)),
            qkv.get(new NDIndex("..., {}:", qWidth + kvWidth))
        };
    }
}
