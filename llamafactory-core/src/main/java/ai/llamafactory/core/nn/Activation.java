package ai.llamafactory.core.nn;

import ai.llamafactory.api.exception.InvalidConfigException;
import java.util.Locale;

/** MLP activations used by decoder checkpoints, by their config.json names. */
public enum Activation {
    /** {@code x * sigmoid(x)} (config names silu, swish). */
    SILU("torch.silu(g)"),
    /** Exact GELU with erf (config name gelu). */
    GELU("torch.gelu(g)"),
    /** GELU with the tanh approximation (gelu_pytorch_tanh, gelu_new, gelu_fast). */
    GELU_TANH("torch.gelu(g, approximate=\"tanh\")"),
    /** max(0, x). */
    RELU("torch.relu(g)");

    private final String torchScript;

    Activation(String torchScript) {
        this.torchScript = torchScript;
    }

    /** @return the TorchScript expression applying this activation to a tensor named {@code g} */
    public String torchScript() {
        return torchScript;
    }

    /**
     * @param name config.json's activation name
     * @return the activation
     * @throws InvalidConfigException for an unsupported name
     */
    public static Activation fromConfig(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "silu", "swish" -> SILU;
            case "gelu" -> GELU;
            case "gelu_pytorch_tanh", "gelu_new", "gelu_fast", "gelu_tanh" -> GELU_TANH;
            case "relu" -> RELU;
            default -> throw new InvalidConfigException("hidden_act: '" + name
                    + "' is not supported; supported: silu, gelu, gelu_pytorch_tanh, gelu_new, relu");
        };
    }
}
