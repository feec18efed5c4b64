package ai.llamafactory.core.config;

import java.util.Locale;

/** Rotary position embedding variants ({@code rope_type} in config.json). */
public enum RopeType {
    /** Plain RoPE with base {@code rope_theta}. */
    DEFAULT,
    /** Position interpolation: frequencies divided by {@code factor}. */
    LINEAR,
    /** Dynamic NTK scaling: the base grows when the sequence exceeds the trained context. */
    DYNAMIC,
    /** YaRN: per-frequency blend of interpolation and extrapolation plus an attention factor. */
    YARN,
    /** Llama 3.1 frequency-dependent scaling with low/high frequency factors. */
    LLAMA3,
    /** Phi-3 LongRoPE: per-frequency rescale factors for short and long contexts. */
    LONGROPE;

    /** @return the config.json spelling */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
