package ai.llamafactory.api.run;

import ai.llamafactory.api.exception.InvalidConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What a finished (or cancelled) training produced: final metrics, the last training loss, the number of optimizer
 * steps, the files written and how long it took. Immutable; trainers build it with {@link #builder(Path)}.
 *
 * <p>Metric names follow transformers and LLaMA-Factory ({@code train_loss}, {@code train_runtime},
 * {@code train_samples_per_second}, {@code eval_loss}, {@code epoch} ...), as in {@code all_results.json}.
 */
public final class TrainingResult {
    /** Why training stopped. */
    public enum StopReason {
        /** All epochs or {@code max_steps} were trained. */
        COMPLETED,
        /** {@link CancellationToken#cancel()} was called. */
        CANCELLED,
        /** The evaluation metric stopped improving for {@code early_stopping_steps} evaluations. */
        EARLY_STOPPED
    }

    private final Path outputDir;
    private final StopReason stopReason;
    private final long globalSteps;
    private final double epochs;
    private final Double finalLoss;
    private final Map<String, Double> metrics;
    private final List<Path> writtenFiles;
    private final Duration duration;

    private TrainingResult(Builder b) {
        this.outputDir = b.outputDir;
        this.stopReason = b.stopReason;
        this.globalSteps = b.globalSteps;
        this.epochs = b.epochs;
        this.finalLoss = b.finalLoss;
        this.metrics = Collections.unmodifiableMap(new LinkedHashMap<>(b.metrics));
        this.writtenFiles = List.copyOf(b.writtenFiles);
        this.duration = b.duration;
    }

    /**
     * Starts a builder.
     *
     * @param outputDir the run's output folder
     * @return a builder for a completed run with no steps
     */
    public static Builder builder(Path outputDir) {
        return new Builder(outputDir);
    }

    /** @return the run's output folder */
    public Path outputDir() {
        return outputDir;
    }

    /** @return why training stopped */
    public StopReason stopReason() {
        return stopReason;
    }

    /** @return true when training ran to its end */
    public boolean completed() {
        return stopReason == StopReason.COMPLETED;
    }

    /** @return the number of optimizer steps taken (LLaMA-Factory's {@code global_step}) */
    public long globalSteps() {
        return globalSteps;
    }

    /** @return the epochs trained, fractional when stopped mid-epoch */
    public double epochs() {
        return epochs;
    }

    /** @return the training loss of the last optimizer step; empty when no step was taken */
    public OptionalDouble finalLoss() {
        return finalLoss == null ? OptionalDouble.empty() : OptionalDouble.of(finalLoss);
    }

    /** @return the final metrics by name (unmodifiable, in insertion order) */
    public Map<String, Double> metrics() {
        return metrics;
    }

    /**
     * @param name a metric name, e.g. {@code train_loss}
     * @return its value; empty when the run did not report it
     */
    public OptionalDouble metric(String name) {
        Double v = metrics.get(name);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /** @return the files and folders the run wrote: weights, checkpoints, logs, plots */
    public List<Path> writtenFiles() {
        return writtenFiles;
    }

    /** @return the wall-clock time of the run */
    public Duration duration() {
        return duration;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TrainingResult)) {
            return false;
        }
        TrainingResult r = (TrainingResult) o;
        return outputDir.equals(r.outputDir)
                && stopReason == r.stopReason
                && globalSteps == r.globalSteps
                && Double.compare(epochs, r.epochs) == 0
                && Objects.equals(finalLoss, r.finalLoss)
                && metrics.equals(r.metrics)
                && writtenFiles.equals(r.writtenFiles)
                && duration.equals(r.duration);
    }

    @Override
    public int hashCode() {
        return Objects.hash(outputDir, stopReason, globalSteps, epochs, finalLoss, metrics, writtenFiles, duration);
    }

    @Override
    public String toString() {
        return "TrainingResult{" + stopReason + ", steps=" + globalSteps + ", epochs=" + epochs + ", finalLoss="
                + finalLoss + ", metrics=" + metrics + ", outputDir=" + outputDir + ", files=" + writtenFiles.size()
                + ", duration=" + duration + "}";
    }

    /** Builder for {@link TrainingResult}, used by trainers. */
    public static final class Builder {
        private final Path outputDir;
        private StopReason stopReason = StopReason.COMPLETED;
        private long globalSteps;
        private double epochs;
        private Double finalLoss;
        private final Map<String, Double> metrics = new LinkedHashMap<>();
        private final List<Path> writtenFiles = new ArrayList<>();
        private Duration duration = Duration.ZERO;

        private Builder(Path outputDir) {
            if (outputDir == null) {
                throw new InvalidConfigException("output_dir: must not be null");
            }
            this.outputDir = outputDir;
        }

        /**
         * @param value why training stopped
         * @return this builder
         */
        public Builder stopReason(StopReason value) {
            this.stopReason = Objects.requireNonNull(value, "stopReason");
            return this;
        }

        /**
         * @param value the optimizer steps taken, at least 0
         * @return this builder
         */
        public Builder globalSteps(long value) {
            if (value < 0) {
                throw new IllegalArgumentException("globalSteps must be >= 0, got " + value);
            }
            this.globalSteps = value;
            return this;
        }

        /**
         * @param value the epochs trained, at least 0
         * @return this builder
         */
        public Builder epochs(double value) {
            if (!(value >= 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("epochs must be a finite number >= 0, got " + value);
            }
            this.epochs = value;
            return this;
        }

        /**
         * @param value the training loss of the last step (may be NaN if the run diverged)
         * @return this builder
         */
        public Builder finalLoss(double value) {
            this.finalLoss = value;
            return this;
        }

        /**
         * @param name metric name
         * @param value metric value
         * @return this builder
         */
        public Builder metric(String name, double value) {
            metrics.put(Objects.requireNonNull(name, "name"), value);
            return this;
        }

        /**
         * @param values metrics by name
         * @return this builder
         */
        public Builder metrics(Map<String, Double> values) {
            values.forEach(this::metric);
            return this;
        }

        /**
         * @param file a file or folder the run wrote
         * @return this builder
         */
        public Builder writtenFile(Path file) {
            writtenFiles.add(Objects.requireNonNull(file, "file"));
            return this;
        }

        /**
         * @param files files or folders the run wrote
         * @return this builder
         */
        public Builder writtenFiles(Collection<Path> files) {
            files.forEach(this::writtenFile);
            return this;
        }

        /**
         * @param value the wall-clock time of the run
         * @return this builder
         */
        public Builder duration(Duration value) {
            if (value == null || value.isNegative()) {
                throw new IllegalArgumentException("duration must be >= 0, got " + value);
            }
            this.duration = value;
            return this;
        }

        /** @return the result */
        public TrainingResult build() {
            return new TrainingResult(this);
        }
    }
}
