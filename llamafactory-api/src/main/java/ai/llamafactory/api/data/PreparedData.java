package ai.llamafactory.api.data;

import ai.llamafactory.api.config.Stage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A run's data, ready for the trainer: what {@link ai.llamafactory.api.spi.DataWorker#prepare} returns. Holds the
 * encoded training split and evaluation splits, what was dropped and why, the chat template used and its audit, and
 * where the data came from (encoded now, the automatic cache, or {@code tokenized_path}). Immutable; build with
 * {@link #builder(Stage)}.
 *
 * <p>It also carries what the worker encoded with, as engine-specific {@linkplain #resource(Class) resources} this
 * module does not know the types of (the default worker attaches its tokenizer and chat template), so that a trainer
 * built on the same engine uses them instead of loading them a second time. Resources that hold native memory are
 * owned by the prepared data: {@link #close()} frees them, once.
 *
 * <pre>{@code
 * try (PreparedData data = Plugins.dataWorker().prepare(config, modelDir)) {
 *     System.out.println(data.summary());
 *     List<EncodedSequence> rows = data.train().sequences();
 * }
 * }</pre>
 */
public final class PreparedData implements AutoCloseable {
    /** The name of the training split. */
    public static final String TRAIN = "train";
    /** The name of the single evaluation split ({@code val_size} hold-out or the merged {@code eval_dataset}s). */
    public static final String VALIDATION = "validation";

    /** Where the encoded examples came from. */
    public enum Source {
        /** Read and encoded by this call. */
        ENCODED,
        /** Read from the automatic cache, keyed by the fingerprint of every input. */
        CACHE,
        /** Read from the {@code tokenized_path} folder (its other data arguments are then ignored, as LLaMA-Factory). */
        TOKENIZED_PATH
    }

    private final Stage stage;
    private final String templateName;
    private final EncodedSplit train;
    private final Map<String, EncodedSplit> eval;
    private final long droppedRows;
    private final Map<String, Long> droppedByReason;
    private final List<String> dropMessages;
    private final String loadSummary;
    private final String auditReport;
    private final List<String> auditWarnings;
    private final Source source;
    private final Path cachePath;
    private final String fingerprint;
    private final int padTokenId;
    private final List<Integer> stopTokenIds;
    private final Map<Class<?>, Object> resources;
    private final List<AutoCloseable> owned;
    private final AtomicBoolean closed = new AtomicBoolean();

    private PreparedData(Builder b) {
        this.stage = b.stage;
        this.templateName = Objects.requireNonNull(b.templateName, "templateName");
        this.train = b.train != null ? b.train : EncodedSplit.empty(TRAIN, EncodedRecord.Kind.SEQUENCE);
        this.eval = Collections.unmodifiableMap(new LinkedHashMap<>(b.eval));
        this.droppedRows = b.droppedRows;
        this.droppedByReason = Collections.unmodifiableMap(new LinkedHashMap<>(b.droppedByReason));
        this.dropMessages = List.copyOf(b.dropMessages);
        this.loadSummary = b.loadSummary;
        this.auditReport = b.auditReport;
        this.auditWarnings = List.copyOf(b.auditWarnings);
        this.source = b.source;
        this.cachePath = b.cachePath;
        this.fingerprint = b.fingerprint;
        this.padTokenId = b.padTokenId;
        this.stopTokenIds = List.copyOf(b.stopTokenIds);
        this.resources = Collections.unmodifiableMap(new LinkedHashMap<>(b.resources));
        this.owned = List.copyOf(b.owned);
    }

    /**
     * @param stage the stage the data was encoded for
     * @return a builder
     */
    public static Builder builder(Stage stage) {
        return new Builder(stage);
    }

    /** @return a builder holding these values and resources (which this one keeps owning) */
    public Builder toBuilder() {
        Builder b = new Builder(stage);
        b.templateName = templateName;
        b.train = train;
        b.eval = new LinkedHashMap<>(eval);
        b.droppedRows = droppedRows;
        b.droppedByReason = new LinkedHashMap<>(droppedByReason);
        b.dropMessages = dropMessages;
        b.loadSummary = loadSummary;
        b.auditReport = auditReport;
        b.auditWarnings = auditWarnings;
        b.source = source;
        b.cachePath = cachePath;
        b.fingerprint = fingerprint;
        b.padTokenId = padTokenId;
        b.stopTokenIds = stopTokenIds;
        b.resources = new LinkedHashMap<>(resources);
        return b; // the resources stay owned by this one: the copy does not close them
    }

    /** @return the stage the examples were encoded for */
    public Stage stage() {
        return stage;
    }

    /** @return the chat template used, e.g. {@code qwen3_nothink}, or {@code parsed} when derived from the tokenizer */
    public String templateName() {
        return templateName;
    }

    /** @return the training split (empty when no training dataset was named or the run does not train) */
    public EncodedSplit train() {
        return train;
    }

    /**
     * @return the evaluation splits by name: {@value #VALIDATION}, or {@code validation_<dataset>} per dataset with
     *     {@code eval_on_each_dataset}; empty when there is no evaluation data
     */
    public Map<String, EncodedSplit> eval() {
        return eval;
    }

    /** @return the {@value #VALIDATION} split, absent when there is none */
    public Optional<EncodedSplit> validation() {
        return Optional.ofNullable(eval.get(VALIDATION));
    }

    /** @return the number of training records (packed rows count once) */
    public int trainCount() {
        return train.size();
    }

    /** @return the number of evaluation records over every evaluation split */
    public int evalCount() {
        return eval.values().stream().mapToInt(EncodedSplit::size).sum();
    }

    /** @return the token ids of the training split */
    public long trainTokens() {
        return train.tokenCount();
    }

    /** @return the token ids of every evaluation split */
    public long evalTokens() {
        return eval.values().stream().mapToLong(EncodedSplit::tokenCount).sum();
    }

    /** @return rows left out while reading the datasets or encoding them */
    public long droppedRows() {
        return droppedRows;
    }

    /** @return dropped rows by reason, e.g. {@code missing field -> 2}, {@code too long to pack -> 1} */
    public Map<String, Long> droppedByReason() {
        return droppedByReason;
    }

    /** @return the first dropped rows explained: dataset, file and line or index, field, and what was wrong */
    public List<String> dropMessages() {
        return dropMessages;
    }

    /** @return one line per dataset: rows read, kept, dropped by reason, used (empty when loaded from a cache) */
    public String loadSummary() {
        return loadSummary;
    }

    /** @return the rendered template audit, empty when no audit ran (it runs when the configuration trains) */
    public String auditReport() {
        return auditReport;
    }

    /** @return the audit's findings: template mismatches, stop tokens that are never learned */
    public List<String> auditWarnings() {
        return auditWarnings;
    }

    /** @return where the examples came from */
    public Source source() {
        return source;
    }

    /** @return the folder the examples were read from or saved to (cache entry or {@code tokenized_path}) */
    public Optional<Path> cachePath() {
        return Optional.ofNullable(cachePath);
    }

    /** @return the fingerprint of every input that shapes the encoding (hex) */
    public String fingerprint() {
        return fingerprint;
    }

    /** @return the id to pad sequences with (the tokenizer's pad token, else its eos) */
    public int padTokenId() {
        return padTokenId;
    }

    /** @return the ids generation stops on: the eos token and the template's stop words */
    public List<Integer> stopTokenIds() {
        return stopTokenIds;
    }

    /**
     * A resource the worker attached, looked up by the type it was attached under.
     *
     * @param type the type, e.g. the engine's tokenizer interface
     * @param <T> the type
     * @return the resource, absent when the worker attached none of that type
     * @throws IllegalStateException when the prepared data is closed
     */
    public <T> Optional<T> resource(Class<T> type) {
        if (closed.get()) {
            throw new IllegalStateException("prepared data is closed: its resources were freed");
        }
        return Optional.ofNullable(type.cast(resources.get(type)));
    }

    /**
     * Frees the resources this prepared data owns (native tokenizers), in the reverse order they were added.
     * Idempotent. The encoded examples stay readable.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        RuntimeException failure = null;
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException(
                            "cannot free a resource of the prepared data: " + e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** @return a few lines for logs: counts, tokens, drops, template, source */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append("stage ")
                .append(stage.key())
                .append(", template ")
                .append(templateName)
                .append(": train ")
                .append(train.size())
                .append(' ')
                .append(train.kind().key())
                .append(" records (")
                .append(train.tokenCount())
                .append(" tokens)");
        eval.forEach((n, s) -> sb.append(", ")
                .append(n)
                .append(' ')
                .append(s.size())
                .append(" records (")
                .append(s.tokenCount())
                .append(" tokens)"));
        sb.append(", dropped ").append(droppedRows);
        if (!droppedByReason.isEmpty()) {
            sb.append(' ').append(droppedByReason);
        }
        sb.append("; ")
                .append(
                        switch (source) {
                            case ENCODED -> "encoded";
                            case CACHE -> "from the cache";
                            case TOKENIZED_PATH -> "from tokenized_path";
                        });
        if (cachePath != null) {
            sb.append(" (").append(cachePath).append(')');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "PreparedData[" + summary() + "]";
    }

    /** Builder for {@link PreparedData}. */
    public static final class Builder {
        private final Stage stage;
        private String templateName = "";
        private EncodedSplit train;
        private Map<String, EncodedSplit> eval = new LinkedHashMap<>();
        private long droppedRows;
        private Map<String, Long> droppedByReason = new LinkedHashMap<>();
        private List<String> dropMessages = List.of();
        private String loadSummary = "";
        private String auditReport = "";
        private List<String> auditWarnings = List.of();
        private Source source = Source.ENCODED;
        private Path cachePath;
        private String fingerprint = "";
        private int padTokenId;
        private List<Integer> stopTokenIds = List.of();
        private Map<Class<?>, Object> resources = new LinkedHashMap<>();
        private List<AutoCloseable> owned = new ArrayList<>();

        private Builder(Stage stage) {
            this.stage = Objects.requireNonNull(stage, "stage");
        }

        /**
         * @param value the template name
         * @return this builder
         */
        public Builder templateName(String value) {
            this.templateName = Objects.requireNonNull(value, "templateName");
            return this;
        }

        /**
         * @param value the training split
         * @return this builder
         */
        public Builder train(EncodedSplit value) {
            this.train = value;
            return this;
        }

        /**
         * @param values the evaluation splits by name, in order
         * @return this builder
         */
        public Builder eval(Map<String, EncodedSplit> values) {
            this.eval = new LinkedHashMap<>(values);
            return this;
        }

        /**
         * @param total rows dropped
         * @param byReason rows dropped by reason
         * @param firstMessages the first dropped rows, explained
         * @return this builder
         */
        public Builder dropped(long total, Map<String, Long> byReason, List<String> firstMessages) {
            this.droppedRows = total;
            this.droppedByReason = new LinkedHashMap<>(byReason);
            this.dropMessages = List.copyOf(firstMessages);
            return this;
        }

        /**
         * @param value one line per dataset
         * @return this builder
         */
        public Builder loadSummary(String value) {
            this.loadSummary = Objects.requireNonNull(value, "loadSummary");
            return this;
        }

        /**
         * @param report the rendered audit
         * @param warnings its findings
         * @return this builder
         */
        public Builder audit(String report, List<String> warnings) {
            this.auditReport = Objects.requireNonNull(report, "report");
            this.auditWarnings = List.copyOf(warnings);
            return this;
        }

        /**
         * @param value where the examples came from
         * @param folder the cache entry or {@code tokenized_path} used, or null
         * @return this builder
         */
        public Builder source(Source value, Path folder) {
            this.source = Objects.requireNonNull(value, "source");
            this.cachePath = folder;
            return this;
        }

        /**
         * @param value the fingerprint of the inputs (hex)
         * @return this builder
         */
        public Builder fingerprint(String value) {
            this.fingerprint = Objects.requireNonNull(value, "fingerprint");
            return this;
        }

        /**
         * @param padId the padding id
         * @param stopIds the ids generation stops on
         * @return this builder
         */
        public Builder tokens(int padId, List<Integer> stopIds) {
            this.padTokenId = padId;
            this.stopTokenIds = List.copyOf(stopIds);
            return this;
        }

        /**
         * Attaches what the examples were encoded with, for callers of the same engine.
         *
         * @param type the type to look it up by
         * @param value the resource
         * @param <T> the type
         * @return this builder
         */
        public <T> Builder resource(Class<T> type, T value) {
            this.resources.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Hands a resource's native memory to the prepared data, which closes it in {@link PreparedData#close()}.
         *
         * @param resource what to close
         * @return this builder
         */
        public Builder owning(AutoCloseable resource) {
            this.owned.add(Objects.requireNonNull(resource, "resource"));
            return this;
        }

        /** @return the prepared data */
        public PreparedData build() {
            return new PreparedData(this);
        }
    }
}
