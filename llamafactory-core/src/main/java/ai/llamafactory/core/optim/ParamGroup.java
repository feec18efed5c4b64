package ai.llamafactory.core.optim;

import ai.djl.ndarray.NDArray;
import ai.llamafactory.api.exception.InvalidConfigException;
import com.google.common.collect.ImmutableMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Trainable parameters that share one learning-rate rule and one weight decay, like a torch optimizer param group.
 * Immutable; build with {@link #builder(String)}.
 *
 * <p>The learning rate of a group is either a multiplier of the scheduled base learning rate (the default, 1.0; LoRA+
 * gives {@code lora_B} the multiplier {@code loraplus_lr_ratio}) or a fixed absolute value that ignores the schedule.
 * In transformers every group follows the schedule (LambdaLR scales each group's initial lr), so a group meant to
 * start at an absolute learning rate {@code x} and follow the schedule uses the multiplier {@code x / learning_rate};
 * {@link ParamGroups#loraPlus} does that for {@code loraplus_lr_embedding}.
 *
 * <p>The arrays are held, not owned: the group never closes them.
 */
public final class ParamGroup {
    private final String label;
    private final ImmutableMap<String, NDArray> params;
    private final double lrMultiplier;
    private final Double absoluteLr;
    private final double weightDecay;

    private ParamGroup(Builder b) {
        this.label = b.label;
        this.params = ImmutableMap.copyOf(b.params);
        this.lrMultiplier = b.lrMultiplier;
        this.absoluteLr = b.absoluteLr;
        this.weightDecay = b.weightDecay;
    }

    /**
     * Starts a builder.
     *
     * @param label a short name for logs and error messages, e.g. {@code decay}, {@code lora_b}
     * @return a builder with learning-rate multiplier 1.0 and weight decay 0.0
     */
    public static Builder builder(String label) {
        return new Builder(label);
    }

    /** @return the label given to the builder */
    public String label() {
        return label;
    }

    /** @return the parameters in insertion order, keyed by their Hugging Face name */
    public Map<String, NDArray> params() {
        return params;
    }

    /** @return the multiplier applied to the scheduled base learning rate (ignored when an absolute lr is set) */
    public double lrMultiplier() {
        return lrMultiplier;
    }

    /** @return the fixed learning rate of this group, if one was set */
    public OptionalDouble absoluteLr() {
        return absoluteLr == null ? OptionalDouble.empty() : OptionalDouble.of(absoluteLr);
    }

    /** @return the decoupled (AdamW) or L2 (SGD, Adafactor) weight-decay coefficient */
    public double weightDecay() {
        return weightDecay;
    }

    /**
     * The learning rate this group uses for a step.
     *
     * @param baseLr the scheduled learning rate of the step
     * @return the absolute lr if one is set, otherwise {@code baseLr * lrMultiplier}
     */
    public double effectiveLr(double baseLr) {
        return absoluteLr != null ? absoluteLr : baseLr * lrMultiplier;
    }

    /**
     * Returns a copy of this group holding other parameters.
     *
     * @param newParams the parameters of the copy
     * @return a group with the same label, learning-rate rule and weight decay
     */
    public ParamGroup withParams(Map<String, NDArray> newParams) {
        Builder b = builder(label).params(newParams).weightDecay(weightDecay).lrMultiplier(lrMultiplier);
        if (absoluteLr != null) {
            b.absoluteLr(absoluteLr);
        }
        return b.build();
    }

    @Override
    public String toString() {
        return "ParamGroup{" + label + ", params=" + params.size()
                + (absoluteLr != null ? ", lr=" + absoluteLr : ", lr_multiplier=" + lrMultiplier)
                + ", weight_decay=" + weightDecay + "}";
    }

    /** Builder for {@link ParamGroup}. */
    public static final class Builder {
        private final String label;
        private final Map<String, NDArray> params = new LinkedHashMap<>();
        private double lrMultiplier = 1.0;
        private Double absoluteLr;
        private double weightDecay;

        private Builder(String label) {
            this.label = Objects.requireNonNull(label, "label");
        }

        /**
         * Adds one parameter.
         *
         * @param name the Hugging Face parameter name
         * @param array the trainable array (gradient required)
         * @return this builder
         * @throws IllegalArgumentException if the name was already added
         */
        public Builder param(String name, NDArray array) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(array, () -> "array of parameter " + name);
            if (params.putIfAbsent(name, array) != null) {
                throw new IllegalArgumentException("param group '" + label + "': parameter '" + name + "' added twice");
            }
            return this;
        }

        /**
         * Adds parameters in the map's iteration order.
         *
         * @param named name to array
         * @return this builder
         */
        public Builder params(Map<String, ? extends NDArray> named) {
            named.forEach(this::param);
            return this;
        }

        /**
         * Sets the multiplier of the scheduled learning rate and clears any absolute learning rate.
         *
         * @param multiplier a finite value &gt;= 0
         * @return this builder
         * @throws InvalidConfigException if the value is negative, infinite or NaN
         */
        public Builder lrMultiplier(double multiplier) {
            if (!(multiplier >= 0) || Double.isInfinite(multiplier)) {
                throw new InvalidConfigException(
                        "param group '" + label + "': lr multiplier must be finite and " + ">= 0, got " + multiplier);
            }
            this.lrMultiplier = multiplier;
            this.absoluteLr = null;
            return this;
        }

        /**
         * Fixes the learning rate of the group; the schedule is then ignored for it.
         *
         * @param lr a finite value &gt;= 0
         * @return this builder
         * @throws InvalidConfigException if the value is negative, infinite or NaN
         */
        public Builder absoluteLr(double lr) {
            if (!(lr >= 0) || Double.isInfinite(lr)) {
                throw new InvalidConfigException("param group '" + label + "': lr must be finite and >= 0, got " + lr);
            }
            this.absoluteLr = lr;
            return this;
        }

        /**
         * Sets the weight decay.
         *
         * @param decay a finite value &gt;= 0
         * @return this builder
         * @throws InvalidConfigException if the value is negative, infinite or NaN
         */
        public Builder weightDecay(double decay) {
            if (!(decay >= 0) || Double.isInfinite(decay)) {
                throw new InvalidConfigException(
                        "param group '" + label + "': weight_decay must be finite and " + ">= 0, got " + decay);
            }
            this.weightDecay = decay;
            return this;
        }

        /** @return the immutable group */
        public ParamGroup build() {
            return new ParamGroup(this);
        }
    }
}
