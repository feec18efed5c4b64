package ai.llamafactory.core.optim;

import ai.llamafactory.api.exception.InvalidConfigException;

/**
 * Hyperparameters of {@link Sgd} other than the learning rate and weight decay, as {@code torch.optim.SGD}.
 * Immutable; defaults are torch's (plain SGD: no momentum, no dampening, no Nesterov).
 *
 * @param momentum momentum factor, &gt;= 0
 * @param dampening dampening of the momentum, &gt;= 0
 * @param nesterov whether to use Nesterov momentum (needs momentum &gt; 0 and dampening 0)
 */
public record SgdConfig(double momentum, double dampening, boolean nesterov) {

    /**
     * Validates the values.
     *
     * @param momentum momentum factor
     * @param dampening dampening
     * @param nesterov Nesterov flag
     * @throws InvalidConfigException naming {@code momentum}, {@code dampening} or {@code nesterov}
     */
    public SgdConfig {
        if (!(momentum >= 0) || Double.isInfinite(momentum)) {
            throw new InvalidConfigException("momentum: must be finite and >= 0, got " + momentum);
        }
        if (!(dampening >= 0) || Double.isInfinite(dampening)) {
            throw new InvalidConfigException("dampening: must be finite and >= 0, got " + dampening);
        }
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new InvalidConfigException("nesterov: requires momentum > 0 and dampening 0, got momentum " + momentum
                    + ", dampening " + dampening);
        }
    }

    /** @return plain SGD: momentum 0, dampening 0, no Nesterov */
    public static SgdConfig defaults() {
        return new SgdConfig(0, 0, false);
    }

    /** @return a builder starting from {@link #defaults()} */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link SgdConfig}. */
    public static final class Builder {
        private double momentum;
        private double dampening;
        private boolean nesterov;

        private Builder() {}

        /**
         * @param value the momentum factor
         * @return this builder
         */
        public Builder momentum(double value) {
            this.momentum = value;
            return this;
        }

        /**
         * @param value the dampening of the momentum
         * @return this builder
         */
        public Builder dampening(double value) {
            this.dampening = value;
            return this;
        }

        /**
         * @param value whether to use Nesterov momentum
         * @return this builder
         */
        public Builder nesterov(boolean value) {
            this.nesterov = value;
            return this;
        }

        /**
         * @return the validated config
         * @throws InvalidConfigException if the combination is invalid
         */
        public SgdConfig build() {
            return new SgdConfig(momentum, dampening, nesterov);
        }
    }
}
