package ai.llamafactory.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.llamafactory.core.config.ModelConfig;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.nn.Linear;
import ai.llamafactory.core.nn.Module;
import ai.llamafactory.core.nn.Param;
import ai.llamafactory.core.nn.WeightedModule;
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
    public CausalLm(
            ModelConfig config,
            ComputePolicy policy,
            NDManager manager,
            RotaryEmbedding rotary,
            DecoderModel model,
            Linear lmHead) {
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

    /**
     * The output projection as the loss and the logits use it: the embedding matrix when tied, otherwise
     * {@code lm_head}'s weight. When an adapter wraps {@code lm_head} (or the tied embedding), this is the adapted,
     * differentiable weight (see {@link WeightedModule#effectiveWeight}); a computed weight is then attached to the
     * model's manager, so training loops should call {@link #lmHeadWeight(NDManager)} with their step manager.
     *
     * @return the [vocab, hidden] output projection
     */
    public NDArray lmHeadWeight() {
        return outputProjection().effectiveWeight(manager);
    }

    /**
     * The output projection, with a weight computed by an adapter attached to {@code scope}.
     *
     * @param scope the manager receiving a computed weight (usually the step manager)
     * @return the [vocab, hidden] output projection
     */
    public NDArray lmHeadWeight(NDManager scope) {
        return outputProjection().effectiveWeight(scope);
    }

    /** @return the frozen parameter holding the output projection (under any adapter wrapping it) */
    public Param lmHeadParam() {
        return outputProjection().baseWeight();
    }

    private WeightedModule outputProjection() {
        return (WeightedModule) (isTied() ? decoder().child("embed_tokens") : child("lm_head"));
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
            throw new IllegalArgumentException("attention mask covers "
                    + input.paddingMask().getShape().get(1) + " positions, expected past + new = " + s);
        }
        int maxPosition;
        if (input.positionIds() == null) {
            maxPosition = (int) s;
        } else {
            maxPosition = (int) input.positionIds().max().getLong() + 1;
        }
        NDArray[] cosSin = rotary.cosSin(input.positionIds(), (int) past, (int) t, maxPosition, step);
        LayerContext ctx =
                new LayerContext(step, input.paddingMask(), b, t, s, policy.computeType(), cosSin, input.cache());
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
        return ai.djl.nn.core.Linear.linear(hidden, lmHeadWeight(hidden.getManager()))
                .singletonOrThrow();
    }

    /** @return the number of parameter elements */
    public long parameterCount() {
        return namedParams().values().stream().mapToLong(Param::size).sum();
    }

    /** @return the number of trainable parameter elements */
    public long trainableParameterCount() {
        return namedParams().values().stream()
                .filter(Param::isTrainable)
                .mapToLong(Param::size)
                .sum();
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
