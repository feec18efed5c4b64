package ai.llamafactory.core.config;

/**
 * An architecture's values for config.json keys that a checkpoint may leave out (transformers omits keys equal to the
 * class defaults).
 *
 * @param tieWordEmbeddings default of {@code tie_word_embeddings}
 * @param hiddenAct default activation
 * @param activationKey the key that names the activation for this architecture ({@code hidden_act}, or Gemma's
 *     {@code hidden_activation} which takes precedence when present)
 * @param rmsNormEps default epsilon
 * @param ropeTheta default RoPE base
 * @param attentionBias default of {@code attention_bias}
 * @param slidingWindowByDefault whether a set {@code sliding_window} applies without {@code use_sliding_window}
 */
public record ConfigDefaults(
        boolean tieWordEmbeddings,
        String hiddenAct,
        String activationKey,
        double rmsNormEps,
        double ropeTheta,
        boolean attentionBias,
        boolean slidingWindowByDefault) {

    /** @return Llama's defaults */
    public static ConfigDefaults llama() {
        return new ConfigDefaults(false, "silu", "hidden_act", 1e-6, 10000.0, false, false);
    }
}
