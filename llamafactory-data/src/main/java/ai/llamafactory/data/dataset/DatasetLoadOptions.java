package ai.llamafactory.data.dataset;

import ai.llamafactory.api.config.MixStrategy;
import ai.llamafactory.api.config.Stage;
import ai.llamafactory.api.exception.InvalidConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How datasets are loaded, mixed and split: the dataset part of LLaMA-Factory's data arguments. Immutable; build with
 * {@link #builder()}. Defaults are LLaMA-Factory's: concat, no hold-out, seed 42, shuffle buffer 16384.
 *
 * <p>YAML keys: {@code dataset_dir}, {@code mix_strategy}, {@code interleave_probs}, {@code max_samples},
 * {@code val_size}, {@code eval_dataset}, {@code eval_on_each_dataset}, {@code streaming}, {@code buffer_size},
 * {@code seed}, plus this library's {@code strict_data} (fail on the first malformed row instead of dropping it).
 */
public final class DatasetLoadOptions {
    private final Path datasetDir;
    private final Stage stage;
    private final MixStrategy mixStrategy;
    private final List<Double> interleaveProbs;
    private final Integer maxSamples;
    private final ValSize valSize;
    private final List<String> evalDatasets;
    private final boolean evalOnEachDataset;
    private final boolean streaming;
    private final int bufferSize;
    private final long seed;
    private final boolean strict;

    private DatasetLoadOptions(Builder b) {
        this.datasetDir = b.datasetDir;
        this.stage = b.stage;
        this.mixStrategy = b.mixStrategy;
        this.interleaveProbs = List.copyOf(b.interleaveProbs);
        this.maxSamples = b.maxSamples;
        this.valSize = b.valSize;
        this.evalDatasets = List.copyOf(b.evalDatasets);
        this.evalOnEachDataset = b.evalOnEachDataset;
        this.streaming = b.streaming;
        this.bufferSize = b.bufferSize;
        this.seed = b.seed;
        this.strict = b.strict;
        if (!interleaveProbs.isEmpty()) {
            if (mixStrategy == MixStrategy.CONCAT) {
                throw new InvalidConfigException("interleave_probs " + interleaveProbs + " is only valid with an "
                        + "interleave mix_strategy, not '" + mixStrategy.key() + "'");
            }
            double sum = 0;
            for (double p : interleaveProbs) {
                if (!(p >= 0 && p <= 1)) {
                    throw new InvalidConfigException(
                            "interleave_probs: each probability must be in [0, 1], got " + interleaveProbs);
                }
                sum += p;
            }
            if (Math.abs(sum - 1) > 1e-6) {
                throw new InvalidConfigException("interleave_probs " + interleaveProbs + " must sum to 1, got " + sum);
            }
        }
        if (valSize.isSet() && !evalDatasets.isEmpty()) {
            throw new InvalidConfigException("val_size " + valSize + " cannot be combined with eval_dataset "
                    + evalDatasets + ": hold out part of the training data or name evaluation datasets, not both");
        }
        if (streaming && valSize.fraction() > 0) {
            throw new InvalidConfigException("val_size " + valSize + ": a streamed dataset has no known length; give "
                    + "a row count (an integer above 1) instead of a fraction");
        }
        if (bufferSize < 0) {
            throw new InvalidConfigException("buffer_size must be >= 0, got " + bufferSize);
        }
    }

    /** @return a builder with LLaMA-Factory's defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder initialised with these options */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.datasetDir = datasetDir;
        b.stage = stage;
        b.mixStrategy = mixStrategy;
        b.interleaveProbs = interleaveProbs;
        b.maxSamples = maxSamples;
        b.valSize = valSize;
        b.evalDatasets = evalDatasets;
        b.evalOnEachDataset = evalOnEachDataset;
        b.streaming = streaming;
        b.bufferSize = bufferSize;
        b.seed = seed;
        b.strict = strict;
        return b;
    }

    /** @return the folder holding {@code dataset_info.json}; empty means the bundled demo datasets */
    public Optional<Path> datasetDir() {
        return Optional.ofNullable(datasetDir);
    }

    /** @return the training stage whose row shape is enforced; empty means any well-formed row is kept */
    public Optional<Stage> stage() {
        return Optional.ofNullable(stage);
    }

    /** @return how several training datasets are merged */
    public MixStrategy mixStrategy() {
        return mixStrategy;
    }

    /** @return per-dataset sampling probabilities for interleaving; empty means round robin */
    public List<Double> interleaveProbs() {
        return interleaveProbs;
    }

    /** @return the per-dataset cap on rows, applied after {@code num_samples} */
    public OptionalInt maxSamples() {
        return maxSamples == null ? OptionalInt.empty() : OptionalInt.of(maxSamples);
    }

    /** @return the hold-out taken from the merged training data */
    public ValSize valSize() {
        return valSize;
    }

    /** @return the evaluation dataset names */
    public List<String> evalDatasets() {
        return evalDatasets;
    }

    /** @return true to keep each evaluation dataset separate ({@code validation_<name>}) */
    public boolean evalOnEachDataset() {
        return evalOnEachDataset;
    }

    /** @return true to read the training data lazily, for corpora larger than memory */
    public boolean streaming() {
        return streaming;
    }

    /** @return the shuffle buffer of a streamed dataset; 0 keeps file order */
    public int bufferSize() {
        return bufferSize;
    }

    /** @return the seed of every random choice (sampling, interleaving, splitting, shuffling) */
    public long seed() {
        return seed;
    }

    /** @return true to fail on the first malformed row instead of dropping it */
    public boolean strict() {
        return strict;
    }

    @Override
    public String toString() {
        return "DatasetLoadOptions{dataset_dir=" + (datasetDir == null ? "(demo)" : datasetDir) + ", stage="
                + (stage == null ? "any" : stage.key()) + ", mix_strategy=" + mixStrategy.key() + ", interleave_probs="
                + interleaveProbs + ", max_samples=" + maxSamples + ", val_size=" + valSize + ", eval_dataset="
                + evalDatasets + ", streaming=" + streaming + ", seed=" + seed + ", strict=" + strict + "}";
    }

    /** Builder for {@link DatasetLoadOptions}. */
    public static final class Builder {
        private Path datasetDir;
        private Stage stage;
        private MixStrategy mixStrategy = MixStrategy.CONCAT;
        private List<Double> interleaveProbs = List.of();
        private Integer maxSamples;
        private ValSize valSize = ValSize.NONE;
        private List<String> evalDatasets = List.of();
        private boolean evalOnEachDataset;
        private boolean streaming;
        private int bufferSize = 16384;
        private long seed = 42;
        private boolean strict;

        private Builder() {}

        /**
         * @param datasetDir folder holding {@code dataset_info.json}; null for the bundled demo datasets
         * @return this builder
         */
        public Builder datasetDir(Path datasetDir) {
            this.datasetDir = datasetDir;
            return this;
        }

        /**
         * @param stage the stage whose row shape is enforced (SFT: one response; RM/DPO: chosen and rejected; KTO:
         *     a tagged response; PPO: a prompt), or null for none
         * @return this builder
         */
        public Builder stage(Stage stage) {
            this.stage = stage;
            return this;
        }

        /**
         * @param mixStrategy how datasets are merged
         * @return this builder
         */
        public Builder mixStrategy(MixStrategy mixStrategy) {
            this.mixStrategy = Objects.requireNonNull(mixStrategy, "mixStrategy");
            return this;
        }

        /**
         * @param probs one probability per training dataset, summing to 1
         * @return this builder
         */
        public Builder interleaveProbs(List<Double> probs) {
            this.interleaveProbs = List.copyOf(probs);
            return this;
        }

        /**
         * @param maxSamples rows kept per dataset at most, or null for all
         * @return this builder
         */
        public Builder maxSamples(Integer maxSamples) {
            if (maxSamples != null && maxSamples < 1) {
                throw new InvalidConfigException("max_samples must be >= 1, got " + maxSamples);
            }
            this.maxSamples = maxSamples;
            return this;
        }

        /**
         * @param valSize the hold-out
         * @return this builder
         */
        public Builder valSize(ValSize valSize) {
            this.valSize = Objects.requireNonNull(valSize, "valSize");
            return this;
        }

        /**
         * @param names evaluation dataset names
         * @return this builder
         */
        public Builder evalDatasets(List<String> names) {
            this.evalDatasets = List.copyOf(names);
            return this;
        }

        /**
         * @param each true to keep evaluation datasets apart
         * @return this builder
         */
        public Builder evalOnEachDataset(boolean each) {
            this.evalOnEachDataset = each;
            return this;
        }

        /**
         * @param streaming true to read training data lazily
         * @return this builder
         */
        public Builder streaming(boolean streaming) {
            this.streaming = streaming;
            return this;
        }

        /**
         * @param bufferSize shuffle buffer of a streamed dataset (0: no shuffling)
         * @return this builder
         */
        public Builder bufferSize(int bufferSize) {
            this.bufferSize = bufferSize;
            return this;
        }

        /**
         * @param seed seed of all random choices
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param strict true to fail on the first malformed row
         * @return this builder
         */
        public Builder strict(boolean strict) {
            this.strict = strict;
            return this;
        }

        /**
         * @return the options
         * @throws InvalidConfigException for contradictory settings
         */
        public DatasetLoadOptions build() {
            return new DatasetLoadOptions(this);
        }
    }
}
