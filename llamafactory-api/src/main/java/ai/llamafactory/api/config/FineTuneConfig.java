package ai.llamafactory.api.config;

import ai.llamafactory.api.exception.InvalidConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a run needs before training starts: the model, data, method, training, generation and export arguments,
 * checked together. Immutable.
 *
 * <pre>{@code
 * FineTuneConfig config = FineTuneConfig.fromYaml(Path.of("qwen3_lora_sft.yaml"), "learning_rate=5e-5");
 * config.finetuning().loraRank();   // 8
 * config.writeYaml(outputDir.resolve("training_args.yaml"));
 * }</pre>
 *
 * <h2>Files</h2>
 * LLaMA-Factory's flat YAML or JSON files are read as they are: each snake_case key belongs to one argument class.
 * {@code key=value} overrides are applied after the file and typed like the file's values. Keys that LLaMA-Factory
 * accepts but that make no difference here ({@code trust_remote_code}, {@code ddp_timeout}, {@code report_to},
 * {@code deepspeed}, {@code flash_attn}, {@code preprocessing_num_workers} ...) are kept in {@link #ignoredKeys()} and
 * reported in {@link #warnings()} and the log. Features that would change the result but are not implemented
 * ({@code use_unsloth}, {@code use_apollo}, {@code fp8} ...) are accepted only when off. Any other key is an error that
 * suggests the closest known key.
 *
 * <h2>Checks</h2>
 * Each argument class checks its own values; this class adds LLaMA-Factory's checks across classes: SFT-only options
 * ({@code predict_with_generate}, {@code neat_packing}, {@code train_on_prompt}, {@code mask_history}), quantization
 * only with LoRA and without PiSSA, streaming needs {@code max_steps}, training needs a dataset, evaluation needs
 * evaluation data, and so on. Messages name the key and the value.
 */
public final class FineTuneConfig {
    private static final Logger LOG = LoggerFactory.getLogger(FineTuneConfig.class);

    private final ModelArguments model;
    private final DataArguments data;
    private final FinetuningArguments finetuning;
    private final TrainingArguments training;
    private final GeneratingArguments generating;
    private final ExportArguments export;
    private final Map<String, Object> ignoredKeys;
    private final List<String> warnings;

    private FineTuneConfig(Builder b) {
        this.model = Checks.notNull(b.model, "model_name_or_path");
        this.data = b.data;
        this.finetuning = b.finetuning;
        this.training = b.training;
        this.generating = b.generating;
        this.export = b.export;
        this.ignoredKeys = b.ignoredKeys;
        validate();
        this.warnings = Collections.unmodifiableList(collectWarnings());
    }

    /**
     * Starts a builder; every other argument class starts at its defaults.
     *
     * @param model the model arguments
     * @return the builder
     */
    public static Builder builder(ModelArguments model) {
        return new Builder(model);
    }

    /** @return a builder initialised with this configuration */
    public Builder toBuilder() {
        return new Builder(model)
                .data(data)
                .finetuning(finetuning)
                .training(training)
                .generating(generating)
                .export(export)
                .ignoredKeys(ignoredKeys);
    }

    /**
     * Reads a LLaMA-Factory YAML configuration file.
     *
     * @param file the file, e.g. {@code examples/train_lora/qwen3_lora_sft.yaml}
     * @param overrides {@code key=value} pairs applied after the file, e.g. {@code learning_rate=5e-5}
     * @return the checked configuration
     * @throws InvalidConfigException naming the file and line, or the override, of the first problem
     */
    public static FineTuneConfig fromYaml(Path file, String... overrides) {
        return ConfigReader.readFile(file, Arrays.asList(overrides));
    }

    /**
     * Reads a LLaMA-Factory JSON configuration file (the same keys as the YAML files).
     *
     * @param file the file
     * @param overrides {@code key=value} pairs applied after the file
     * @return the checked configuration
     * @throws InvalidConfigException naming the file and line, or the override, of the first problem
     */
    public static FineTuneConfig fromJson(Path file, String... overrides) {
        return ConfigReader.read(readText(file), file.toString(), true, Arrays.asList(overrides));
    }

    /**
     * Reads a configuration file as JSON when its name ends with {@code .json}, as YAML otherwise (LLaMA-Factory's
     * rule).
     *
     * @param file the file
     * @param overrides {@code key=value} pairs applied after the file
     * @return the checked configuration
     */
    public static FineTuneConfig fromFile(Path file, String... overrides) {
        return ConfigReader.readFile(file, Arrays.asList(overrides));
    }

    /**
     * Parses YAML text (JSON text is YAML too).
     *
     * @param yaml the configuration text
     * @param sourceName the name used in error messages, e.g. a file name
     * @param overrides {@code key=value} pairs applied after the text
     * @return the checked configuration
     */
    public static FineTuneConfig parseYaml(String yaml, String sourceName, String... overrides) {
        return ConfigReader.read(yaml, sourceName, false, Arrays.asList(overrides));
    }

    /**
     * Builds a configuration from snake_case keys and plain values (strings, numbers, booleans, lists, maps), as a
     * command line or another program would give them.
     *
     * @param arguments key to value
     * @param overrides {@code key=value} pairs applied after the arguments
     * @return the checked configuration
     */
    public static FineTuneConfig fromArguments(Map<String, ?> arguments, String... overrides) {
        return ConfigReader.fromArguments(arguments, Arrays.asList(overrides));
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidConfigException("cannot read configuration file " + file + ": " + e, e);
        }
    }

    /**
     * @return the configuration as flat snake_case keys, as in a LLaMA-Factory file: values that differ from the
     *     defaults (always {@code model_name_or_path}), then the ignored keys; credentials are left out
     */
    public Map<String, Object> toArguments() {
        Map<String, Object> all = new LinkedHashMap<>();
        ConfigWriter.sections(this).values().forEach(all::putAll);
        return Collections.unmodifiableMap(all);
    }

    /**
     * @return the configuration as LLaMA-Factory YAML (the {@code training_args.yaml} of a run): non-default values
     *     under
     *     {@code ### model}, {@code ### method}, {@code ### dataset}, {@code ### train}, {@code ### generate},
     *     {@code ### export} headings; reading it back gives an equal configuration
     */
    public String toYaml() {
        return ConfigWriter.toYaml(this);
    }

    /**
     * Writes {@link #toYaml()} to a file, creating parent folders.
     *
     * @param file the file, e.g. {@code output_dir/training_args.yaml}
     * @throws InvalidConfigException if the file cannot be written
     */
    public void writeYaml(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, toYaml(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidConfigException("cannot write configuration file " + file + ": " + e, e);
        }
    }

    /** @return the model arguments */
    public ModelArguments model() {
        return model;
    }

    /** @return the data arguments */
    public DataArguments data() {
        return data;
    }

    /** @return the fine-tuning method and stage arguments */
    public FinetuningArguments finetuning() {
        return finetuning;
    }

    /** @return the training arguments */
    public TrainingArguments training() {
        return training;
    }

    /** @return the generation arguments */
    public GeneratingArguments generating() {
        return generating;
    }

    /** @return the export arguments */
    public ExportArguments export() {
        return export;
    }

    /** @return the keys that were accepted but have no effect here, with the values given (file order) */
    public Map<String, Object> ignoredKeys() {
        return ignoredKeys;
    }

    /** @return notes about the configuration: ignored keys with the reason, and LLaMA-Factory's advice */
    public List<String> warnings() {
        return warnings;
    }

    /** @return the stage, a shortcut for {@code finetuning().stage()} */
    public Stage stage() {
        return finetuning.stage();
    }

    /** @return whether examples are packed, resolved for this stage (see {@link DataArguments#packingEnabled}) */
    public boolean packingEnabled() {
        return data.packingEnabled(finetuning.stage());
    }

    /**
     * @return the precision to compute in: {@link Precision#BF16} with {@code bf16}, {@link Precision#FP16} with
     *     {@code fp16}, otherwise the model's {@code infer_dtype}
     */
    public Precision computePrecision() {
        if (training.bf16()) {
            return Precision.BF16;
        }
        if (training.fp16()) {
            return Precision.FP16;
        }
        return model.precision();
    }

    private void validate() {
        Stage stage = finetuning.stage();
        FinetuningType method = finetuning.finetuningType();
        if (stage != Stage.SFT) {
            String sftOnly = "is only valid for stage sft, but stage is " + stage.key();
            Checks.require(!training.predictWithGenerate(), "predict_with_generate", sftOnly);
            Checks.require(!data.neatPacking(), "neat_packing", sftOnly);
            Checks.require(!data.trainOnPrompt(), "train_on_prompt", sftOnly);
            Checks.require(!data.maskHistory(), "mask_history", sftOnly);
        } else {
            Checks.require(
                    !training.doPredict() || training.predictWithGenerate(),
                    "do_predict",
                    "needs predict_with_generate to write predictions in stage sft");
        }
        if (stage == Stage.RM || stage == Stage.PPO) {
            Checks.require(
                    !training.loadBestModelAtEnd(),
                    "load_best_model_at_end",
                    "is not supported in stage " + stage.key());
            Checks.require(
                    method == FinetuningType.LORA
                            || training.resumeFromCheckpoint().isEmpty(),
                    "resume_from_checkpoint",
                    "stage " + stage.key() + " with finetuning_type " + method.key()
                            + " cannot resume from a checkpoint, got "
                            + training.resumeFromCheckpoint().orElse(null));
        }
        Checks.require(
                stage != Stage.PPO || training.doTrain(),
                "do_train",
                "must be true in stage ppo (evaluate PPO models with stage sft)");
        Checks.require(
                !data.streaming() || training.maxSteps() > 0,
                "max_steps",
                "must be set in streaming mode (the number of examples is unknown)");
        Checks.require(
                !training.doTrain() || !data.dataset().isEmpty(),
                "dataset",
                "must name at least one dataset when do_train is true");
        boolean evalData = !data.evalDataset().isEmpty() || data.valSize() > 1e-6;
        Checks.require(!training.doEval() || evalData, "do_eval", "needs eval_dataset or val_size > 0");
        Checks.require(!training.doPredict() || evalData, "do_predict", "needs eval_dataset or val_size > 0");
        Checks.require(
                training.evalStrategy() == IntervalStrategy.NO || evalData,
                "eval_strategy",
                "is " + training.evalStrategy().key()
                        + " but there is no evaluation data: set eval_dataset or val_size");
        if (training.predictWithGenerate()) {
            Checks.require(!data.evalDataset().isEmpty(), "predict_with_generate", "needs eval_dataset");
            Checks.require(
                    !finetuning.computeAccuracy(), "compute_accuracy", "cannot be combined with predict_with_generate");
        }
        List<String> adapters = model.adapterNameOrPath();
        Checks.require(
                adapters.isEmpty() || method == FinetuningType.LORA,
                "adapter_name_or_path",
                "adapters are only valid with finetuning_type lora, but finetuning_type is " + method.key());
        if (model.quantizationBit().isPresent()) {
            String quantized = " on a quantized model (quantization_bit "
                    + model.quantizationBit().getAsInt() + ")";
            Checks.require(
                    method == FinetuningType.LORA,
                    "quantization_bit",
                    "a quantized model can only be trained with finetuning_type lora, but finetuning_type is "
                            + method.key());
            Checks.require(!finetuning.pissaInit(), "pissa_init", "cannot initialise PiSSA" + quantized);
            Checks.require(!model.resizeVocab(), "resize_vocab", "cannot resize the embeddings" + quantized);
            Checks.require(
                    adapters.isEmpty() || !finetuning.createNewAdapter(),
                    "create_new_adapter",
                    "cannot create a new adapter" + quantized);
            Checks.require(
                    adapters.size() <= 1,
                    "adapter_name_or_path",
                    "a quantized model takes a single adapter; merge these first: " + adapters);
        }
        Checks.require(
                !(finetuning.useGalore() && finetuning.galoreLayerwise()) || training.gradientAccumulationSteps() == 1,
                "galore_layerwise",
                "does not support gradient accumulation, but gradient_accumulation_steps is "
                        + training.gradientAccumulationSteps());
        if (export.exportDir().isPresent() && !adapters.isEmpty()) {
            Checks.require(
                    export.exportQuantizationBit().isEmpty(),
                    "export_quantization_bit",
                    "cannot quantize while merging adapters: export the merged model first, then quantize it");
            Checks.require(
                    model.quantizationBit().isEmpty(),
                    "quantization_bit",
                    "cannot merge adapters into a quantized model: load the base model unquantized to export");
        }
    }

    private List<String> collectWarnings() {
        List<String> notes = new ArrayList<>();
        ignoredKeys.forEach((key, value) -> notes.add(key + ": accepted but ignored ("
                + ConfigSchema.IGNORED.getOrDefault(key, "its value turns the feature off") + ")"));
        if (training.doTrain()
                && finetuning.finetuningType() == FinetuningType.LORA
                && model.resizeVocab()
                && finetuning.additionalTarget().isEmpty()) {
            notes.add("resize_vocab: add the embedding layers to additional_target to make the added tokens trainable");
        }
        if (!training.doTrain() && model.quantizationBit().isPresent()) {
            notes.add("quantization_bit: evaluating a model in "
                    + model.quantizationBit().getAsInt() + "-bit mode may lower scores");
        }
        if (!training.doTrain()
                && finetuning.stage() == Stage.DPO
                && finetuning.refModel().isEmpty()) {
            notes.add("ref_model: evaluating stage dpo without a reference model compares the model with itself; "
                    + "reward metrics are left out");
        }
        for (int i = ignoredKeys.size(); i < notes.size(); i++) {
            LOG.warn(notes.get(i));
        }
        return notes;
    }

    /** Two configurations are equal when all their arguments are; ignored keys do not count. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FineTuneConfig)) {
            return false;
        }
        FineTuneConfig c = (FineTuneConfig) o;
        return model.equals(c.model)
                && data.equals(c.data)
                && finetuning.equals(c.finetuning)
                && training.equals(c.training)
                && generating.equals(c.generating)
                && export.equals(c.export);
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, data, finetuning, training, generating, export);
    }

    /** @return every non-default key, e.g. {@code FineTuneConfig{model_name_or_path=..., stage=dpo, ...}} */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        toArguments().forEach((k, v) -> parts.add(k + "=" + v));
        return "FineTuneConfig{" + String.join(", ", parts) + "}";
    }

    /** Builder for {@link FineTuneConfig}; {@link #build()} runs the checks across argument classes. */
    public static final class Builder {
        private ModelArguments model;
        private DataArguments data = DataArguments.defaults();
        private FinetuningArguments finetuning = FinetuningArguments.defaults();
        private TrainingArguments training = TrainingArguments.defaults();
        private GeneratingArguments generating = GeneratingArguments.defaults();
        private ExportArguments export = ExportArguments.defaults();
        private Map<String, Object> ignoredKeys = Map.of();

        private Builder(ModelArguments model) {
            this.model = model;
        }

        /**
         * @param value the model arguments
         * @return this builder
         */
        public Builder model(ModelArguments value) {
            this.model = Checks.notNull(value, "model_name_or_path");
            return this;
        }

        /**
         * @param value the data arguments
         * @return this builder
         */
        public Builder data(DataArguments value) {
            this.data = Checks.notNull(value, "data arguments");
            return this;
        }

        /**
         * @param value the method and stage arguments
         * @return this builder
         */
        public Builder finetuning(FinetuningArguments value) {
            this.finetuning = Checks.notNull(value, "finetuning arguments");
            return this;
        }

        /**
         * @param value the training arguments
         * @return this builder
         */
        public Builder training(TrainingArguments value) {
            this.training = Checks.notNull(value, "training arguments");
            return this;
        }

        /**
         * @param value the generation arguments
         * @return this builder
         */
        public Builder generating(GeneratingArguments value) {
            this.generating = Checks.notNull(value, "generating arguments");
            return this;
        }

        /**
         * @param value the export arguments
         * @return this builder
         */
        public Builder export(ExportArguments value) {
            this.export = Checks.notNull(value, "export arguments");
            return this;
        }

        /**
         * Records keys that were accepted without effect (normally filled by the file reader).
         *
         * @param values key to the value given
         * @return this builder
         */
        public Builder ignoredKeys(Map<String, ?> values) {
            this.ignoredKeys = Checks.freeze("ignored keys", values);
            return this;
        }

        /**
         * @return the checked configuration
         * @throws InvalidConfigException naming the key and value of the first problem
         */
        public FineTuneConfig build() {
            return new FineTuneConfig(this);
        }
    }
}
