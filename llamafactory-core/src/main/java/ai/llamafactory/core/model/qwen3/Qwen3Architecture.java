package ai.llamafactory.core.model.qwen3;

import ai.llamafactory.core.model.StandardDecoderArchitecture;
import java.util.Set;

/**
 * Qwen3 ({@code Qwen3ForCausalLM}): per-head RMSNorm on queries and keys ({@code q_norm}, {@code k_norm})
 * before the rotary embedding; head_dim may differ from hidden/heads.
 */
public final class Qwen3Architecture extends StandardDecoderArchitecture {

    @Override
    public Set<String> modelTypes() {
        return Set.of("qwen3");
    }

    @Override
    protected boolean qkNorm() {
        return true;
    }
}
