package ai.llamafactory.core.model.llama;

import ai.llamafactory.core.model.StandardDecoderArchitecture;
import java.util.Set;

/**
 * Llama 1, 2, 3 and 3.x ({@code LlamaForCausalLM}): the reference Llama-style decoder; rope types default,
 * linear, dynamic, yarn and llama3 come from the config.
 */
public final class LlamaArchitecture extends StandardDecoderArchitecture {

    @Override
    public Set<String> modelTypes() {
        return Set.of("llama");
    }
}
