package ai.llamafactory.core.optim;

import ai.llamafactory.api.exception.InvalidConfigException;
import java.util.OptionalDouble;

/**
 * Hyperparameters of {@link Adafactor}, with the meaning and defaults of transformers'
 * {@code transformers.optimization.Adafactor}. Immutable; build with {@link #builder()}.
 *
 * <p>The class defaults ({@link #builder()}) have {@code relative_step=True} and {@code scale_parameter=True}: the
 * optimizer then computes its own learning rate {@code min(1e-2, 1/sqrt(t))} (or {@code min(1e-6 t, 1/sqrt(t))} with
 * {@code warmup_init}) and ignores the scheduled one. The Hugging Face Trainer, and so LLaMA-Factory with
 * {@code optim: adafactor}, passes the learning rate explicitly with {@code relative_step=False} and
 * {@code scale_parameter=False}: that is {@link #trainerDefaults()}.
 */
public final class AdafactorConfig {
    private final double eps1;
    private final double eps2;
    private final double clipThreshold;
    private final double decayRate;
    private final Double beta1;
    private final boolean scaleParameter;
    private final boolean relativeStep;
    private final boolean warmupInit;

    private AdafactorConfig(Builder b) {
        if (!(b.eps1 >= 0) || Double.isInfinite(b.eps1)) {
            throw new InvalidConfigException("adafactor eps[0]: must be finite and >= 0, got " + b.eps1);
        }
        if (!(b.eps2 >= 0) || Double.isInfinite(b.eps2)) {
            throw new InvalidConfigException("adafactor eps[1]: must be finite and >= 0, got " + b.eps2);
        }
        if (!(b.clipThreshold > 0) || Double.isInfinite(b.clipThreshold)) {
            throw new InvalidConfigException(
                    "adafactor clip_threshold: must be finite and > 0, got " + b.clipThreshold);
        }
        if (!(b.decayRate < 0)) {
            throw new InvalidConfigException(
                    "adafactor decay_rate: must be < 0 (beta2_t = 1 - t^decay_rate), got " + b.decayRate);
        }
        if (b.beta1 != null && !(b.beta1 >= 0 && b.beta1 < 1)) {
            throw new InvalidConfigException("adafactor beta1: must be in [0, 1) or unset, got " + b.beta1);
        }
        if (b.warmupInit && !b.relativeStep) {
            throw new InvalidConfigException("adafactor warmup_init=True requires relative_step=True");
        }
        this.eps1 = b.eps1;
        this.eps2 = b.eps2;
        this.clipThreshold = b.clipThreshold;
        this.decayRate = b.decayRate;
        this.beta1 = b.beta1;
        this.scaleParameter = b.scaleParameter;
        this.relativeStep = b.relativeStep;
        this.warmupInit = b.warmupInit;
    }

    /** @return a builder with transformers' class defaults (relative step and parameter scaling on) */
    public static Builder builder() {
        return new Builder();
    }

    /** @return what the Hugging Face Trainer uses for {@code optim: adafactor}: explicit lr, no scaling */
    public static AdafactorConfig trainerDefaults() {
        return builder().relativeStep(false).scaleParameter(false).build();
    }

    /** @return regularisation added to the squared gradient, 1e-30 by default */
    public double eps1() {
        return eps1;
    }

    /** @return lower bound of the parameter RMS used by {@code scale_parameter}, 1e-3 by default */
    public double eps2() {
        return eps2;
    }

    /** @return threshold of the RMS of the final update, 1.0 by default */
    public double clipThreshold() {
        return clipThreshold;
    }

    /** @return exponent of the second-moment decay {@code beta2_t = 1 - t^decay_rate}, -0.8 by default */
    public double decayRate() {
        return decayRate;
    }

    /** @return the first-moment decay; empty (the default) keeps no first moment */
    public OptionalDouble beta1() {
        return beta1 == null ? OptionalDouble.empty() : OptionalDouble.of(beta1);
    }

    /** @return whether the learning rate is scaled by the parameter's RMS */
    public boolean scaleParameter() {
        return scaleParameter;
    }

    /** @return whether the optimizer computes a time-dependent learning rate and ignores the given one */
    public boolean relativeStep() {
        return relativeStep;
    }

    /** @return whether the relative step warms up as {@code 1e-6 * t} */
    public boolean warmupInit() {
        return warmupInit;
    }

    @Override
    public String toString() {
        return "AdafactorConfig{eps=(" + eps1 + ", " + eps2 + "), clip_threshold=" + clipThreshold + ", decay_rate="
                + decayRate + ", beta1=" + beta1 + ", scale_parameter=" + scaleParameter + ", relative_step="
                + relativeStep + ", warmup_init=" + warmupInit + "}";
    }

    /** Builder for {@link AdafactorConfig}. */
    public static final class Builder {
        private double eps1 = 1e-30;
        private double eps2 = 1e-3;
        private double clipThreshold = 1.0;
        private double decayRate = -0.8;
        private Double beta1;
        private boolean scaleParameter = true;
        private boolean relativeStep = true;
        private boolean warmupInit;

        private Builder() {}

        /**
         * @param squaredGradient regularisation of the squared gradient ({@code eps[0]})
         * @param parameterScale lower bound of the parameter RMS ({@code eps[1]})
         * @return this builder
         */
        public Builder eps(double squaredGradient, double parameterScale) {
            this.eps1 = squaredGradient;
            this.eps2 = parameterScale;
            return this;
        }

        /**
         * @param value {@code clip_threshold}
         * @return this builder
         */
        public Builder clipThreshold(double value) {
            this.clipThreshold = value;
            return this;
        }

        /**
         * @param value {@code decay_rate}
         * @return this builder
         */
        public Builder decayRate(double value) {
            this.decayRate = value;
            return this;
        }

        /**
         * @param value {@code beta1}; keeps a first moment
         * @return this builder
         */
        public Builder beta1(double value) {
            this.beta1 = value;
            return this;
        }

        /**
         * Removes the first moment ({@code beta1=None}, the default).
         *
         * @return this builder
         */
        public Builder noBeta1() {
            this.beta1 = null;
            return this;
        }

        /**
         * @param value {@code scale_parameter}
         * @return this builder
         */
        public Builder scaleParameter(boolean value) {
            this.scaleParameter = value;
            return this;
        }

        /**
         * @param value {@code relative_step}
         * @return this builder
         */
        public Builder relativeStep(boolean value) {
            this.relativeStep = value;
            return this;
        }

        /**
         * @param value {@code warmup_init}
         * @return this builder
         */
        public Builder warmupInit(boolean value) {
            this.warmupInit = value;
            return this;
        }

        /**
         * @return the validated config
         * @throws InvalidConfigException if a value is out of range or {@code warmup_init} lacks {@code relative_step}
         */
        public AdafactorConfig build() {
            return new AdafactorConfig(this);
        }
    }
}
