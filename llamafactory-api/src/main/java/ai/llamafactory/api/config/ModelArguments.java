package ai.llamafactory.api.config;

import ai.llamafactory.api.exception.InvalidConfigException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a model comes from and how it is placed on a device. Immutable; build with {@link #builder(String)}.
 *
 * <p>YAML keys: {@code model_name_or_path}, {@code model_revision}, {@code cache_dir}, {@code hf_hub_token},
 * plus this library's {@code offline} and {@code device}.
 */
public final class ModelArguments {
    private final String modelNameOrPath;
    private final String revision;
    private final Path cacheDir;
    private final String hubToken;
    private final String hubEndpoint;
    private final boolean offline;
    private final String device;
    private final Precision precision;

    private ModelArguments(Builder b) {
        if (b.modelNameOrPath == null || b.modelNameOrPath.isBlank()) {
            throw new InvalidConfigException("model_name_or_path: must name a local folder or a hub id, got '"
                    + b.modelNameOrPath + "'");
        }
        this.modelNameOrPath = b.modelNameOrPath;
        this.revision = b.revision;
        this.cacheDir = b.cacheDir;
        this.hubToken = b.hubToken;
        this.hubEndpoint = b.hubEndpoint;
        this.offline = b.offline;
        this.device = Objects.requireNonNull(b.device, "device");
        this.precision = Objects.requireNonNull(b.precision, "precision");
    }

    /**
     * Starts a builder.
     *
     * @param modelNameOrPath a local Hugging Face model folder or a hub id such as {@code Qwen/Qwen3-0.6B}
     * @return a builder with defaults: revision {@code main}, device {@code auto}, precision {@link Precision#AUTO}
     */
    public static Builder builder(String modelNameOrPath) {
        return new Builder(modelNameOrPath);
    }

    /** @return a builder initialised with this object's values */
    public Builder toBuilder() {
        Builder b = new Builder(modelNameOrPath);
        b.revision = revision;
        b.cacheDir = cacheDir;
        b.hubToken = hubToken;
        b.hubEndpoint = hubEndpoint;
        b.offline = offline;
        b.device = device;
        b.precision = precision;
        return b;
    }

    /** @return a local folder or a hub id */
    public String modelNameOrPath() {
        return modelNameOrPath;
    }

    /** @return the hub revision (branch, tag or commit), {@code main} by default */
    public String revision() {
        return revision;
    }

    /** @return the download cache folder; empty means {@code $HF_HOME/hub} or {@code ~/.cache/huggingface/hub} */
    public Optional<Path> cacheDir() {
        return Optional.ofNullable(cacheDir);
    }

    /** @return the hub token; empty means the {@code HF_TOKEN} environment variable, if set */
    public Optional<String> hubToken() {
        return Optional.ofNullable(hubToken);
    }

    /** @return the hub endpoint; empty means {@code HF_ENDPOINT} or {@code https://huggingface.co} */
    public Optional<String> hubEndpoint() {
        return Optional.ofNullable(hubEndpoint);
    }

    /** @return true when nothing may be downloaded (also forced by {@code HF_HUB_OFFLINE=1}) */
    public boolean offline() {
        return offline;
    }

    /** @return {@code auto}, {@code cpu}, {@code cuda} or {@code cuda:N} */
    public String device() {
        return device;
    }

    /** @return the requested precision */
    public Precision precision() {
        return precision;
    }

    @Override
    public String toString() {
        return "ModelArguments{model_name_or_path=" + modelNameOrPath + ", revision=" + revision + ", device=" + device
                + ", precision=" + precision + ", offline=" + offline + "}";
    }

    /** Builder for {@link ModelArguments}. */
    public static final class Builder {
        private String modelNameOrPath;
        private String revision = "main";
        private Path cacheDir;
        private String hubToken;
        private String hubEndpoint;
        private boolean offline;
        private String device = "auto";
        private Precision precision = Precision.AUTO;

        private Builder(String modelNameOrPath) {
            this.modelNameOrPath = modelNameOrPath;
        }

        /**
         * @param value a local folder or hub id
         * @return this builder
         */
        public Builder modelNameOrPath(String value) {
            this.modelNameOrPath = value;
            return this;
        }

        /**
         * @param value hub revision
         * @return this builder
         */
        public Builder revision(String value) {
            this.revision = Objects.requireNonNull(value, "revision");
            return this;
        }

        /**
         * @param value download cache folder
         * @return this builder
         */
        public Builder cacheDir(Path value) {
            this.cacheDir = value;
            return this;
        }

        /**
         * @param value hub access token
         * @return this builder
         */
        public Builder hubToken(String value) {
            this.hubToken = value;
            return this;
        }

        /**
         * @param value hub endpoint such as {@code https://hf-mirror.com}
         * @return this builder
         */
        public Builder hubEndpoint(String value) {
            this.hubEndpoint = value;
            return this;
        }

        /**
         * @param value true to forbid downloads
         * @return this builder
         */
        public Builder offline(boolean value) {
            this.offline = value;
            return this;
        }

        /**
         * @param value {@code auto}, {@code cpu}, {@code cuda} or {@code cuda:N}
         * @return this builder
         */
        public Builder device(String value) {
            if (value == null || !value.matches("auto|cpu|gpu|cuda(:\\d+)?|gpu(:\\d+)?")) {
                throw new InvalidConfigException(
                        "device: expected auto, cpu, cuda or cuda:N, got '" + value + "'");
            }
            this.device = value;
            return this;
        }

        /**
         * @param value requested precision
         * @return this builder
         */
        public Builder precision(Precision value) {
            this.precision = Objects.requireNonNull(value, "precision");
            return this;
        }

        /** @return the immutable arguments */
        public ModelArguments build() {
            return new ModelArguments(this);
        }
    }
}
