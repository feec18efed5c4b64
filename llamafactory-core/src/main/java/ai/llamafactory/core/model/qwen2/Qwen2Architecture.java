package ai.llamafactory.core.model.qwen2;

import ai.llamafactory.core.config.ModelConfig;
import ai.llamafactory.core.model.StandardDecoderArchitecture;
import java.util.Set;

/**
 * Qwen2 and Qwen2.5 ({@code Qwen2ForCausalLM}): biases on q/k/v (not on o_proj); sliding window only for
 * layers the config marks ({@code layer_types}, or {@code use_sliding_window} from {@code max_window_layers} on).
 */
public final class Qwen2Architecture extends StandardDecoderArchitecture {

    @Override
    public Set<String> modelTypes() {
        return Set.of("qwen2");
    }

    @Override
    protected boolean qkvBias(ModelConfig config) {
        return true;
    }

    @Override
    protected boolean outputBias(ModelConfig config) {
        return false;
    }
}
