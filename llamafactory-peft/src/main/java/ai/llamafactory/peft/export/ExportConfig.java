package ai.llamafactory.peft.export;

import ai.llamafactory.api.config.ExportArguments;
import ai.llamafactory.api.config.Precision;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.core.checkpoint.SafetensorsDtype;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link ModelExporter} writes: a view of LLaMA-Factory's {@link ExportArguments} ({@code export_dir},
 * {@code export_size}, {@code export_dtype}, whose keys hold the defaults and checks) plus what the arguments do not
 * have: the base model folder to copy files from, the chat template and Modelfile to write, and a shard size finer
 * than whole gigabytes. Immutable; build with {@link #from(ExportArguments)} or {@link #builder(Path)}.
 */
public final class ExportConfig {
    /** Bytes in one unit of {@code export_size} (transformers reads {@code "5GB"} as 5 * 10^9 bytes). */
    public static final long BYTES_PER_GB = 1_000_000_000L;

    private final ExportArguments arguments;
    private final Path exportDir;
    private final Long maxShardBytes;
    private final Path sourceFolder;
    private final String chatTemplate;
    private final OllamaModelfile modelfile;

    private ExportConfig(Builder b) {
        this.arguments = b.arguments.build();
        this.exportDir = arguments
                .exportDir()
                .orElseThrow(() -> new InvalidConfigException(
                        "export_dir: required to export a model (the folder the merged model is written to); add "
                                + "export_dir=<folder>"));
        this.maxShardBytes = b.maxShardBytes;
        this.sourceFolder = b.sourceFolder;
        this.chatTemplate = b.chatTemplate;
        this.modelfile = b.modelfile;
    }

    /**
     * @param arguments the export arguments; {@code export_dir} must be set
     * @return a builder starting from the arguments (for the values they do not have)
     */
    public static Builder from(ExportArguments arguments) {
        return new Builder(arguments.toBuilder());
    }

    /**
     * @param exportDir {@code export_dir}
     * @return a builder with the other export arguments at their defaults
     */
    public static Builder builder(Path exportDir) {
        return new Builder(ExportArguments.builder().exportDir(Objects.requireNonNull(exportDir, "exportDir")));
    }

    /** @return the arguments this configuration views */
    public ExportArguments arguments() {
        return arguments;
    }

    /** @return {@link ExportArguments#EXPORT_DIR} */
    public Path exportDir() {
        return exportDir;
    }

    /** @return the largest shard, in bytes: {@link ExportArguments#EXPORT_SIZE} GB unless set finer */
    public long maxShardBytes() {
        return maxShardBytes != null ? maxShardBytes : arguments.exportSize() * BYTES_PER_GB;
    }

    /**
     * @return the stored weight dtype ({@link ExportArguments#EXPORT_DTYPE}); empty for {@code auto}, the base
     *     checkpoint's dtype ({@code torch_dtype})
     */
    public Optional<SafetensorsDtype> weightDtype() {
        return switch (arguments.exportDtype()) {
            case AUTO -> Optional.empty();
            case FP32 -> Optional.of(SafetensorsDtype.F32);
            case FP16 -> Optional.of(SafetensorsDtype.F16);
            case BF16 -> Optional.of(SafetensorsDtype.BF16);
        };
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

    /**
     * Builder for {@link ExportConfig}: {@code export_size} and the dtype are written into an {@link ExportArguments}
     * builder (its checks apply in {@link #build()}); the rest are this configuration's own.
     */
    public static final class Builder {
        private final ExportArguments.Builder arguments;
        private Long maxShardBytes;
        private Path sourceFolder;
        private String chatTemplate;
        private OllamaModelfile modelfile;

        private Builder(ExportArguments.Builder arguments) {
            this.arguments = arguments;
        }

        /**
         * @param gigabytes {@link ExportArguments#EXPORT_SIZE}: the largest shard in GB (10^9 bytes)
         * @return this builder
         */
        public Builder exportSize(int gigabytes) {
            arguments.exportSize(gigabytes);
            this.maxShardBytes = null;
            return this;
        }

        /**
         * @param bytes the largest shard in bytes, &gt; 0 (finer than {@link #exportSize(int)}, which the arguments
         *     do not allow)
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
         * @param value F32, F16 or BF16 ({@link ExportArguments#EXPORT_DTYPE} fp32, fp16 or bf16); null for auto
         * @return this builder
         * @throws InvalidConfigException for a dtype {@code export_dtype} cannot name
         */
        public Builder weightDtype(SafetensorsDtype value) {
            Precision precision;
            if (value == null) {
                precision = Precision.AUTO;
            } else {
                precision = switch (value) {
                    case F32 -> Precision.FP32;
                    case F16 -> Precision.FP16;
                    case BF16 -> Precision.BF16;
                    default -> throw new InvalidConfigException(
                            "export dtype: weights are stored as F32, F16 or BF16, not " + value);
                };
            }
            arguments.exportDtype(precision);
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

        /**
         * @return the configuration
         * @throws InvalidConfigException when the export arguments refuse a value (for example {@code export_size} 0)
         *     or {@code export_dir} is unset
         */
        public ExportConfig build() {
            return new ExportConfig(this);
        }
    }
}
