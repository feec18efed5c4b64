package ai.llamafactory.peft.lora;

import ai.llamafactory.api.exception.InvalidConfigException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The settings of one LoRA adapter, immutable; build with {@link #builder()}. Field names follow LLaMA-Factory's
 * {@code LoraArguments} and PEFT's {@code LoraConfig}; defaults are LLaMA-Factory's ({@code lora_rank} 8,
 * {@code lora_alpha} 2 x rank, {@code lora_dropout} 0, {@code lora_target} all, {@code pissa_iter} 16).
 *
 * <p>The scale applied to {@code B A x} is {@code alpha / r}, or {@code alpha / sqrt(r)} with rsLoRA. Per-module
 * ranks and alphas ({@code rank_pattern}, {@code alpha_pattern}) are matched as PEFT matches them: a pattern key
 * {@code k} applies to a module whose path matches {@code (.*\.)?(k)$}; the first matching key wins.
 */
public final class LoraConfig {
    private final int rank;
    private final double alpha;
    private final double dropout;
    private final LoraTarget target;
    private final List<String> excludeModules;
    private final List<Integer> layersToTransform;
    private final Map<String, Integer> rankPattern;
    private final Map<String, Double> alphaPattern;
    private final boolean useRslora;
    private final boolean useDora;
    private final LoraInit init;
    private final int pissaIterations;
    private final List<String> additionalTargets;
    private final Double loraplusLrRatio;
    private final double loraplusLrEmbedding;
    private final long initSeed;

    private LoraConfig(Builder b) {
        this.rank = b.rank;
        this.alpha = b.alpha == null ? 2.0 * b.rank : b.alpha;
        this.dropout = b.dropout;
        this.target = b.target;
        this.excludeModules = List.copyOf(b.excludeModules);
        this.layersToTransform = List.copyOf(b.layersToTransform);
        this.rankPattern = Collections.unmodifiableMap(new LinkedHashMap<>(b.rankPattern));
        this.alphaPattern = Collections.unmodifiableMap(new LinkedHashMap<>(b.alphaPattern));
        this.useRslora = b.useRslora;
        this.useDora = b.useDora;
        this.init = b.init;
        this.pissaIterations = b.pissaIterations;
        this.additionalTargets = List.copyOf(b.additionalTargets);
        this.loraplusLrRatio = b.loraplusLrRatio;
        this.loraplusLrEmbedding = b.loraplusLrEmbedding;
        this.initSeed = b.initSeed;
    }

    /** @return a builder with LLaMA-Factory's defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this configuration's values */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.rank = rank;
        b.alpha = alpha;
        b.dropout = dropout;
        b.target = target;
        b.excludeModules = new ArrayList<>(excludeModules);
        b.layersToTransform = new ArrayList<>(layersToTransform);
        b.rankPattern = new LinkedHashMap<>(rankPattern);
        b.alphaPattern = new LinkedHashMap<>(alphaPattern);
        b.useRslora = useRslora;
        b.useDora = useDora;
        b.init = init;
        b.pissaIterations = pissaIterations;
        b.additionalTargets = new ArrayList<>(additionalTargets);
        b.loraplusLrRatio = loraplusLrRatio;
        b.loraplusLrEmbedding = loraplusLrEmbedding;
        b.initSeed = initSeed;
        return b;
    }

    /** @return {@code lora_rank} (PEFT {@code r}) */
    public int rank() {
        return rank;
    }

    /** @return {@code lora_alpha} */
    public double alpha() {
        return alpha;
    }

    /** @return {@code lora_dropout}, the probability of zeroing an adapter input element while training */
    public double dropout() {
        return dropout;
    }

    /** @return {@code lora_target} */
    public LoraTarget target() {
        return target;
    }

    /** @return PEFT's {@code exclude_modules}: names (suffix match) of modules never adapted */
    public List<String> excludeModules() {
        return excludeModules;
    }

    /** @return PEFT's {@code layers_to_transform}: decoder layer indices to adapt, empty for all */
    public List<Integer> layersToTransform() {
        return layersToTransform;
    }

    /** @return PEFT's {@code rank_pattern}: per-module ranks by pattern key */
    public Map<String, Integer> rankPattern() {
        return rankPattern;
    }

    /** @return PEFT's {@code alpha_pattern}: per-module alphas by pattern key */
    public Map<String, Double> alphaPattern() {
        return alphaPattern;
    }

    /** @return {@code use_rslora}: scale by {@code alpha / sqrt(r)} instead of {@code alpha / r} */
    public boolean useRslora() {
        return useRslora;
    }

    /** @return {@code use_dora}: weight-decomposed LoRA with a trainable magnitude vector */
    public boolean useDora() {
        return useDora;
    }

    /** @return how new A and B matrices are initialised */
    public LoraInit init() {
        return init;
    }

    /** @return {@code pissa_iter}: subspace iterations of the randomised SVD, -1 for the exact SVD */
    public int pissaIterations() {
        return pissaIterations;
    }

    /** @return {@code additional_target} (PEFT {@code modules_to_save}): modules trained fully and saved */
    public List<String> additionalTargets() {
        return additionalTargets;
    }

    /** @return {@code loraplus_lr_ratio}: the learning-rate multiplier of the B matrices, if LoRA+ is on */
    public OptionalDouble loraplusLrRatio() {
        return loraplusLrRatio == null ? OptionalDouble.empty() : OptionalDouble.of(loraplusLrRatio);
    }

    /** @return {@code loraplus_lr_embedding}: the learning rate of embedding B matrices under LoRA+ */
    public double loraplusLrEmbedding() {
        return loraplusLrEmbedding;
    }

    /** @return the seed from which new A matrices (and the randomised SVD of PiSSA) are drawn */
    public long initSeed() {
        return initSeed;
    }

    /**
     * The rank of the adapter on one module ({@code rank_pattern} first, then {@code lora_rank}).
     *
     * @param modulePath the module's dotted path
     * @return its rank
     */
    public int rankFor(String modulePath) {
        String key = patternKey(rankPattern.keySet(), modulePath);
        return key == null ? rank : rankPattern.get(key);
    }

    /**
     * The alpha of the adapter on one module ({@code alpha_pattern} first, then {@code lora_alpha}).
     *
     * @param modulePath the module's dotted path
     * @return its alpha
     */
    public double alphaFor(String modulePath) {
        String key = patternKey(alphaPattern.keySet(), modulePath);
        return key == null ? alpha : alphaPattern.get(key);
    }

    /**
     * The scale of the adapter on one module.
     *
     * @param modulePath the module's dotted path
     * @return {@code alpha / r}, or {@code alpha / sqrt(r)} with rsLoRA
     */
    public double scalingFor(String modulePath) {
        return scaling(alphaFor(modulePath), rankFor(modulePath), useRslora);
    }

    /**
     * @param alpha lora_alpha
     * @param rank r
     * @param rslora whether rsLoRA scaling applies
     * @return {@code alpha / r}, or {@code alpha / sqrt(r)} with rsLoRA
     */
    public static double scaling(double alpha, int rank, boolean rslora) {
        return rslora ? alpha / Math.sqrt(rank) : alpha / rank;
    }

    private static String patternKey(Iterable<String> keys, String path) {
        for (String k : keys) {
            if (Pattern.compile("(.*\\.)?(" + k + ")$").matcher(path).matches()) {
                return k;
            }
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LoraConfig c
                && c.rank == rank
                && c.alpha == alpha
                && c.dropout == dropout
                && c.target.equals(target)
                && c.excludeModules.equals(excludeModules)
                && c.layersToTransform.equals(layersToTransform)
                && c.rankPattern.equals(rankPattern)
                && c.alphaPattern.equals(alphaPattern)
                && c.useRslora == useRslora
                && c.useDora == useDora
                && c.init == init
                && c.pissaIterations == pissaIterations
                && c.additionalTargets.equals(additionalTargets)
                && Objects.equals(c.loraplusLrRatio, loraplusLrRatio)
                && c.loraplusLrEmbedding == loraplusLrEmbedding
                && c.initSeed == initSeed;
    }

    @Override
    public int hashCode() {
        return Objects.hash(rank, alpha, dropout, target, useRslora, useDora, init, additionalTargets);
    }

    @Override
    public String toString() {
        return "LoraConfig{rank=" + rank + ", alpha=" + alpha + ", dropout=" + dropout + ", target=" + target
                + (useRslora ? ", rslora" : "") + (useDora ? ", dora" : "")
                + (init != LoraInit.DEFAULT
                        ? ", init=" + init + (init == LoraInit.PISSA ? "(iter " + pissaIterations + ")" : "")
                        : "")
                + (additionalTargets.isEmpty() ? "" : ", additional_target=" + additionalTargets)
                + (loraplusLrRatio == null ? "" : ", loraplus_lr_ratio=" + loraplusLrRatio) + "}";
    }

    /** Builder for {@link LoraConfig}; {@link #build()} validates every value. */
    public static final class Builder {
        private int rank = 8;
        private Double alpha;
        private double dropout;
        private LoraTarget target = LoraTarget.all();
        private List<String> excludeModules = new ArrayList<>();
        private List<Integer> layersToTransform = new ArrayList<>();
        private Map<String, Integer> rankPattern = new LinkedHashMap<>();
        private Map<String, Double> alphaPattern = new LinkedHashMap<>();
        private boolean useRslora;
        private boolean useDora;
        private LoraInit init = LoraInit.DEFAULT;
        private int pissaIterations = 16;
        private List<String> additionalTargets = new ArrayList<>();
        private Double loraplusLrRatio;
        private double loraplusLrEmbedding = 1e-6;
        private long initSeed = 42;

        private Builder() {}

        /**
         * @param value {@code lora_rank}, &gt; 0
         * @return this builder
         */
        public Builder rank(int value) {
            this.rank = value;
            return this;
        }

        /**
         * @param value {@code lora_alpha}, &gt; 0; unset means 2 x rank
         * @return this builder
         */
        public Builder alpha(double value) {
            this.alpha = value;
            return this;
        }

        /**
         * @param value {@code lora_dropout}, in [0, 1)
         * @return this builder
         */
        public Builder dropout(double value) {
            this.dropout = value;
            return this;
        }

        /**
         * @param value {@code lora_target}
         * @return this builder
         */
        public Builder target(LoraTarget value) {
            this.target = Objects.requireNonNull(value, "target");
            return this;
        }

        /**
         * @param value PEFT's {@code exclude_modules} (suffix match)
         * @return this builder
         */
        public Builder excludeModules(List<String> value) {
            this.excludeModules = new ArrayList<>(value);
            return this;
        }

        /**
         * @param value decoder layer indices to adapt; empty for all
         * @return this builder
         */
        public Builder layersToTransform(List<Integer> value) {
            this.layersToTransform = new ArrayList<>(value);
            return this;
        }

        /**
         * @param value per-module ranks by pattern key
         * @return this builder
         */
        public Builder rankPattern(Map<String, Integer> value) {
            this.rankPattern = new LinkedHashMap<>(value);
            return this;
        }

        /**
         * @param value per-module alphas by pattern key
         * @return this builder
         */
        public Builder alphaPattern(Map<String, Double> value) {
            this.alphaPattern = new LinkedHashMap<>(value);
            return this;
        }

        /**
         * @param value {@code use_rslora}
         * @return this builder
         */
        public Builder useRslora(boolean value) {
            this.useRslora = value;
            return this;
        }

        /**
         * @param value {@code use_dora}
         * @return this builder
         */
        public Builder useDora(boolean value) {
            this.useDora = value;
            return this;
        }

        /**
         * @param value how new adapters are initialised
         * @return this builder
         */
        public Builder init(LoraInit value) {
            this.init = Objects.requireNonNull(value, "init");
            return this;
        }

        /**
         * Turns PiSSA initialisation on ({@code pissa_init: true}).
         *
         * @param iterations {@code pissa_iter}: subspace iterations of the fast randomised SVD, -1 for the exact SVD
         * @return this builder
         */
        public Builder pissa(int iterations) {
            this.init = LoraInit.PISSA;
            this.pissaIterations = iterations;
            return this;
        }

        /**
         * @param value {@code additional_target}: module names trained fully and saved with the adapter
         * @return this builder
         */
        public Builder additionalTargets(List<String> value) {
            this.additionalTargets = new ArrayList<>(value);
            return this;
        }

        /**
         * @param value {@code loraplus_lr_ratio}, &gt; 0
         * @return this builder
         */
        public Builder loraplusLrRatio(double value) {
            this.loraplusLrRatio = value;
            return this;
        }

        /**
         * @param value {@code loraplus_lr_embedding}, &gt; 0
         * @return this builder
         */
        public Builder loraplusLrEmbedding(double value) {
            this.loraplusLrEmbedding = value;
            return this;
        }

        /**
         * @param value seed of the random initialisation
         * @return this builder
         */
        public Builder initSeed(long value) {
            this.initSeed = value;
            return this;
        }

        /**
         * @return the configuration
         * @throws InvalidConfigException naming the field and value when a value is out of range
         */
        public LoraConfig build() {
            if (rank <= 0) {
                throw new InvalidConfigException("lora_rank: must be > 0, got " + rank);
            }
            if (alpha != null && !(alpha > 0 && Double.isFinite(alpha))) {
                throw new InvalidConfigException("lora_alpha: must be a finite number > 0, got " + alpha);
            }
            if (!(dropout >= 0 && dropout < 1)) {
                throw new InvalidConfigException("lora_dropout: must be in [0, 1), got " + dropout);
            }
            if (pissaIterations < -1) {
                throw new InvalidConfigException("pissa_iter: must be >= -1 (-1 = exact SVD), got " + pissaIterations);
            }
            rankPattern.forEach((k, v) -> {
                checkPattern("rank_pattern", k);
                if (v == null || v <= 0) {
                    throw new InvalidConfigException("rank_pattern: rank of '" + k + "' must be > 0, got " + v);
                }
            });
            alphaPattern.forEach((k, v) -> {
                checkPattern("alpha_pattern", k);
                if (v == null || !(v > 0)) {
                    throw new InvalidConfigException("alpha_pattern: alpha of '" + k + "' must be > 0, got " + v);
                }
            });
            for (Integer layer : layersToTransform) {
                if (layer == null || layer < 0) {
                    throw new InvalidConfigException(
                            "layers_to_transform: layer indices must be >= 0, got " + layersToTransform);
                }
            }
            for (String t : additionalTargets) {
                if (t == null || t.isBlank()) {
                    throw new InvalidConfigException("additional_target: empty module name in " + additionalTargets);
                }
            }
            if (loraplusLrRatio != null && !(loraplusLrRatio > 0 && Double.isFinite(loraplusLrRatio))) {
                throw new InvalidConfigException(
                        "loraplus_lr_ratio: must be a finite number > 0, got " + loraplusLrRatio);
            }
            if (!(loraplusLrEmbedding > 0 && Double.isFinite(loraplusLrEmbedding))) {
                throw new InvalidConfigException(
                        "loraplus_lr_embedding: must be a finite number > 0, got " + loraplusLrEmbedding);
            }
            return new LoraConfig(this);
        }

        private static void checkPattern(String field, String key) {
            try {
                Pattern.compile(key);
            } catch (PatternSyntaxException e) {
                throw new InvalidConfigException(field + ": invalid pattern key '" + key + "': " + e.getDescription());
            }
        }
    }
}
