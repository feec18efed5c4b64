package ai.llamafactory.core.model.gemma;

import ai.llamafactory.core.config.ConfigDefaults;
import ai.llamafactory.core.config.ModelConfig;
import ai.llamafactory.core.model.StandardDecoderArchitecture;
import java.util.Set;

/**
 * Gemma ({@code GemmaForCausalLM}): embeddings scaled by sqrt(hidden_size), RMSNorm scaling by (1 + weight),
 * GELU-tanh gated MLP ({@code hidden_activation}), tied embeddings by default.
 */
public final class GemmaArchitecture extends StandardDecoderArchitecture {

    @Override
    public Set<String> modelTypes() {
        return Set.of("gemma");
    }

    @Override
    public ConfigDefaults configDefaults() {
        return new ConfigDefaults(true, "gelu_pytorch_tanh", "hidden_activation", 1e-6, 10000.0, false, false);
    }

    @Override
    protected boolean normUnitOffset() {
        return true;
    }

    @Override
    protected double embeddingScale(ModelConfig config) {
        // transformers multiplies by sqrt(hidden_size) rounded to the hidden dtype.
        return (float) Math.sqrt(config.hiddenSize());
    }
}
