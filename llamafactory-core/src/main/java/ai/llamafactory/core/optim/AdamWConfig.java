package ai.llamafactory.core.optim;

import ai.llamafactory.api.exception.InvalidConfigException;

/**
 * Hyperparameters of {@link AdamW} other than the learning rate and weight decay (which belong to the
 * {@link ParamGroup}s). Immutable; defaults are transformers' {@code adam_beta1=0.9}, {@code adam_beta2=0.999},
 * {@code adam_epsilon=1e-8}.
 *
 * @param beta1 decay of the first moment, in [0, 1)
 * @param beta2 decay of the second moment, in [0, 1)
 * @param epsilon added to the bias-corrected root of the second moment, &gt;= 0
 */
public record AdamWConfig(double beta1, double beta2, double epsilon) {

    /**
     * Validates the values.
     *
     * @param beta1 decay of the first moment
     * @param beta2 decay of the second moment
     * @param epsilon the epsilon
     * @throws InvalidConfigException naming {@code adam_beta1}, {@code adam_beta2} or {@code adam_epsilon}
     */
    public AdamWConfig {
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new InvalidConfigException("adam_beta1: must be in [0, 1), got " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new InvalidConfigException("adam_beta2: must be in [0, 1), got " + beta2);
        }
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw new InvalidConfigException("adam_epsilon: must be finite and >= 0, got " + epsilon);
        }
    }

    /** @return betas (0.9, 0.999), epsilon 1e-8 */
    public static AdamWConfig defaults() {
        return new AdamWConfig(0.9, 0.999, 1e-8);
    }

    /** @return a builder starting from {@link #defaults()} */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link AdamWConfig}. */
    public static final class Builder {
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-8;

        private Builder() {}

        /**
         * @param value {@code adam_beta1}
         * @return this builder
         */
        public Builder beta1(double value) {
            this.beta1 = value;
            return this;
        }

        /**
         * @param value {@code adam_beta2}
         * @return this builder
         */
        public Builder beta2(double value) {
            this.beta2 = value;
            return this;
        }

        /**
         * @param value {@code adam_epsilon}
         * @return this builder
         */
        public Builder epsilon(double value) {
            this.epsilon = value;
            return this;
        }

        /**
         * @return the validated config
         * @throws InvalidConfigException if a value is out of range
         */
        public AdamWConfig build() {
            return new AdamWConfig(beta1, beta2, epsilon);
        }
    }
}
