package ai.llamafactory.api.config;

import static ai.llamafactory.api.config.Key.oneOf;
import static ai.llamafactory.api.config.Key.positiveInt;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How a trained model is exported (adapters merged, weights sharded): LLaMA-Factory's export arguments. Immutable;
 * build with {@link #builder()}. Defaults equal LLaMA-Factory's. Each setting is declared once, as a {@link Key}
 * constant below; accessors and builder methods read and write through it.
 */
public final class ExportArguments {
    private static final Key.Group KEYS = new Key.Group();

    /** {@code export_dir}. */
    public static final Key<Path> EXPORT_DIR = KEYS.add(
            Key.of("export_dir", ValueType.PATH, null, "the folder the merged or converted model is written to"));
    /** {@code export_size}. */
    public static final Key<Integer> EXPORT_SIZE =
            KEYS.add(Key.of("export_size", ValueType.INTEGER, 5, "the maximum size of one weight shard, in GB")
                    .check("> 0", positiveInt()));
    /** {@code export_device}. */
    public static final Key<ExportDevice> EXPORT_DEVICE = KEYS.add(Key.of(
            "export_device",
            ValueType.ofEnum(ExportDevice.class, ExportDevice::key, ExportDevice::fromKey),
            ExportDevice.CPU,
            "where adapters are merged"));
    /** {@code export_legacy_format}. */
    public static final Key<Boolean> EXPORT_LEGACY_FORMAT = KEYS.add(Key.of(
                    "export_legacy_format",
                    ValueType.BOOLEAN,
                    false,
                    "whether weights are saved as {@code .bin} instead of {@code .safetensors}")
            .unsupported("PyTorch .bin weights are not written; set it to false to export safetensors"));
    /** {@code export_dtype}. */
    public static final Key<Precision> EXPORT_DTYPE = KEYS.add(Key.of(
            "export_dtype",
            ValueType.ofEnum(Precision.class, Precision::key, Precision::fromKey),
            Precision.AUTO,
            "the dtype of exported weights; {@code auto} keeps the checkpoint's (this library's key)"));
    /** {@code export_hub_model_id}. */
    public static final Key<String> EXPORT_HUB_MODEL_ID = KEYS.add(
            Key.of("export_hub_model_id", ValueType.STRING, null, "the hub repository the exported model is pushed to")
                    .unsupported("pushing to the Hugging Face Hub is not implemented; upload export_dir yourself"));
    /** {@code export_quantization_bit}. */
    public static final Key<Integer> EXPORT_QUANTIZATION_BIT = KEYS.add(Key.of(
                    "export_quantization_bit",
                    ValueType.INTEGER,
                    null,
                    "the bits to quantize the exported model to (GPTQ)")
            .unsupported(
                    "quantizing while exporting (GPTQ) is not implemented yet; remove it to export unquantized weights")
            .check("one of [2, 3, 4, 8]", oneOf(2, 3, 4, 8)));
    /** {@code export_quantization_dataset}. */
    public static final Key<String> EXPORT_QUANTIZATION_DATASET = KEYS.add(Key.of(
                    "export_quantization_dataset",
                    ValueType.STRING,
                    null,
                    "the dataset used to calibrate the export quantization")
            .unsupported("only used with export_quantization_bit, which is not supported yet"));
    /** {@code export_quantization_nsamples}. */
    public static final Key<Integer> EXPORT_QUANTIZATION_NSAMPLES =
            KEYS.add(Key.of("export_quantization_nsamples", ValueType.INTEGER, 128, "the number of calibration samples")
                    .unsupported("only used with export_quantization_bit, which is not supported yet")
                    .check("> 0", positiveInt()));
    /** {@code export_quantization_maxlen}. */
    public static final Key<Integer> EXPORT_QUANTIZATION_MAXLEN = KEYS.add(
            Key.of("export_quantization_maxlen", ValueType.INTEGER, 1024, "the maximum length of calibration samples")
                    .unsupported("only used with export_quantization_bit, which is not supported yet")
                    .check("> 0", positiveInt()));
    /** {@code export_ollama_modelfile}. */
    public static final Key<Boolean> EXPORT_OLLAMA_MODELFILE = KEYS.add(Key.of(
            "export_ollama_modelfile",
            ValueType.BOOLEAN,
            true,
            "whether an Ollama {@code Modelfile} is written next to the exported model (this library's key)"));

    private static final ArgumentGroup<ExportArguments, Builder> SCHEMA = Settings.schema(
            "export",
            KEYS,
            Builder::new,
            Builder::build,
            ExportArguments::defaults,
            null,
            a -> a.values,
            b -> b.values);

    private final Settings values;

    private ExportArguments(Settings values) {
        // no rule across keys: LLaMA-Factory's one (a calibration dataset for export_quantization_bit) cannot
        // trigger while export_quantization_bit is refused
        this.values = values;
    }

    /** @return a builder with LLaMA-Factory's defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the arguments with every value at LLaMA-Factory's default */
    public static ExportArguments defaults() {
        return builder().build();
    }

    /** @return the configuration-file keys of this class */
    static ArgumentGroup<ExportArguments, Builder> schema() {
        return SCHEMA;
    }

    /** @return a builder initialised with this object's values */
    public Builder toBuilder() {
        return new Builder(values.toBuilder());
    }

    /** @return {@link #EXPORT_DIR}, empty when unset */
    public Optional<Path> exportDir() {
        return Optional.ofNullable(values.get(EXPORT_DIR));
    }

    /** @return {@link #EXPORT_SIZE} */
    public int exportSize() {
        return values.get(EXPORT_SIZE);
    }

    /** @return {@link #EXPORT_DEVICE} */
    public ExportDevice exportDevice() {
        return values.get(EXPORT_DEVICE);
    }

    /** @return {@link #EXPORT_LEGACY_FORMAT} */
    public boolean exportLegacyFormat() {
        return values.get(EXPORT_LEGACY_FORMAT);
    }

    /** @return {@link #EXPORT_DTYPE} */
    public Precision exportDtype() {
        return values.get(EXPORT_DTYPE);
    }

    /** @return {@link #EXPORT_HUB_MODEL_ID}, empty when unset */
    public Optional<String> exportHubModelId() {
        return Optional.ofNullable(values.get(EXPORT_HUB_MODEL_ID));
    }

    /** @return {@link #EXPORT_QUANTIZATION_BIT}, empty when unset */
    public OptionalInt exportQuantizationBit() {
        return values.optionalInt(EXPORT_QUANTIZATION_BIT);
    }

    /** @return {@link #EXPORT_QUANTIZATION_DATASET}, empty when unset */
    public Optional<String> exportQuantizationDataset() {
        return Optional.ofNullable(values.get(EXPORT_QUANTIZATION_DATASET));
    }

    /** @return {@link #EXPORT_QUANTIZATION_NSAMPLES} */
    public int exportQuantizationNsamples() {
        return values.get(EXPORT_QUANTIZATION_NSAMPLES);
    }

    /** @return {@link #EXPORT_QUANTIZATION_MAXLEN} */
    public int exportQuantizationMaxlen() {
        return values.get(EXPORT_QUANTIZATION_MAXLEN);
    }

    /** @return {@link #EXPORT_OLLAMA_MODELFILE} */
    public boolean exportOllamaModelfile() {
        return values.get(EXPORT_OLLAMA_MODELFILE);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExportArguments && values.equals(((ExportArguments) o).values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    /** @return the class name and every key that differs from its default, in configuration-file spelling */
    @Override
    public String toString() {
        return SCHEMA.describe(this);
    }

    /**
     * Builder for {@link ExportArguments}; starts from LLaMA-Factory's defaults and checks every value in {@link
     * #build()}. Each method sets the key of the same name (see the constants of {@link ExportArguments}).
     */
    public static final class Builder {
        private final Settings.Builder values;

        private Builder() {
            this(new Settings.Builder(KEYS));
        }

        private Builder(Settings.Builder values) {
            this.values = values;
        }

        private Builder set(Key<?> key, Object value) {
            values.set(key, value);
            return this;
        }

        /**
         * @param value {@link ExportArguments#EXPORT_DIR}, or null for none
         * @return this builder
         */
        public Builder exportDir(Path value) {
            return set(EXPORT_DIR, value);
        }

        /**
         * @param value {@link ExportArguments#EXPORT_DIR}, or null for none
         * @return this builder
         */
        public Builder exportDir(String value) {
            return set(EXPORT_DIR, Checks.path("export_dir", value));
        }

        /**
         * @param value {@link ExportArguments#EXPORT_SIZE}
         * @return this builder
         */
        public Builder exportSize(int value) {
            return set(EXPORT_SIZE, value);
        }

        /**
         * @param value {@link ExportArguments#EXPORT_DEVICE}
         * @return this builder
         */
        public Builder exportDevice(ExportDevice value) {
            return set(EXPORT_DEVICE, value);
        }

        /**
         * @param value {@link ExportArguments#EXPORT_LEGACY_FORMAT}
         * @return this builder
         */
        public Builder exportLegacyFormat(boolean value) {
            return set(EXPORT_LEGACY_FORMAT, value);
        }

        /**
         * @param value {@link ExportArguments#EXPORT_DTYPE}
         * @return this builder
         */
        public Builder exportDtype(Precision value) {
            return set(EXPORT_DTYPE, value);
        }

        /**
         * @param value {@link ExportArguments#EXPORT_HUB_MODEL_ID}, or null for none
         * @return this builder
         */
        public Builder exportHubModelId(String value) {
            return set(EXPORT_HUB_MODEL_ID, value);
        }

        /**
         * @param value {@link ExportArguments#EXPORT_QUANTIZATION_BIT}, or null for none
         * @return this builder
         */
        public Builder exportQuantizationBit(Integer value) {
            return set(EXPORT_QUANTIZATION_BIT, value);
        }

        /**
         * @param value {@link ExportArguments#EXPORT_QUANTIZATION_DATASET}, or null for none
         * @return this builder
         */
        public Builder exportQuantizationDataset(String value) {
            return set(EXPORT_QUANTIZATION_DATASET, value);
        }

        /**
         * @param value {@link ExportArguments#EXPORT_QUANTIZATION_NSAMPLES}
         * @return this builder
         */
        public Builder exportQuantizationNsamples(int value) {
            return set(EXPORT_QUANTIZATION_NSAMPLES, value);
        }

        /**
         * @param value {@link ExportArguments#EXPORT_QUANTIZATION_MAXLEN}
         * @return this builder
         */
        public Builder exportQuantizationMaxlen(int value) {
            return set(EXPORT_QUANTIZATION_MAXLEN, value);
        }

        /**
         * @param value {@link ExportArguments#EXPORT_OLLAMA_MODELFILE}
         * @return this builder
         */
        public Builder exportOllamaModelfile(boolean value) {
            return set(EXPORT_OLLAMA_MODELFILE, value);
        }

        /**
         * Builds the arguments.
         *
         * @return the immutable arguments
         * @throws ai.llamafactory.api.exception.InvalidConfigException naming the key and value that are out of range
         *     or do not fit together
         */
        public ExportArguments build() {
            return new ExportArguments(values.build());
        }
    }
}
