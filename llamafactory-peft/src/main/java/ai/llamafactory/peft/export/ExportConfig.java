package ai.llamafactory.peft.export;

import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.core.checkpoint.SafetensorsDtype;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link ModelExporter} writes (LLaMA-Factory's {@code ExportArguments}), immutable; build with
 * {@link #builder(Path)}.
 */
public final class ExportConfig {
    /** Bytes in one unit of {@code export_size} (transformers reads {@code "5GB"} as 5 * 10^9 bytes). */
    public static final long BYTES_PER_GB = 1_000_000_000L;

    private final Path exportDir;
    private final long maxShardBytes;
    private final SafetensorsDtype weightDtype;
    private final Path sourceFolder;
    private final String chatTemplate;
    private final OllamaModelfile modelfile;

    private ExportConfig(Builder b) {
        this.exportDir = b.exportDir;
        this.maxShardBytes = b.maxShardBytes;
        this.weightDtype = b.weightDtype;
        this.sourceFolder = b.sourceFolder;
        this.chatTemplate = b.chatTemplate;
        this.modelfile = b.modelfile;
    }

    /**
     * @param exportDir {@code export_dir}
     * @return a builder with {@code export_size} 5 (GB) and the weights in the model's own dtype
     */
    public static Builder builder(Path exportDir) {
        return new Builder(exportDir);
    }

    /** @return {@code export_dir} */
    public Path exportDir() {
        return exportDir;
    }

    /** @return the largest shard, in bytes ({@code export_size} GB) */
    public long maxShardBytes() {
        return maxShardBytes;
    }

    /** @return the stored weight dtype; empty for the base checkpoint's dtype ({@code torch_dtype}) */
    public Optional<SafetensorsDtype> weightDtype() {
        return Optional.ofNullable(weightDtype);
    }

    /**
     * @return the base model folder whose tokenizer files and {@code generation_config.json} are copied, if any
     */
    public Optional<Path> sourceFolder() {
        return Optional.ofNullable(sourceFolder);
    }

    /** @return the chat template (Jinja) to embed in the tokenizer configuration, if any */
    public Optional<String> chatTemplate() {
        return Optional.ofNullable(chatTemplate);
    }

    /** @return the Ollama Modelfile to write, if any */
    public Optional<OllamaModelfile> modelfile() {
        return Optional.ofNullable(modelfile);
    }

    /** Builder for {@link ExportConfig}. */
    public static final class Builder {
        private final Path exportDir;
        private long maxShardBytes = 5 * BYTES_PER_GB;
        private SafetensorsDtype weightDtype;
        private Path sourceFolder;
        private String chatTemplate;
        private OllamaModelfile modelfile;

        private Builder(Path exportDir) {
            this.exportDir = Objects.requireNonNull(exportDir, "exportDir");
        }

        /**
         * @param gigabytes {@code export_size}: the largest shard in GB (10^9 bytes), &gt; 0
         * @return this builder
         */
        public Builder exportSize(int gigabytes) {
            if (gigabytes <= 0) {
                throw new InvalidConfigException("export_size: must be > 0 (GB), got " + gigabytes);
            }
            this.maxShardBytes = gigabytes * BYTES_PER_GB;
            return this;
        }

        /**
         * @param bytes the largest shard in bytes, &gt; 0 (finer than {@link #exportSize(int)})
         * @return this builder
         */
        public Builder maxShardBytes(long bytes) {
            if (bytes <= 0) {
                throw new InvalidConfigException("export_size: the shard size must be > 0 bytes, got " + bytes);
            }
            this.maxShardBytes = bytes;
            return this;
        }

        /**
         * @param value F32, F16 or BF16
         * @return this builder
         */
        public Builder weightDtype(SafetensorsDtype value) {
            if (value != null
                    && value != SafetensorsDtype.F32
                    && value != SafetensorsDtype.F16
                    && value != SafetensorsDtype.BF16) {
                throw new InvalidConfigException("export dtype: weights are stored as F32, F16 or BF16, not " + value);
            }
            this.weightDtype = value;
            return this;
        }

        /**
         * @param value the base model folder (tokenizer files, generation_config.json)
         * @return this builder
         */
        public Builder sourceFolder(Path value) {
            this.sourceFolder = value;
            return this;
        }

        /**
         * @param value the chat template to embed
         * @return this builder
         */
        public Builder chatTemplate(String value) {
            this.chatTemplate = value;
            return this;
        }

        /**
         * @param value the Ollama Modelfile
         * @return this builder
         */
        public Builder modelfile(OllamaModelfile value) {
            this.modelfile = value;
            return this;
        }

        /** @return the configuration */
        public ExportConfig build() {
            return new ExportConfig(this);
        }
    }
}
