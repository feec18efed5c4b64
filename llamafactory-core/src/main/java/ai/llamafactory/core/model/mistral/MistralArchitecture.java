package ai.llamafactory.core.model.mistral;

import ai.llamafactory.core.config.ConfigDefaults;
import ai.llamafactory.core.model.StandardDecoderArchitecture;
import java.util.Set;

/**
 * Mistral ({@code MistralForCausalLM}): the Llama decoder with sliding-window attention when
 * {@code sliding_window} is set.
 */
public final class MistralArchitecture extends StandardDecoderArchitecture {

    @Override
    public Set<String> modelTypes() {
        return Set.of("mistral");
    }

    @Override
    public ConfigDefaults configDefaults() {
        return new ConfigDefaults(false, "silu", "hidden_act", 1e-6, 10000.0, false, true);
    }
}
