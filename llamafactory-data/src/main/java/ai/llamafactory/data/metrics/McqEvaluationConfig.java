package ai.llamafactory.data.metrics;

import ai.llamafactory.api.exception.InvalidConfigException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of a multiple-choice evaluation, after LLaMA-Factory's {@code EvaluationArguments}: {@code n_shot},
 * {@code lang}, {@code batch_size}, {@code seed} and {@code save_dir}, with the same defaults.
 */
public final class McqEvaluationConfig {
    private final int nShot;
    private final EvalLanguage language;
    private final int batchSize;
    private final long seed;
    private final Path saveDir;

    private McqEvaluationConfig(Builder b) {
        this.nShot = b.nShot;
        this.language = b.language;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        this.saveDir = b.saveDir;
    }

    /**
     * @return a builder with LLaMA-Factory's defaults: 5 shots, English, batches of 4, seed 42, no save folder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return the defaults
     */
    public static McqEvaluationConfig defaults() {
        return builder().build();
    }

    /**
     * @return few-shot examples per prompt ({@code n_shot}, default 5); fewer when the dev split is smaller
     */
    public int nShot() {
        return nShot;
    }

    /**
     * @return the prompt language ({@code lang}, default {@code en})
     */
    public EvalLanguage language() {
        return language;
    }

    /**
     * @return prompts per call of {@link ChoiceScorer#scoreBatch} ({@code batch_size}, default 4)
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * @return the seed of the few-shot example draws ({@code seed}, default 42)
     */
    public long seed() {
        return seed;
    }

    /**
     * @return the folder for {@code results.json} and {@code results.log} ({@code save_dir}); it must not exist yet
     */
    public Optional<Path> saveDir() {
        return Optional.ofNullable(saveDir);
    }

    /** Builds a {@link McqEvaluationConfig}. */
    public static final class Builder {
        private int nShot = 5;
        private EvalLanguage language = EvalLanguage.EN;
        private int batchSize = 4;
        private long seed = 42;
        private Path saveDir;

        private Builder() {}

        /**
         * @param nShot few-shot examples per prompt, 0 or more
         * @return this builder
         */
        public Builder nShot(int nShot) {
            this.nShot = nShot;
            return this;
        }

        /**
         * @param language the prompt language
         * @return this builder
         */
        public Builder language(EvalLanguage language) {
            this.language = Objects.requireNonNull(language, "language");
            return this;
        }

        /**
         * @param batchSize prompts per scorer call, 1 or more
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * @param seed seed of the few-shot example draws
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param saveDir folder to create for the result files, or {@code null} to write none
         * @return this builder
         */
        public Builder saveDir(Path saveDir) {
            this.saveDir = saveDir;
            return this;
        }

        /**
         * @return the configuration
         * @throws InvalidConfigException naming the field if {@code n_shot} is negative or {@code batch_size} is
         *     not positive
         */
        public McqEvaluationConfig build() {
            if (nShot < 0) {
                throw new InvalidConfigException("n_shot must be 0 or more, got " + nShot);
            }
            if (batchSize < 1) {
                throw new InvalidConfigException("batch_size must be 1 or more, got " + batchSize);
            }
            return new McqEvaluationConfig(this);
        }
    }
}
