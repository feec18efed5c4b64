package ai.llamafactory.api.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How a trained model is exported (adapters merged, weights sharded): LLaMA-Factory's export arguments. Immutable;
 * build with {@link #builder()}. Defaults equal LLaMA-Factory's.
 */
public final class ExportArguments {
    private final Path exportDir;
    private final int exportSize;
    private final ExportDevice exportDevice;
    private final boolean exportLegacyFormat;
    private final Precision exportDtype;
    private final String exportHubModelId;
    private final Integer exportQuantizationBit;
    private final String exportQuantizationDataset;
    private final int exportQuantizationNsamples;
    private final int exportQuantizationMaxlen;
    private final boolean exportOllamaModelfile;

    private ExportArguments(Builder b) {
        this.exportDir = b.exportDir;
        this.exportSize = b.exportSize;
        this.exportDevice = b.exportDevice;
        this.exportLegacyFormat = b.exportLegacyFormat;
        this.exportDtype = b.exportDtype;
        this.exportHubModelId = b.exportHubModelId;
        this.exportQuantizationBit = b.exportQuantizationBit;
        this.exportQuantizationDataset = b.exportQuantizationDataset;
        this.exportQuantizationNsamples = b.exportQuantizationNsamples;
        this.exportQuantizationMaxlen = b.exportQuantizationMaxlen;
        this.exportOllamaModelfile = b.exportOllamaModelfile;
        validate();
    }

    /** @return a builder with LLaMA-Factory's defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the arguments with every value at LLaMA-Factory's default */
    public static ExportArguments defaults() {
        return builder().build();
    }

    /** @return a builder initialised with this object's values */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.exportDir = exportDir;
        b.exportSize = exportSize;
        b.exportDevice = exportDevice;
        b.exportLegacyFormat = exportLegacyFormat;
        b.exportDtype = exportDtype;
        b.exportHubModelId = exportHubModelId;
        b.exportQuantizationBit = exportQuantizationBit;
        b.exportQuantizationDataset = exportQuantizationDataset;
        b.exportQuantizationNsamples = exportQuantizationNsamples;
        b.exportQuantizationMaxlen = exportQuantizationMaxlen;
        b.exportOllamaModelfile = exportOllamaModelfile;
        return b;
    }

    /** @return the folder the merged or converted model is written to ({@code export_dir}, default none) */
    public Optional<Path> exportDir() {
        return Optional.ofNullable(exportDir);
    }

    /** @return the maximum size of one weight shard, in GB ({@code export_size}, default 5) */
    public int exportSize() {
        return exportSize;
    }

    /** @return where adapters are merged ({@code export_device}, default {@code cpu}) */
    public ExportDevice exportDevice() {
        return exportDevice;
    }

    /**
     * @return whether weights are saved as {@code .bin} instead of {@code .safetensors} ({@code export_legacy_format},
     *     default false)
     */
    public boolean exportLegacyFormat() {
        return exportLegacyFormat;
    }

    /**
     * @return the dtype of exported weights; {@code auto} keeps the checkpoint's ({@code
     *     export_dtype}, this library's key, default {@code auto})
     */
    public Precision exportDtype() {
        return exportDtype;
    }

    /** @return the hub repository the exported model is pushed to ({@code export_hub_model_id}, default none) */
    public Optional<String> exportHubModelId() {
        return Optional.ofNullable(exportHubModelId);
    }

    /** @return the bits to quantize the exported model to (GPTQ) ({@code export_quantization_bit}, default none) */
    public OptionalInt exportQuantizationBit() {
        return exportQuantizationBit == null ? OptionalInt.empty() : OptionalInt.of(exportQuantizationBit);
    }

    /**
     * @return the dataset used to calibrate the export quantization ({@code export_quantization_dataset}, default none)
     */
    public Optional<String> exportQuantizationDataset() {
        return Optional.ofNullable(exportQuantizationDataset);
    }

    /** @return the number of calibration samples ({@code export_quantization_nsamples}, default 128) */
    public int exportQuantizationNsamples() {
        return exportQuantizationNsamples;
    }

    /** @return the maximum length of calibration samples ({@code export_quantization_maxlen}, default 1024) */
    public int exportQuantizationMaxlen() {
        return exportQuantizationMaxlen;
    }

    /**
     * @return whether an Ollama {@code Modelfile} is written next to the exported model ({@code
     *     export_ollama_modelfile}, this library's key, default true)
     */
    public boolean exportOllamaModelfile() {
        return exportOllamaModelfile;
    }

    private void validate() {
        // Keys LLaMA-Factory honours that are not implemented here: refused unless off (ConfigKeyWalkTest).
        Checks.notSupportedYet("export_quantization_bit", exportQuantizationBit, null, "quantizing while exporting "
                + "(GPTQ) is not implemented yet; remove it to export unquantized weights");
        Checks.notSupportedYet("export_quantization_dataset", exportQuantizationDataset, null, "only used with export_quantization_bit, which is not supported yet");
        Checks.notSupportedYet("export_quantization_nsamples", exportQuantizationNsamples, 128, "only used with export_quantization_bit, which is not supported yet");
        Checks.notSupportedYet("export_quantization_maxlen", exportQuantizationMaxlen, 1024, "only used with export_quantization_bit, which is not supported yet");
        Checks.notSupportedYet("export_legacy_format", exportLegacyFormat, false, "PyTorch .bin weights are not "
                + "written; set it to false to export safetensors");
        Checks.notSupportedYet("export_hub_model_id", exportHubModelId, null, "pushing to the Hugging Face Hub is "
                + "not implemented; upload export_dir yourself");
        Checks.positive("export_size", exportSize);
        Checks.oneOf("export_quantization_bit", exportQuantizationBit, 2, 3, 4, 8);
        Checks.require(exportQuantizationBit == null || exportQuantizationDataset != null,
                "export_quantization_dataset",
                "is required to calibrate export_quantization_bit " + exportQuantizationBit);
        Checks.positive("export_quantization_nsamples", exportQuantizationNsamples);
        Checks.positive("export_quantization_maxlen", exportQuantizationMaxlen);
    }

    private static final ArgumentGroup<ExportArguments, Builder> SCHEMA = createSchema();

    /** @return the configuration-file keys of this class */
    static ArgumentGroup<ExportArguments, Builder> schema() {
        return SCHEMA;
    }

    private static ArgumentGroup<ExportArguments, Builder> createSchema() {
        return new ArgumentGroup<ExportArguments, Builder>("export", Builder::new, Builder::build,
                ExportArguments::defaults, null)
                .optional("export_dir", ValueType.PATH, (b, v) -> b.exportDir(v), a -> a.exportDir)
                .required("export_size", ValueType.INTEGER, (b, v) -> b.exportSize(v), a -> a.exportSize)
                .required("export_device", ValueType.ofEnum(ExportDevice.class, ExportDevice::key,
                        ExportDevice::fromKey),
                        (b, v) -> b.exportDevice(v), a -> a.exportDevice)
                .required("export_legacy_format", ValueType.BOOLEAN,
                        (b, v) -> b.exportLegacyFormat(v), a -> a.exportLegacyFormat)
                .required("export_dtype", ValueType.ofEnum(Precision.class, Precision::key, Precision::fromKey),
                        (b, v) -> b.exportDtype(v), a -> a.exportDtype)
                .optional("export_hub_model_id", ValueType.STRING,
                        (b, v) -> b.exportHubModelId(v), a -> a.exportHubModelId)
                .optional("export_quantization_bit", ValueType.INTEGER,
                        (b, v) -> b.exportQuantizationBit(v), a -> a.exportQuantizationBit)
                .optional("export_quantization_dataset", ValueType.STRING,
                        (b, v) -> b.exportQuantizationDataset(v), a -> a.exportQuantizationDataset)
                .required("export_quantization_nsamples", ValueType.INTEGER,
                        (b, v) -> b.exportQuantizationNsamples(v), a -> a.exportQuantizationNsamples)
                .required("export_quantization_maxlen", ValueType.INTEGER,
                        (b, v) -> b.exportQuantizationMaxlen(v), a -> a.exportQuantizationMaxlen)
                .required("export_ollama_modelfile", ValueType.BOOLEAN,
                        (b, v) -> b.exportOllamaModelfile(v), a -> a.exportOllamaModelfile);
    }

    private List<Object> values() {
        return Arrays.asList(exportDir, exportSize, exportDevice, exportLegacyFormat, exportDtype, exportHubModelId,
                exportQuantizationBit, exportQuantizationDataset, exportQuantizationNsamples, exportQuantizationMaxlen,
                exportOllamaModelfile);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExportArguments && values().equals(((ExportArguments) o).values());
    }

    @Override
    public int hashCode() {
        return Objects.hash(values().toArray());
    }

    /** @return the class name and every key that differs from its default, in configuration-file spelling */
    @Override
    public String toString() {
        return SCHEMA.describe(this);
    }

    /**
     * Builder for {@link ExportArguments}; starts from LLaMA-Factory's defaults and checks every value in {@link
     * #build()}.
     */
    public static final class Builder {
        private Path exportDir;
        private int exportSize = 5;
        private ExportDevice exportDevice = ExportDevice.CPU;
        private boolean exportLegacyFormat = false;
        private Precision exportDtype = Precision.AUTO;
        private String exportHubModelId;
        private Integer exportQuantizationBit;
        private String exportQuantizationDataset;
        private int exportQuantizationNsamples = 128;
        private int exportQuantizationMaxlen = 1024;
        private boolean exportOllamaModelfile = true;

        private Builder() {
        }

        /**
         * Sets {@code export_dir}: the folder the merged or converted model is written to.
         *
         * @param value the value, or null for none
         * @return this builder
         */
        public Builder exportDir(Path value) {
            this.exportDir = value;
            return this;
        }

        /**
         * Sets {@code export_dir}: the folder the merged or converted model is written to.
         *
         * @param value the path, or null for none
         * @return this builder
         */
        public Builder exportDir(String value) {
            this.exportDir = Checks.path("export_dir", value);
            return this;
        }

        /**
         * Sets {@code export_size}: the maximum size of one weight shard, in GB.
         *
         * @param value the value
         * @return this builder
         */
        public Builder exportSize(int value) {
            this.exportSize = value;
            return this;
        }

        /**
         * Sets {@code export_device}: where adapters are merged.
         *
         * @param value the value
         * @return this builder
         */
        public Builder exportDevice(ExportDevice value) {
            this.exportDevice = Checks.notNull(value, "export_device");
            return this;
        }

        /**
         * Sets {@code export_legacy_format}: whether weights are saved as {@code .bin} instead of {@code .safetensors}.
         *
         * @param value the value
         * @return this builder
         */
        public Builder exportLegacyFormat(boolean value) {
            this.exportLegacyFormat = value;
            return this;
        }

        /**
         * Sets {@code export_dtype}: the dtype of exported weights; {@code auto} keeps the checkpoint's (this library's
         * key).
         *
         * @param value the value
         * @return this builder
         */
        public Builder exportDtype(Precision value) {
            this.exportDtype = Checks.notNull(value, "export_dtype");
            return this;
        }

        /**
         * Sets {@code export_hub_model_id}: the hub repository the exported model is pushed to.
         *
         * @param value the value, or null for none
         * @return this builder
         */
        public Builder exportHubModelId(String value) {
            this.exportHubModelId = value;
            return this;
        }

        /**
         * Sets {@code export_quantization_bit}: the bits to quantize the exported model to (GPTQ).
         *
         * @param value the value, or null for none
         * @return this builder
         */
        public Builder exportQuantizationBit(Integer value) {
            this.exportQuantizationBit = value;
            return this;
        }

        /**
         * Sets {@code export_quantization_dataset}: the dataset used to calibrate the export quantization.
         *
         * @param value the value, or null for none
         * @return this builder
         */
        public Builder exportQuantizationDataset(String value) {
            this.exportQuantizationDataset = value;
            return this;
        }

        /**
         * Sets {@code export_quantization_nsamples}: the number of calibration samples.
         *
         * @param value the value
         * @return this builder
         */
        public Builder exportQuantizationNsamples(int value) {
            this.exportQuantizationNsamples = value;
            return this;
        }

        /**
         * Sets {@code export_quantization_maxlen}: the maximum length of calibration samples.
         *
         * @param value the value
         * @return this builder
         */
        public Builder exportQuantizationMaxlen(int value) {
            this.exportQuantizationMaxlen = value;
            return this;
        }

        /**
         * Sets {@code export_ollama_modelfile}: whether an Ollama {@code Modelfile} is written next to the exported
         * model (this library's key).
         *
         * @param value the value
         * @return this builder
         */
        public Builder exportOllamaModelfile(boolean value) {
            this.exportOllamaModelfile = value;
            return this;
        }

        /**
         * Builds the arguments.
         *
         * @return the immutable arguments
         * @throws ai.llamafactory.api.exception.InvalidConfigException naming the key and value that are out of range
         *     or
         *     do not fit together
         */
        public ExportArguments build() {
            return new ExportArguments(this);
        }
    }
}
