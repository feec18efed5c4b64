package ai.llamafactory.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.llamafactory.core.config.ConfigDefaults;
import ai.llamafactory.core.config.ModelConfig;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.nn.Activation;
import ai.llamafactory.core.nn.Embedding;
import ai.llamafactory.core.nn.Linear;
import ai.llamafactory.core.nn.Module;
import ai.llamafactory.core.nn.ModuleList;
import ai.llamafactory.core.nn.RmsNorm;
import java.util.ArrayList;
import java.util.List;

/**
 * The Llama-style decoder that Llama, Mistral, Qwen2, Qwen3, Gemma and Phi-3 share; each family overrides the hooks
 * where it differs (biases, q/k norms, norm offset, embedding scale, fused projections).
 */
public abstract class StandardDecoderArchitecture implements Architecture {

    @Override
    public ConfigDefaults configDefaults() {
        return ConfigDefaults.llama();
    }

    /**
     * @param config the configuration
     * @return whether q/k/v projections carry biases
     */
    protected boolean qkvBias(ModelConfig config) {
        return config.attentionBias();
    }

    /**
     * @param config the configuration
     * @return whether o_proj carries a bias
     */
    protected boolean outputBias(ModelConfig config) {
        return config.attentionBias();
    }

    /** @return whether attention has per-head q_norm/k_norm (Qwen3) */
    protected boolean qkNorm() {
        return false;
    }

    /** @return whether RMSNorm scales by (1 + weight) (Gemma) */
    protected boolean normUnitOffset() {
        return false;
    }

    /**
     * @param config the configuration
     * @return the factor embeddings are multiplied by (Gemma: sqrt(hidden_size))
     */
    protected double embeddingScale(ModelConfig config) {
        return 1.0;
    }

    /**
     * @param config the configuration
     * @return the MLP activation
     */
    protected Activation activation(ModelConfig config) {
        return Activation.fromConfig(config.hiddenAct());
    }

    /**
     * @param config the configuration
     * @return the attention softmax scale
     */
    protected double attentionScale(ModelConfig config) {
        return 1.0 / Math.sqrt(config.headDim());
    }

    @Override
    public CausalLm build(ModelConfig config, WeightSource weights, ComputePolicy policy, NDManager manager) {
        Loader l = new Loader(weights, policy.computeType(), manager);
        RotaryEmbedding rotary = new RotaryEmbedding(
                config.rope(), config.headDim(), config.maxPositionEmbeddings(), manager, policy.computeType());
        Embedding embed = new Embedding(l.load("model.embed_tokens.weight", config.vocabSize(), config.hiddenSize()));
        List<DecoderLayer> layers = new ArrayList<>();
        for (int i = 0; i < config.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            Module inNorm = norm(l, p + "input_layernorm", config, config.hiddenSize());
            Attention attention = attention(l, p + "self_attn", i, config, rotary);
            Module postNorm = norm(l, p + "post_attention_layernorm", config, config.hiddenSize());
            Module mlp = mlp(l, p + "mlp", config);
            layers.add(new DecoderLayer(inNorm, attention, postNorm, mlp));
        }
        Module norm = norm(l, "model.norm", config, config.hiddenSize());
        DecoderModel decoder = new DecoderModel(embed, new ModuleList(layers), norm, embeddingScale(config));
        Linear lmHead = null;
        if (!config.tieWordEmbeddings()) {
            lmHead = new Linear(l.load("lm_head.weight", config.vocabSize(), config.hiddenSize()), null);
        }
        return new CausalLm(config, policy, manager, rotary, decoder, lmHead);
    }

    /**
     * Builds a norm module.
     *
     * @param l tensor loader
     * @param name HF module path
     * @param config the configuration
     * @param size normalised width
     * @return the norm
     */
    protected Module norm(Loader l, String name, ModelConfig config, int size) {
        return new RmsNorm(l.load(name + ".weight", size), config.rmsNormEps(), normUnitOffset());
    }

    /**
     * Builds the attention block of one layer.
     *
     * @param l tensor loader
     * @param prefix HF module path of the block ({@code model.layers.N.self_attn})
     * @param layer layer index
     * @param config the configuration
     * @param rotary the shared rotary embedding
     * @return the block
     */
    protected Attention attention(Loader l, String prefix, int layer, ModelConfig config, RotaryEmbedding rotary) {
        int h = config.numHeads();
        int kv = config.numKvHeads();
        int d = config.headDim();
        int hidden = config.hiddenSize();
        boolean bias = qkvBias(config);
        Linear q = l.linear(prefix + ".q_proj", h * d, hidden, bias);
        Linear k = l.linear(prefix + ".k_proj", kv * d, hidden, bias);
        Linear v = l.linear(prefix + ".v_proj", kv * d, hidden, bias);
        Linear o = l.linear(prefix + ".o_proj", hidden, h * d, outputBias(config));
        RmsNorm qNorm = null;
        RmsNorm kNorm = null;
        if (qkNorm()) {
            qNorm = new RmsNorm(l.load(prefix + ".q_norm.weight", d), config.rmsNormEps(), normUnitOffset());
            kNorm = new RmsNorm(l.load(prefix + ".k_norm.weight", d), config.rmsNormEps(), normUnitOffset());
        }
        return new SeparateQkvAttention(
                layer,
                h,
                kv,
                d,
                attentionScale(config),
                config.slidingWindow(layer).orElse(0),
                rotary,
                q,
                k,
                v,
                o,
                qNorm,
                kNorm);
    }

    /**
     * Builds the MLP of one layer.
     *
     * @param l tensor loader
     * @param prefix HF module path ({@code model.layers.N.mlp})
     * @param config the configuration
     * @return the MLP
     */
    protected Module mlp(Loader l, String prefix, ModelConfig config) {
        int hidden = config.hiddenSize();
        int inter = config.intermediateSize();
        boolean bias = config.mlpBias();
        return new GatedMlp(
                l.linear(prefix + ".gate_proj", inter, hidden, bias),
                l.linear(prefix + ".up_proj", inter, hidden, bias),
                l.linear(prefix + ".down_proj", hidden, inter, bias),
                activation(config));
    }

    /** Loads tensors with the expected shapes into the model's manager and dtype. */
    public static final class Loader {
        private final WeightSource weights;
        private final DataType dtype;
        private final NDManager manager;

        /**
         * @param weights the source
         * @param dtype in-memory dtype
         * @param manager owner of the tensors
         */
        public Loader(WeightSource weights, DataType dtype, NDManager manager) {
            this.weights = weights;
            this.dtype = dtype;
            this.manager = manager;
        }

        /**
         * @param name HF tensor name
         * @param shape expected shape
         * @return the tensor
         */
        public NDArray load(String name, long... shape) {
            return weights.load(name, new Shape(shape), dtype, manager);
        }

        /**
         * @param prefix HF module path
         * @param out output width
         * @param in input width
         * @param bias whether {@code prefix.bias} exists
         * @return the linear layer
         */
        public Linear linear(String prefix, long out, long in, boolean bias) {
            return new Linear(load(prefix + ".weight", out, in), bias ? load(prefix + ".bias", out) : null);
        }
    }
}
