package ai.llamafactory.data.dataset;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

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
        Optional<String> folder) {

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

    /** @return a one-line description for messages: name, file, formatting, ranking */
    public String describe() {
        return "'" + name + "' (" + fileName.map(f -> "file_name " + f)
                .orElseGet(() -> remoteSource.map(r -> r.key() + " " + r.location()).orElse("?"))
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
            return new DatasetInfo(name, Optional.ofNullable(fileName), Optional.ofNullable(remoteSource), formatting,
                    ranking, columns != null ? columns : DatasetColumns.defaults(formatting),
                    tags != null ? tags : DatasetTags.defaults(formatting),
                    numSamples == null ? OptionalInt.empty() : OptionalInt.of(numSamples), split,
                    Optional.ofNullable(subset), Optional.ofNullable(folder));
        }
    }
}
