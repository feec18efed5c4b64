package ai.llamafactory.core.config;

import java.util.List;

/**
 * Rotary embedding settings from {@code rope_parameters} (current transformers) or {@code rope_theta} +
 * {@code rope_scaling} (legacy layout).
 *
 * @param type the variant
 * @param theta the base
 * @param factor scaling factor (1 when not scaling)
 * @param partialRotaryFactor fraction of the head dimension that is rotated
 * @param originalMaxPositionEmbeddings trained context length for yarn/llama3/longrope/dynamic; 0 when unset
 * @param lowFreqFactor llama3 low-frequency factor
 * @param highFreqFactor llama3 high-frequency factor
 * @param betaFast yarn fast boundary
 * @param betaSlow yarn slow boundary
 * @param attentionFactor yarn/longrope attention scaling, or NaN to derive it from the factor
 * @param mscale yarn mscale (0 when unset)
 * @param mscaleAllDim yarn mscale_all_dim (0 when unset)
 * @param truncate yarn: round the correction range to integers (transformers' default)
 * @param shortFactor longrope per-frequency factors for short contexts (empty otherwise)
 * @param longFactor longrope per-frequency factors for long contexts (empty otherwise)
 */
public record RopeParameters(
        RopeType type,
        double theta,
        double factor,
        double partialRotaryFactor,
        int originalMaxPositionEmbeddings,
        double lowFreqFactor,
        double highFreqFactor,
        double betaFast,
        double betaSlow,
        double attentionFactor,
        double mscale,
        double mscaleAllDim,
        boolean truncate,
        List<Double> shortFactor,
        List<Double> longFactor) {

    /** Copies the lists. */
    public RopeParameters {
        shortFactor = List.copyOf(shortFactor);
        longFactor = List.copyOf(longFactor);
    }

    /**
     * @param theta the base
     * @return default RoPE with that base
     */
    public static RopeParameters defaults(double theta) {
        return new RopeParameters(
                RopeType.DEFAULT,
                theta,
                1.0,
                1.0,
                0,
                1.0,
                4.0,
                32.0,
                1.0,
                Double.NaN,
                0,
                0,
                true,
                List.of(),
                List.of());
    }
}
