package ai.llamafactory.core.model.phi3;

import ai.llamafactory.core.config.ConfigDefaults;
import ai.llamafactory.core.config.ModelConfig;
import ai.llamafactory.core.model.Attention;
import ai.llamafactory.core.model.RotaryEmbedding;
import ai.llamafactory.core.model.StandardDecoderArchitecture;
import ai.llamafactory.core.nn.Module;
import java.util.Set;

/**
 * Phi-3 and Phi-3.5 ({@code Phi3ForCausalLM}): fused {@code qkv_proj} and {@code gate_up_proj}, partial rotary
 * factor, sliding window whenever {@code sliding_window} is set, LongRoPE for the 128k variants.
 */
public final class Phi3Architecture extends StandardDecoderArchitecture {

    @Override
    public Set<String> modelTypes() {
        return Set.of("phi3");
    }

    @Override
    public ConfigDefaults configDefaults() {
        return new ConfigDefaults(false, "silu", "hidden_act", 1e-5, 10000.0, false, true);
    }

    @Override
    protected Attention attention(Loader l, String prefix, int layer, ModelConfig config, RotaryEmbedding rotary) {
        int h = config.numHeads();
        int kv = config.numKvHeads();
        int d = config.headDim();
        return new FusedQkvAttention(
                layer,
                h,
                kv,
                d,
                attentionScale(config),
                config.slidingWindow(layer).orElse(0),
                rotary,
                l.linear(prefix + ".qkv_proj", (long) (h + 2 * kv) * d, config.hiddenSize(), false),
                l.linear(prefix + ".o_proj", config.hiddenSize(), (long) h * d, false));
    }

    @Override
    protected Module mlp(Loader l, String prefix, ModelConfig config) {
        int hidden = config.hiddenSize();
        int inter = config.intermediateSize();
        return new FusedGatedMlp(
                l.linear(prefix + ".gate_up_proj", 2L * inter, hidden, false),
                l.linear(prefix + ".down_proj", hidden, inter, false),
                inter,
                activation(config));
    }
}
