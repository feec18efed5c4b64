package ai.llamafactory.core.model;

import ai.djl.ndarray.NDArray;
import ai.llamafactory.core.engine.EngineArrays;
import ai.llamafactory.core.nn.Embedding;
import ai.llamafactory.core.nn.Module;
import ai.llamafactory.core.nn.ModuleList;
import ai.llamafactory.core.nn.UnaryModule;

/** The decoder stack ({@code model.*}): {@code embed_tokens}, {@code layers}, final {@code norm}. */
public class DecoderModel extends Module {
    private final double embeddingScale;

    /**
     * @param embedTokens the token embedding
     * @param layers the decoder layers
     * @param norm the final norm
     * @param embeddingScale factor applied to embeddings (Gemma: sqrt(hidden)); 1 for none
     */
    public DecoderModel(Embedding embedTokens, ModuleList layers, Module norm, double embeddingScale) {
        addChild("embed_tokens", embedTokens);
        addChild("layers", layers);
        addChild("norm", norm);
        this.embeddingScale = embeddingScale;
    }

    /** @return the embedding module */
    public Embedding embedTokens() {
        return (Embedding) child("embed_tokens");
    }

    /** @return the decoder layers */
    public ModuleList layers() {
        return (ModuleList) child("layers");
    }

    /**
     * Embeds token ids (before any layer).
     *
     * @param ids [B, T] int64
     * @return [B, T, hidden]
     */
    public NDArray embed(NDArray ids) {
        NDArray h = ((UnaryModule) child("embed_tokens")).forward(ids);
        return embeddingScale == 1.0 ? h : EngineArrays.withScalar(h, (float) embeddingScale, NDArray::mul);
    }

    /**
     * Runs the layers and the final norm.
     *
     * @param embeddings [B, T, hidden]
     * @param ctx shared per-forward state
     * @return normalised final hidden states [B, T, hidden]
     */
    public NDArray forwardLayers(NDArray embeddings, LayerContext ctx) {
        NDArray h = embeddings;
        ModuleList layers = layers();
        for (int i = 0; i < layers.size(); i++) {
            h = ((DecoderLayer) layers.get(i)).forward(h, ctx);
        }
        return ((UnaryModule) child("norm")).forward(h);
    }
}
