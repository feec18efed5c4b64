package ai.llamafactory.peft.freeze;

import ai.llamafactory.api.exception.InvalidConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Settings of freeze tuning (LLaMA-Factory's {@code FreezeArguments}), immutable; build with {@link #builder()}.
 * Defaults are LLaMA-Factory's: the last 2 decoder layers, all of their sub-modules, no extra modules.
 */
public final class FreezeConfig {
    private final int trainableLayers;
    private final List<String> trainableModules;
    private final List<String> extraModules;
    private final boolean llamaPro;

    private FreezeConfig(Builder b) {
        this.trainableLayers = b.trainableLayers;
        this.trainableModules = List.copyOf(b.trainableModules);
        this.extraModules = List.copyOf(b.extraModules);
        this.llamaPro = b.llamaPro;
    }

    /** @return a builder with LLaMA-Factory's defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return {@code freeze_trainable_layers}: &gt; 0 trains the last n decoder layers, &lt; 0 the first n; with
     *     LLaMA-Pro, every {@code num_layers / n}-th layer (the expanded blocks)
     */
    public int trainableLayers() {
        return trainableLayers;
    }

    /** @return {@code freeze_trainable_modules}: sub-module names inside each layer, or {@code all} */
    public List<String> trainableModules() {
        return trainableModules;
    }

    /** @return {@code freeze_extra_modules}: modules outside the layers also trained (e.g. embed_tokens, norm) */
    public List<String> extraModules() {
        return extraModules;
    }

    /** @return {@code use_llama_pro}: train the blocks added by LLaMA-Pro's expansion */
    public boolean llamaPro() {
        return llamaPro;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FreezeConfig c
                && c.trainableLayers == trainableLayers
                && c.trainableModules.equals(trainableModules)
                && c.extraModules.equals(extraModules)
                && c.llamaPro == llamaPro;
    }

    @Override
    public int hashCode() {
        return Objects.hash(trainableLayers, trainableModules, extraModules, llamaPro);
    }

    @Override
    public String toString() {
        return "FreezeConfig{trainable_layers=" + trainableLayers + ", trainable_modules=" + trainableModules
                + ", extra_modules=" + extraModules + (llamaPro ? ", llama_pro" : "") + "}";
    }

    /** Builder for {@link FreezeConfig}. */
    public static final class Builder {
        private int trainableLayers = 2;
        private List<String> trainableModules = new ArrayList<>(List.of("all"));
        private List<String> extraModules = new ArrayList<>();
        private boolean llamaPro;

        private Builder() {}

        /**
         * @param value {@code freeze_trainable_layers} (positive: last n, negative: first n)
         * @return this builder
         */
        public Builder trainableLayers(int value) {
            this.trainableLayers = value;
            return this;
        }

        /**
         * @param value {@code freeze_trainable_modules}, e.g. {@code [mlp, self_attn]} or {@code [all]}
         * @return this builder
         */
        public Builder trainableModules(List<String> value) {
            this.trainableModules = new ArrayList<>(value);
            return this;
        }

        /**
         * @param value {@code freeze_extra_modules}, e.g. {@code [embed_tokens, norm]}
         * @return this builder
         */
        public Builder extraModules(List<String> value) {
            this.extraModules = new ArrayList<>(value);
            return this;
        }

        /**
         * @param value {@code use_llama_pro}
         * @return this builder
         */
        public Builder llamaPro(boolean value) {
            this.llamaPro = value;
            return this;
        }

        /**
         * @return the configuration
         * @throws InvalidConfigException if a list is empty or holds a blank name, or LLaMA-Pro has no layer count
         */
        public FreezeConfig build() {
            if (trainableModules.isEmpty()) {
                throw new InvalidConfigException("freeze_trainable_modules: empty; use 'all' or module names");
            }
            for (String m : trainableModules) {
                if (m == null || m.isBlank()) {
                    throw new InvalidConfigException("freeze_trainable_modules: blank name in " + trainableModules);
                }
            }
            for (String m : extraModules) {
                if (m == null || m.isBlank()) {
                    throw new InvalidConfigException("freeze_extra_modules: blank name in " + extraModules);
                }
            }
            if (llamaPro && trainableLayers <= 0) {
                throw new InvalidConfigException("freeze_trainable_layers: use_llama_pro needs a positive number of "
                        + "expanded layers, got " + trainableLayers);
            }
            return new FreezeConfig(this);
        }
    }
}
