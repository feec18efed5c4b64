package ai.llamafactory.core.model;

import ai.djl.ndarray.NDArray;
import ai.llamafactory.core.kernel.Kernels;
import ai.llamafactory.core.nn.Module;
import ai.llamafactory.core.nn.UnaryModule;

/**
 * Multi-head self-attention with grouped-query heads, rotary positions, optional per-head q/k RMSNorm (Qwen3) and an
 * optional sliding window. Subclasses decide how q, k and v are projected (separate {@code q_proj/k_proj/v_proj}, or a
 * fused {@code qkv_proj}); the output projection is the child {@code o_proj}.
 */
public abstract class Attention extends Module {
    private final int layerIndex;
    private final int numHeads;
    private final int numKvHeads;
    private final int headDim;
    private final double scale;
    private final int slidingWindow;
    private final RotaryEmbedding rotary;
    private final boolean qkNorm;

    /**
     * @param layerIndex index of the decoder layer (selects the KV cache slot)
     * @param numHeads query heads
     * @param numKvHeads key/value heads
     * @param headDim per-head width
     * @param scale softmax scale
     * @param slidingWindow window size, 0 for full attention
     * @param rotary the model's rotary embedding
     * @param qkNorm whether children {@code q_norm} and {@code k_norm} normalise each head
     */
    protected Attention(
            int layerIndex,
            int numHeads,
            int numKvHeads,
            int headDim,
            double scale,
            int slidingWindow,
            RotaryEmbedding rotary,
            boolean qkNorm) {
        this.layerIndex = layerIndex;
        this.numHeads = numHeads;
        this.numKvHeads = numKvHeads;
        this.headDim = headDim;
        this.scale = scale;
        this.slidingWindow = slidingWindow;
        this.rotary = rotary;
        this.qkNorm = qkNorm;
    }

    /**
     * Projects the hidden states.
     *
     * @param x [B, T, hidden]
     * @return {q [B, T, H*D], k [B, T, KV*D], v [B, T, KV*D]}
     */
    protected abstract NDArray[] project(NDArray x);

    /** @return the number of query heads */
    public int numHeads() {
        return numHeads;
    }

    /** @return the number of key/value heads */
    public int numKvHeads() {
        return numKvHeads;
    }

    /** @return per-head width */
    public int headDim() {
        return headDim;
    }

    /**
     * Runs attention.
     *
     * @param x [B, T, hidden]
     * @param ctx shared per-forward state
     * @return [B, T, hidden]
     */
    public NDArray forward(NDArray x, LayerContext ctx) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        NDArray[] qkv = project(x);
        NDArray q = qkv[0].reshape(b, t, numHeads, headDim);
        NDArray k = qkv[1].reshape(b, t, numKvHeads, headDim);
        NDArray v = qkv[2].reshape(b, t, numKvHeads, headDim).transpose(0, 2, 1, 3);
        if (qkNorm) {
            q = ((UnaryModule) child("q_norm")).forward(q);
            k = ((UnaryModule) child("k_norm")).forward(k);
        }
        q = rotary.apply(q.transpose(0, 2, 1, 3), ctx.cosSin());
        k = rotary.apply(k.transpose(0, 2, 1, 3), ctx.cosSin());
        if (ctx.cache() != null) {
            NDArray[] kv = ctx.cache().append(layerIndex, k, v);
            k = kv[0];
            v = kv[1];
        }
        NDArray out = Kernels.attention(q, k, v, ctx.mask(slidingWindow), scale);
        out = out.transpose(0, 2, 1, 3).reshape(b, t, (long) numHeads * headDim);
        return ((UnaryModule) child("o_proj")).forward(out);
    }
}
