package ai.llamafactory.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.exception.InvalidConfigException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rejected input fails before training with an {@link InvalidConfigException} whose message names where the
 * value came from (file and line, or the override), the key, and the value.
 */
class ConfigErrorsTest {
    /** Lines 1-4; the lines of a case start at line 5. */
    private static final String BASE =
            "model_name_or_path: Qwen/Qwen3-0.6B\n" + "stage: sft\n" + "do_train: true\n" + "dataset: alpaca_en_demo\n";

    private static String error(String extraLines, String... overrides) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> FineTuneConfig.parseYaml(BASE + extraLines, "test.yaml", overrides));
        assertThat(t)
                .as("expected a rejection of %s %s", extraLines, String.join(" ", overrides))
                .isInstanceOf(InvalidConfigException.class);
        return t.getMessage();
    }

    static Stream<Arguments> unknownKeys() {
        return Stream.of(
                Arguments.of(
                        "lerning_rate: 1.0e-4\n",
                        new String[0],
                        "test.yaml line 5: unknown key 'lerning_rate'; did you mean 'learning_rate'?"),
                Arguments.of(
                        "lora_rnk: 4\n",
                        new String[0],
                        "test.yaml line 5: unknown key 'lora_rnk'; did you mean 'lora_rank'?"),
                Arguments.of(
                        "per_device_batch_size: 4\n",
                        new String[0],
                        "test.yaml line 5: unknown key 'per_device_batch_size'; did you mean "
                                + "'per_device_eval_batch_size'?"),
                Arguments.of(
                        "save_stpes: 10\n",
                        new String[0],
                        "test.yaml line 5: unknown key 'save_stpes'; did you mean 'save_steps'?"),
                Arguments.of(
                        "frobnicate_everything: 1\n",
                        new String[0],
                        "test.yaml line 5: unknown key 'frobnicate_everything' (not a LLaMA-Factory argument)"),
                Arguments.of(
                        "",
                        new String[] {"templete=llama3"},
                        "override 'templete=llama3': unknown key 'templete'; did you mean 'template'?"));
    }

    @ParameterizedTest
    @MethodSource("unknownKeys")
    void unknownKeySuggestsTheClosestKnownKey(String lines, String[] overrides, String expected) {
        assertThat(error(lines, overrides)).isEqualTo(expected);
    }

    static Stream<Arguments> wrongTypes() {
        return Stream.of(
                Arguments.of("lora_rank: eight\n", "test.yaml line 5: lora_rank: expected an integer, got 'eight'"),
                Arguments.of("lora_rank: 8.5\n", "test.yaml line 5: lora_rank: expected an integer, got 8.5"),
                Arguments.of("learning_rate: fast\n", "test.yaml line 5: learning_rate: expected a number, got 'fast'"),
                Arguments.of(
                        "learning_rate: [1, 2]\n",
                        "test.yaml line 5: learning_rate: expected a number, got a list [1, 2]"),
                Arguments.of("bf16: 1\n", "test.yaml line 5: bf16: expected true or false, got 1"),
                Arguments.of("cutoff_len: null\n", "test.yaml line 5: cutoff_len: expected an integer, got null"),
                Arguments.of("max_steps: 3000000000\n", "test.yaml line 5: max_steps: expected an integer between"),
                Arguments.of(
                        "lr_scheduler_type: cosin\n",
                        "test.yaml line 5: lr_scheduler_type: unknown value 'cosin', "
                                + "expected one of [linear, cosine, cosine_with_restarts, polynomial, constant, "
                                + "constant_with_warmup, inverse_sqrt, reduce_lr_on_plateau, cosine_with_min_lr, "
                                + "warmup_stable_decay]; did you mean 'cosine'?"),
                Arguments.of(
                        "pref_loss: simpo2\n",
                        "pref_loss: unknown value 'simpo2', expected one of [sigmoid, hinge, "
                                + "ipo, kto_pair, orpo, simpo]; did you mean 'simpo'?"),
                Arguments.of(
                        "finetuning_type: oft\n",
                        "test.yaml line 5: finetuning_type: unknown value 'oft', expected one of [lora, freeze, full]"),
                Arguments.of("optim: adamw\n", "optim: unknown value 'adamw', expected one of [adamw_torch,"),
                Arguments.of(
                        "lr_scheduler_kwargs: not json\n",
                        "lr_scheduler_kwargs: expected a mapping or a JSON object string, got 'not json'"),
                Arguments.of("dataset: {a: 1}\n", "test.yaml line 5: not valid YAML: Duplicate field 'dataset'"));
    }

    @ParameterizedTest
    @MethodSource("wrongTypes")
    void wrongTypeNamesKeyAndValue(String lines, String expected) {
        String located = expected.startsWith("test.yaml") ? expected : "test.yaml line 5: " + expected;
        assertThat(error(lines)).startsWith(located);
    }

    static Stream<Arguments> outOfRange() {
        return Stream.of(
                Arguments.of("learning_rate: -1.0e-4\n", "learning_rate: must be >= 0, got -1.0E-4"),
                Arguments.of(
                        "per_device_train_batch_size: 0\n",
                        "per_device_train_batch_size: must be a positive integer, got 0"),
                Arguments.of(
                        "gradient_accumulation_steps: -2\n",
                        "gradient_accumulation_steps: must be a positive integer, got -2"),
                Arguments.of(
                        "val_size: 1.5\n",
                        "val_size: must be a fraction in [0, 1) or a whole number of examples, got 1.5"),
                Arguments.of(
                        "val_size: -0.1\n",
                        "val_size: must be a fraction in [0, 1) or a whole number of examples, got -0.1"),
                Arguments.of("lora_rank: 0\n", "lora_rank: must be a positive integer, got 0"),
                Arguments.of("lora_dropout: 1.0\n", "lora_dropout: must lie in [0.0, 1.0), got 1.0"),
                Arguments.of("warmup_ratio: 1.5\n", "warmup_ratio: must lie in [0.0, 1.0], got 1.5"),
                Arguments.of(
                        "max_steps: 0\n",
                        "max_steps: must be -1 (train for num_train_epochs) or a positive number of steps, got 0"),
                Arguments.of(
                        "num_train_epochs: 0\n", "num_train_epochs: must be > 0 when max_steps is not set, got 0.0"),
                Arguments.of("adam_beta2: 1.0\n", "adam_beta2: must lie in [0.0, 1.0), got 1.0"),
                Arguments.of("cutoff_len: 0\n", "cutoff_len: must be a positive integer, got 0"),
                Arguments.of("top_p: 0\n", "top_p: must lie in (0, 1], got 0.0"),
                Arguments.of("temperature: 0\n", "temperature: must be > 0, got 0.0"),
                Arguments.of("freeze_trainable_layers: 0\n", "freeze_trainable_layers: must be non-zero"),
                Arguments.of("dpo_label_smoothing: 0.7\n", "dpo_label_smoothing: must lie in [0.0, 0.5], got 0.7"),
                Arguments.of("pissa_iter: -2\n", "pissa_iter: must be -1 (exact SVD) or a number of iterations >= 0"),
                Arguments.of(
                        "quantization_bit: 3\n",
                        "quantization_bit: not supported by LlamaFactory for Java yet (quantized loading (QLoRA) is "
                                + "not implemented yet; remove quantization_bit to train LoRA on the full-precision "
                                + "model), got 3"),
                Arguments.of(
                        "ref_model_quantization_bit: 2\n", "ref_model_quantization_bit: must be one of [4, 8], got 2"),
                Arguments.of("device: tpu\n", "device: expected auto, cpu, cuda or cuda:N, got 'tpu'"),
                Arguments.of("export_size: 0\n", "export_size: must be a positive integer, got 0"));
    }

    @ParameterizedTest
    @MethodSource("outOfRange")
    void outOfRangeNamesKeyAndValue(String lines, String expected) {
        assertThat(error(lines)).contains(expected).startsWith("test.yaml line");
    }

    @Test
    void outOfRangeLineIsTheLineOfTheKey() {
        assertThat(error("template: qwen3\nlora_rank: 0\n"))
                .isEqualTo("test.yaml line 6: lora_rank: must be a positive integer, got 0");
    }

    static Stream<Arguments> invalidCombinations() {
        return Stream.of(
                Arguments.of(
                        "train_on_prompt: true\nmask_history: true\n",
                        new String[0],
                        "test.yaml line 5: train_on_prompt: cannot be combined with mask_history"),
                Arguments.of(
                        "finetuning_type: full\nuse_rslora: true\n",
                        new String[0],
                        "test.yaml line 6: use_rslora: is only valid with finetuning_type lora, "
                                + "but finetuning_type is full"),
                Arguments.of(
                        "finetuning_type: freeze\nloraplus_lr_ratio: 16\n",
                        new String[0],
                        "test.yaml line 6: loraplus_lr_ratio: is only valid with finetuning_type lora, "
                                + "but finetuning_type is freeze"),
                Arguments.of(
                        "finetuning_type: full\nuse_dora: true\n",
                        new String[0],
                        "test.yaml line 6: use_dora: is only valid with finetuning_type lora"),
                Arguments.of(
                        "finetuning_type: full\npissa_init: true\n",
                        new String[0],
                        "test.yaml line 6: pissa_init: is only valid with finetuning_type lora"),
                Arguments.of(
                        "pissa_init: true\nquantization_bit: 4\n",
                        new String[0],
                        "test.yaml line 6: quantization_bit: not supported by LlamaFactory for Java yet (quantized loading"),
                Arguments.of(
                        "neat_packing: true\n",
                        new String[] {"stage=dpo"},
                        "test.yaml line 5: neat_packing: is only valid for stage sft, but stage is dpo"),
                Arguments.of(
                        "predict_with_generate: true\neval_dataset: alpaca_en_demo\n",
                        new String[] {"stage=pt"},
                        "test.yaml line 5: predict_with_generate: is only valid for stage sft, but stage is pt"),
                Arguments.of(
                        "mask_history: true\n",
                        new String[] {"stage=rm"},
                        "test.yaml line 5: mask_history: is only valid for stage sft, but stage is rm"),
                Arguments.of(
                        "pref_loss: orpo\ndpo_label_smoothing: 0.1\n",
                        new String[] {"stage=dpo"},
                        "test.yaml line 6: dpo_label_smoothing: is only valid with pref_loss sigmoid, "
                                + "but pref_loss is orpo"),
                Arguments.of("", new String[] {"stage=ppo"}, "test.yaml: reward_model: is required for stage ppo"),
                Arguments.of(
                        "finetuning_type: full\nreward_model: saves/rm\n",
                        new String[] {"stage=ppo"},
                        "test.yaml: reward_model_type: cannot be lora with finetuning_type full"),
                Arguments.of(
                        "use_galore: true\n",
                        new String[0],
                        "test.yaml line 5: use_galore: not supported by LlamaFactory for Java yet (the GaLore optimizer is not implemented yet; "
                                + "use finetuning_type lora, or full/freeze with optim adamw_torch), got true"),
                Arguments.of(
                        "finetuning_type: full\nuse_galore: true\nuse_badam: true\n",
                        new String[0],
                        "test.yaml line 6: use_galore: not supported by LlamaFactory for Java yet (the GaLore optimizer"),
                Arguments.of(
                        "pissa_init: true\n",
                        new String[] {"stage=dpo"},
                        "test.yaml line 5: pissa_init: cannot be used for stage dpo with pref_loss sigmoid"),
                Arguments.of(
                        "pissa_init: true\n",
                        new String[] {"stage=kto"},
                        "test.yaml line 5: pissa_init: cannot be used for stage kto"),
                Arguments.of(
                        "finetuning_type: full\nuse_llama_pro: true\n",
                        new String[0],
                        "test.yaml line 6: use_llama_pro: is only valid with finetuning_type freeze or lora"),
                Arguments.of("streaming: true\n", new String[0], "test.yaml: max_steps: must be set in streaming mode"),
                Arguments.of(
                        "streaming: true\nmax_samples: 100\n",
                        new String[0],
                        "test.yaml line 6: max_samples: cannot be used with streaming, got 100"),
                Arguments.of(
                        "streaming: true\nmax_steps: 10\nval_size: 0.1\n",
                        new String[0],
                        "test.yaml line 7: val_size: must be a whole number of examples in streaming mode, got 0.1"),
                Arguments.of(
                        "",
                        new String[] {"dataset=null"},
                        "override 'dataset=null': dataset: must name at least one dataset when do_train is true"),
                Arguments.of(
                        "do_predict: true\neval_dataset: alpaca_en_demo\n",
                        new String[0],
                        "test.yaml line 5: do_predict: needs predict_with_generate to write predictions in stage sft"),
                Arguments.of(
                        "do_eval: true\n",
                        new String[0],
                        "test.yaml line 5: do_eval: needs eval_dataset or val_size > 0"),
                Arguments.of(
                        "eval_strategy: steps\n",
                        new String[0],
                        "test.yaml line 5: eval_strategy: is steps but there is no evaluation data"),
                Arguments.of(
                        "val_size: 0.1\neval_dataset: alpaca_en_demo\n",
                        new String[0],
                        "test.yaml line 5: val_size: cannot be combined with eval_dataset [alpaca_en_demo], got 0.1"),
                Arguments.of(
                        "interleave_probs: 0.5,0.5\n",
                        new String[] {"dataset=a,b"},
                        "test.yaml line 5: interleave_probs: only valid with an interleaving mix_strategy"),
                Arguments.of(
                        "interleave_probs: 0.5,0.6\nmix_strategy: interleave_under\n",
                        new String[] {"dataset=a,b"},
                        "test.yaml line 5: interleave_probs: must sum to 1, got [0.5, 0.6]"),
                Arguments.of(
                        "interleave_probs: 0.5,0.5\nmix_strategy: interleave_under\n",
                        new String[0],
                        "test.yaml line 5: interleave_probs: has 2 entries but dataset names 1 [alpaca_en_demo]"),
                Arguments.of(
                        "finetuning_type: full\nquantization_bit: 4\n",
                        new String[0],
                        "test.yaml line 6: quantization_bit: not supported by LlamaFactory for Java yet (quantized loading"),
                Arguments.of(
                        "quantization_bit: 4\nadapter_name_or_path: a,b\n",
                        new String[0],
                        "test.yaml line 5: quantization_bit: not supported by LlamaFactory for Java yet (quantized loading"),
                Arguments.of(
                        "finetuning_type: freeze\nadapter_name_or_path: saves/a\n",
                        new String[0],
                        "test.yaml line 6: adapter_name_or_path: adapters are only valid with finetuning_type lora"),
                Arguments.of(
                        "finetuning_type: full\nuse_galore: true\ngalore_layerwise: true\n"
                                + "gradient_accumulation_steps: 8\n",
                        new String[0],
                        "test.yaml line 6: use_galore: not supported by LlamaFactory for Java yet (the GaLore optimizer"),
                Arguments.of(
                        "bf16: true\nfp16: true\n",
                        new String[0],
                        "test.yaml line 6: fp16: cannot be combined with bf16"),
                Arguments.of(
                        "export_quantization_bit: 4\n",
                        new String[0],
                        "test.yaml line 5: export_quantization_bit: not supported by LlamaFactory for Java yet (quantizing while exporting (GPTQ) "
                                + "is not implemented yet; remove it to export unquantized weights), got 4"),
                Arguments.of(
                        "adapter_name_or_path: saves/a\nexport_dir: out\nquantization_bit: 4\n",
                        new String[0],
                        "test.yaml line 7: quantization_bit: not supported by LlamaFactory for Java yet (quantized loading"),
                Arguments.of(
                        "load_best_model_at_end: true\nval_size: 0.1\neval_strategy: steps\neval_steps: 300\n",
                        new String[0],
                        "test.yaml line 5: load_best_model_at_end: not supported by LlamaFactory for Java yet (not implemented yet; "
                                + "the output is the model of the last step (early_stopping_steps stops on eval_loss)), "
                                + "got true"),
                Arguments.of(
                        "early_stopping_steps: 3\n",
                        new String[0],
                        "test.yaml line 5: early_stopping_steps: needs evaluations"));
    }

    @ParameterizedTest
    @MethodSource("invalidCombinations")
    void invalidCombinationFailsBeforeTraining(String lines, String[] overrides, String expected) {
        assertThat(error(lines, overrides)).startsWith(expected);
    }

    @Test
    void unsupportedFeatureIsRejectedWhenOnAndIgnoredWhenOff() {
        assertThat(error("use_unsloth: true\n"))
                .isEqualTo(
                        "test.yaml line 5: use_unsloth: not supported by LlamaFactory for Java (Unsloth is a Python/Triton "
                                + "library), got true");
        assertThat(error("label_smoothing_factor: 0.1\n"))
                .startsWith("test.yaml line 5: label_smoothing_factor: not supported");
        FineTuneConfig off =
                FineTuneConfig.parseYaml(BASE + "use_unsloth: false\nlabel_smoothing_factor: 0.0\n", "test.yaml");
        assertThat(off.ignoredKeys()).containsKeys("use_unsloth", "label_smoothing_factor");
    }

    @Test
    void malformedInput() {
        assertThat(error("lora_rank: [1, 2\n")).startsWith("test.yaml line").contains("not valid YAML");
        assertThat(error("", "lora_rank")).isEqualTo("override 'lora_rank': expected key=value");
        assertThat(error("", "=8")).isEqualTo("override '=8': expected key=value");
        assertThat(error("", "learning_rate=fast"))
                .isEqualTo("override 'learning_rate=fast': learning_rate: expected a number, got 'fast'");
        assertThat(error("evaluation_strategy: steps\neval_strategy: steps\nval_size: 0.1\n"))
                .isEqualTo("test.yaml line 5: evaluation_strategy and eval_strategy both given; "
                        + "they set the same value");
        assertThat(error("warmup_steps: 0.5\nwarmup_ratio: 0.1\n"))
                .isEqualTo("test.yaml line 5: warmup_steps and warmup_ratio both given; they set the same value");
        assertThatThrownBy(() -> FineTuneConfig.parseYaml("- a\n- b\n", "list.yaml"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("list.yaml: expected a mapping of keys to values at the top level, got array");
        assertThatThrownBy(() -> FineTuneConfig.parseYaml("# only comments\n", "empty.yaml"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("empty.yaml: model_name_or_path: must name a local model folder or a hub id, got nothing");
        assertThatThrownBy(() -> FineTuneConfig.fromYaml(java.nio.file.Path.of("/no/such/config.yaml")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("cannot read configuration file /no/such/config.yaml");
    }

    @Test
    void jsonFilesNameTheLineToo() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("config", ".json");
        try {
            java.nio.file.Files.writeString(file, "{\n  \"model_name_or_path\": \"m\",\n  \"lora_rank\": \"x\"\n}\n");
            assertThatThrownBy(() -> FineTuneConfig.fromFile(file))
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessage(file + " line 3: lora_rank: expected an integer, got 'x'");
        } finally {
            java.nio.file.Files.delete(file);
        }
    }
}
