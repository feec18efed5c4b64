package ai.llamafactory.data.dataset;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One entry of {@code dataset_info.json}: where a dataset's rows are and how to read them.
 *
 * @param name the entry's key, the name used in {@code dataset: a,b}
 * @param fileName a file or folder under the dataset directory (or an absolute path); empty for remote entries
 * @param remoteSource a hub, script or cloud location, when the entry names one
 * @param formatting the row layout, {@link DatasetFormatting#ALPACA} by default
 * @param ranking true for pairwise preference data (chosen and rejected answers)
 * @param columns which row fields hold what
 * @param tags message keys and role values of sharegpt/openai conversations
 * @param numSamples when present, the dataset is down- or up-sampled to this many rows
 * @param split the split to read; local files only have {@code train}
 * @param subset hub subset name (recognised, unused for local files)
 * @param folder hub folder (recognised, unused for local files)
 * @param declaredColumns the {@code columns} keys (as in {@link DatasetColumns#KEYS}) that {@code dataset_info.json}
 *     names with a column, as opposed to LLaMA-Factory's defaults: a declared column that no row of a file holds is
 *     an error, a row without it is dropped (see {@link DatasetLoader})
 */
public record DatasetInfo(
        String name,
        Optional<String> fileName,
        Optional<RemoteSource> remoteSource,
        DatasetFormatting formatting,
        boolean ranking,
        DatasetColumns columns,
        DatasetTags tags,
        OptionalInt numSamples,
        String split,
        Optional<String> subset,
        Optional<String> folder,
        Set<String> declaredColumns) {

    /** Validates the components. */
    public DatasetInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(remoteSource, "remoteSource");
        Objects.requireNonNull(formatting, "formatting");
        Objects.requireNonNull(columns, "columns");
        Objects.requireNonNull(tags, "tags");
        Objects.requireNonNull(numSamples, "numSamples");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(subset, "subset");
        Objects.requireNonNull(folder, "folder");
        declaredColumns = Collections.unmodifiableSet(
                new LinkedHashSet<>(Objects.requireNonNull(declaredColumns, "declaredColumns")));
        Map<String, String> byKey = columns.asMap();
        for (String key : declaredColumns) {
            if (byKey.get(key) == null) {
                throw new IllegalArgumentException("dataset '" + name + "': declared column key '" + key + "' names "
                        + "no column; declared keys must be among " + DatasetColumns.KEYS + " with a column set");
            }
        }
        if (fileName.isEmpty() && remoteSource.isEmpty()) {
            throw new IllegalArgumentException("dataset '" + name + "' needs a file_name or a remote source");
        }
    }

    /**
     * Starts a builder for a local dataset.
     *
     * @param name the dataset name
     * @param fileName the file or folder under the dataset directory
     * @return a builder with LLaMA-Factory's defaults (alpaca, not ranking, split train)
     */
    public static Builder builder(String name, String fileName) {
        return new Builder(name).fileName(fileName);
    }

    /** @return true when the rows are in a local file or folder */
    public boolean isLocal() {
        return fileName.isPresent();
    }

    /**
     * @param key a {@code columns} key, e.g. {@code prompt}
     * @return whether {@code dataset_info.json} names that column explicitly
     */
    public boolean declares(String key) {
        return declaredColumns.contains(key);
    }

    /** @return a one-line description for messages: name, file, formatting, ranking */
    public String describe() {
        return "'" + name + "' ("
                + fileName.map(f -> "file_name " + f).orElseGet(() -> remoteSource
                        .map(r -> r.key() + " " + r.location())
                        .orElse("?"))
                + ", formatting " + formatting.key() + (ranking ? ", ranking" : "")
                + (columns.ktoTag() != null ? ", kto_tag column '" + columns.ktoTag() + "'" : "") + ")";
    }

    /** Builder for {@link DatasetInfo}; columns and tags default to the formatting's defaults. */
    public static final class Builder {
        private final String name;
        private String fileName;
        private RemoteSource remoteSource;
        private DatasetFormatting formatting = DatasetFormatting.ALPACA;
        private boolean ranking;
        private DatasetColumns columns;
        private DatasetTags tags;
        private Integer numSamples;
        private String split = "train";
        private String subset;
        private String folder;
        private Set<String> declaredColumns;

        /**
         * @param name the dataset name
         */
        public Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /**
         * @param fileName file or folder under the dataset directory
         * @return this builder
         */
        public Builder fileName(String fileName) {
            this.fileName = fileName;
            return this;
        }

        /**
         * @param remoteSource hub or script location
         * @return this builder
         */
        public Builder remoteSource(RemoteSource remoteSource) {
            this.remoteSource = remoteSource;
            return this;
        }

        /**
         * @param formatting row layout
         * @return this builder
         */
        public Builder formatting(DatasetFormatting formatting) {
            this.formatting = Objects.requireNonNull(formatting, "formatting");
            return this;
        }

        /**
         * @param ranking true for pairwise preference data
         * @return this builder
         */
        public Builder ranking(boolean ranking) {
            this.ranking = ranking;
            return this;
        }

        /**
         * @param columns the columns; null means the formatting's defaults
         * @return this builder
         */
        public Builder columns(DatasetColumns columns) {
            this.columns = columns;
            return this;
        }

        /**
         * Which column keys the entry names explicitly ({@code DatasetRegistry} passes the keys of the
         * {@code columns} object). When never called, the keys whose column differs from the formatting's default
         * count as declared.
         *
         * @param keys {@code columns} keys, e.g. {@code prompt}
         * @return this builder
         */
        public Builder declaredColumns(Collection<String> keys) {
            this.declaredColumns = new LinkedHashSet<>(keys);
            return this;
        }

        /**
         * @param tags the tags; null means the formatting's defaults
         * @return this builder
         */
        public Builder tags(DatasetTags tags) {
            this.tags = tags;
            return this;
        }

        /**
         * @param numSamples target row count, or null for all rows
         * @return this builder
         */
        public Builder numSamples(Integer numSamples) {
            if (numSamples != null && numSamples < 1) {
                throw new IllegalArgumentException("num_samples must be >= 1, got " + numSamples);
            }
            this.numSamples = numSamples;
            return this;
        }

        /**
         * @param split the split name
         * @return this builder
         */
        public Builder split(String split) {
            this.split = Objects.requireNonNull(split, "split");
            return this;
        }

        /**
         * @param subset hub subset
         * @return this builder
         */
        public Builder subset(String subset) {
            this.subset = subset;
            return this;
        }

        /**
         * @param folder hub folder
         * @return this builder
         */
        public Builder folder(String folder) {
            this.folder = folder;
            return this;
        }

        /** @return the entry */
        public DatasetInfo build() {
            DatasetColumns c = columns != null ? columns : DatasetColumns.defaults(formatting);
            Set<String> declared = declaredColumns;
            if (declared == null) {
                Map<String, String> defaults =
                        DatasetColumns.defaults(formatting).asMap();
                declared = new LinkedHashSet<>();
                for (Map.Entry<String, String> e : c.asMap().entrySet()) {
                    if (e.getValue() != null && !e.getValue().equals(defaults.get(e.getKey()))) {
                        declared.add(e.getKey());
                    }
                }
            }
            return new DatasetInfo(
                    name,
                    Optional.ofNullable(fileName),
                    Optional.ofNullable(remoteSource),
                    formatting,
                    ranking,
                    c,
                    tags != null ? tags : DatasetTags.defaults(formatting),
                    numSamples == null ? OptionalInt.empty() : OptionalInt.of(numSamples),
                    split,
                    Optional.ofNullable(subset),
                    Optional.ofNullable(folder),
                    declared);
        }
    }
}
