package ai.llamafactory.api.config;

/**
 * The preference loss of stage {@code dpo}, LLaMA-Factory's {@code pref_loss} key. Losses that compare the policy with
 * a
 * reference model need one ({@link #needsReferenceModel()}); ORPO and SimPO do not.
 */
public enum PreferenceLoss {
    /** DPO (with {@code dpo_label_smoothing}: cDPO): {@code -log sigmoid(beta * z)} on the log-ratio margin z. */
    SIGMOID,
    /** SLiC: {@code relu(1 - beta * z)}. */
    HINGE,
    /** IPO: {@code (z - 1/(2 beta))^2} on length-averaged log-probabilities. */
    IPO,
    /** Paired KTO loss (kept for compatibility with LLaMA-Factory's key list). */
    KTO_PAIR,
    /** ORPO: odds-ratio loss plus SFT loss; no reference model. */
    ORPO,
    /** SimPO: {@code -log sigmoid(beta * (pi_c - pi_r) - simpo_gamma)}; no reference model. */
    SIMPO;

    /** @return the spelling used in configuration files, e.g. {@code sigmoid} */
    public String key() {
        return EnumKeys.lower(this);
    }

    /**
     * Parses a configuration value such as {@code sigmoid} (case-insensitive).
     *
     * @param key the value of {@code pref_loss}
     * @return the constant
     * @throws ai.llamafactory.api.exception.InvalidConfigException naming the value and the accepted ones
     */
    public static PreferenceLoss fromKey(String key) {
        return EnumKeys.parse(PreferenceLoss.class, PreferenceLoss::key, "pref_loss", key);
    }

    /** @return true when the loss compares the policy with a reference model (all but ORPO and SimPO) */
    public boolean needsReferenceModel() {
        return this != ORPO && this != SIMPO;
    }
}
