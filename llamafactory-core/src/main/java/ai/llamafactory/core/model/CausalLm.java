package ai.llamafactory.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.llamafactory.core.config.ModelConfig;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.nn.Linear;
import ai.llamafactory.core.nn.Module;
import ai.llamafactory.core.nn.Param;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A causal language model: the decoder stack {@code model} and, unless the embeddings are tied, {@code lm_head}.
 * Parameter paths equal the Hugging Face checkpoint names. The model owns its native memory: close it.
 *
 * <p>Forward is split in two so that the loss can project to the vocabulary in chunks: {@link #hiddenStates} runs
 * the decoder, {@link #lmHeadWeight()} is the [vocab, hidden] projection and {@link #logits} applies it.
 */
public class CausalLm extends Module implements AutoCloseable {
    private final ModelConfig config;
    private final ComputePolicy policy;
    private final NDManager manager;
    private final RotaryEmbedding rotary;
    private UnaryOperator<NDArray> embeddingTransform = UnaryOperator.identity();

    /**
     * Assembles a model from built modules (architectures call this).
     *
     * @param config the configuration
     * @param policy device and dtypes
     * @param manager the manager owning every parameter
     * @param rotary the rotary embedding shared by the layers
     * @param model the decoder stack
     * @param lmHead the output projection, or null when tied to the embeddings
     */
    public CausalLm(ModelConfig config, ComputePolicy policy, NDManager manager, RotaryEmbedding rotary,
            DecoderModel model, Linear lmHead) {
        this.config = config;
        this.policy = policy;
        this.manager = manager;
        this.rotary = rotary;
        addChild("model", model);
        if (lmHead != null) {
            addChild("lm_head", lmHead);
        }
    }

    /** @return the configuration the model was built from */
    public ModelConfig config() {
        return config;
    }

    /** @return device and dtypes */
    public ComputePolicy policy() {
        return policy;
    }

    /** @return the manager owning the parameters */
    public NDManager manager() {
        return manager;
    }

    /** @return the decoder stack */
    public DecoderModel decoder() {
        return (DecoderModel) child("model");
    }

    /** @return true when the output projection is the embedding matrix */
    public boolean isTied() {
        return !children().containsKey("lm_head");
    }

    /** @return the [vocab, hidden] output projection (the embedding matrix when tied) */
    public NDArray lmHeadWeight() {
        return lmHeadParam().array();
    }

    /** @return the parameter holding the output projection */
    public Param lmHeadParam() {
        return isTied() ? decoder().embedTokens().weight() : ((Linear) child("lm_head")).weight();
    }

    /**
     * Sets a function applied to the token embeddings before the first layer (NEFTune noise, prompt tuning...).
     *
     * @param transform the function; identity to remove
     */
    public void setEmbeddingTransform(UnaryOperator<NDArray> transform) {
        this.embeddingTransform = transform == null ? UnaryOperator.identity() : transform;
    }

    /**
     * Runs the decoder.
     *
     * @param input ids, padding mask, positions and cache
     * @return the final normalised hidden states [B, T, hidden], attached to the ids' manager
     */
    public NDArray hiddenStates(ForwardInput input) {
        NDArray ids = input.inputIds();
        NDManager step = ids.getManager();
        long b = ids.getShape().get(0);
        long t = ids.getShape().get(1);
        long past = input.cache() == null ? 0 : input.cache().length();
        long s = past + t;
        if (input.paddingMask() != null && input.paddingMask().getShape().get(1) != s) {
            throw new IllegalArgumentException("attention mask covers " + input.paddingMask().getShape().get(1)
                    + " positions, expected past + new = " + s);
        }
        int maxPosition;
        if (input.positionIds() == null) {
            maxPosition = (int) s;
        } else {
            maxPosition = (int) input.positionIds().max().getLong() + 1;
        }
        NDArray[] cosSin = rotary.cosSin(input.positionIds(), (int) past, (int) t, maxPosition, step);
        LayerContext ctx = new LayerContext(step, input.paddingMask(), b, t, s, policy.computeType(), cosSin,
                input.cache());
        NDArray h = embeddingTransform.apply(decoder().embed(ids));
        return decoder().forwardLayers(h, ctx);
    }

    /**
     * Projects hidden states to the vocabulary (full logits; use the chunked loss for training).
     *
     * @param hidden [B, T, hidden]
     * @return [B, T, vocab]
     */
    public NDArray logits(NDArray hidden) {
        return ai.djl.nn.core.Linear.linear(hidden, lmHeadWeight()).singletonOrThrow();
    }

    /** @return the number of parameter elements */
    public long parameterCount() {
        return namedParams().values().stream().mapToLong(Param::size).sum();
    }

    /** @return the number of trainable parameter elements */
    public long trainableParameterCount() {
        return namedParams().values().stream().filter(Param::isTrainable).mapToLong(Param::size).sum();
    }

    /**
     * Freezes or unfreezes every parameter.
     *
     * @param trainable the new flag
     */
    public void setAllTrainable(boolean trainable) {
        for (Param p : namedParams().values()) {
            p.setTrainable(trainable);
        }
    }

    /** @return the parameters keyed by Hugging Face name (tied weights appear once, under the embedding) */
    public Map<String, Param> parameters() {
        return namedParams();
    }

    @Override
    public void close() {
        rotary.close();
        manager.close();
    }
}
