package ai.llamafactory.core.model;

import ai.djl.ndarray.NDArray;
import ai.llamafactory.core.nn.Module;
import ai.llamafactory.core.nn.UnaryModule;

/**
 * A pre-norm decoder layer: {@code h = x + attn(norm1(x)); out = h + mlp(norm2(h))}, with children
 * {@code input_layernorm}, {@code self_attn}, {@code post_attention_layernorm}, {@code mlp}.
 */
public class DecoderLayer extends Module {

    /**
     * @param inputNorm norm before attention
     * @param attention the attention block
     * @param postAttentionNorm norm before the MLP
     * @param mlp the MLP
     */
    public DecoderLayer(Module inputNorm, Attention attention, Module postAttentionNorm, Module mlp) {
        addChild("input_layernorm", inputNorm);
        addChild("self_attn", attention);
        addChild("post_attention_layernorm", postAttentionNorm);
        addChild("mlp", mlp);
    }

    /**
     * @param x [B, T, hidden]
     * @param ctx shared per-forward state
     * @return [B, T, hidden]
     */
    public NDArray forward(NDArray x, LayerContext ctx) {
        NDArray attn =
                ((Attention) child("self_attn")).forward(((UnaryModule) child("input_layernorm")).forward(x), ctx);
        NDArray h = x.add(attn);
        NDArray mlp =
                ((UnaryModule) child("mlp")).forward(((UnaryModule) child("post_attention_layernorm")).forward(h));
        return h.add(mlp);
    }
}
