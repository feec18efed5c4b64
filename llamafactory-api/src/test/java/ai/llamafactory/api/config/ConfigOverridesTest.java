package ai.llamafactory.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code key=value} overrides are applied after the file and typed like the file's values. */
class ConfigOverridesTest {

    @Test
    void overridesReplaceFileValuesWithTypedValues() {
        FineTuneConfig c = Examples.read(
                "qwen3_lora_sft.yaml",
                "learning_rate=5e-5",
                "lora_rank=16",
                "bf16=false",
                "dataset=alpaca_en_demo,identity,glaive",
                "num_train_epochs=1",
                "output_dir=/tmp/run 1",
                "resume_from_checkpoint=saves/sft/checkpoint-100");

        assertThat(c.training().learningRate()).isEqualTo(5e-5);
        assertThat(c.finetuning().loraRank()).isEqualTo(16);
        assertThat(c.finetuning().loraAlpha()).isEqualTo(32);
        assertThat(c.training().bf16()).isFalse();
        assertThat(c.computePrecision()).isEqualTo(Precision.AUTO);
        assertThat(c.data().dataset()).containsExactly("alpaca_en_demo", "identity", "glaive");
        assertThat(c.training().numTrainEpochs()).isEqualTo(1.0);
        assertThat(c.training().outputDir()).isEqualTo(Path.of("/tmp/run 1"));
        assertThat(c.training().resumeFromCheckpoint()).hasValue(Path.of("saves/sft/checkpoint-100"));
        // untouched values keep the file's
        assertThat(c.training().gradientAccumulationSteps()).isEqualTo(8);
        assertThat(c.data().template()).hasValue("qwen3_nothink");
    }

    @Test
    void overridesAddKeysMissingFromTheFile() {
        FineTuneConfig c = Examples.read(
                "qwen3_lora_sft.yaml",
                "lora_dropout=0.05",
                "val_size=0.1",
                "eval_strategy=steps",
                "eval_steps=50",
                "neat_packing=true",
                "seed=7");

        assertThat(c.finetuning().loraDropout()).isEqualTo(0.05);
        assertThat(c.data().valSize()).isEqualTo(0.1);
        assertThat(c.training().evalStrategy()).isEqualTo(IntervalStrategy.STEPS);
        assertThat(c.training().evalSteps()).hasValue(50);
        assertThat(c.packingEnabled()).isTrue();
        assertThat(c.training().seed()).isEqualTo(7);
    }

    @Test
    void nullAndTextValues() {
        FineTuneConfig c = Examples.read(
                "qwen3_lora_sft.yaml",
                "template=null",
                "max_samples=None",
                "default_system=0123",
                "eval_strategy=no",
                "do_eval=False",
                "plot_loss=True");

        assertThat(c.data().template()).isEmpty();
        assertThat(c.data().maxSamples()).isEmpty();
        // string keys keep the text as written: a YAML parser would have read 0123 as a number
        assertThat(c.data().defaultSystem()).hasValue("0123");
        assertThat(c.training().evalStrategy()).isEqualTo(IntervalStrategy.NO);
        assertThat(c.training().doEval()).isFalse();
        assertThat(c.finetuning().plotLoss()).isTrue();
    }

    @Test
    void structuredValues() {
        FineTuneConfig json = Examples.read(
                "qwen3_lora_sft.yaml",
                "lr_scheduler_type=cosine_with_min_lr",
                "lr_scheduler_kwargs={\"min_lr_rate\": 0.1}",
                "lora_target=[q_proj, v_proj]",
                "interleave_probs=0.25,0.75",
                "mix_strategy=interleave_over");
        assertThat(json.training().lrSchedulerKwargs()).isEqualTo(Map.of("min_lr_rate", 0.1));
        assertThat(json.finetuning().loraTarget()).containsExactly("q_proj", "v_proj");
        assertThat(json.data().interleaveProbs()).containsExactly(0.25, 0.75);
        assertThat(json.data().mixStrategy()).isEqualTo(MixStrategy.INTERLEAVE_OVER);

        FineTuneConfig yamlMap = Examples.read("qwen3_lora_sft.yaml", "lr_scheduler_kwargs={num_cycles: 2}");
        assertThat(yamlMap.training().lrSchedulerKwargs()).isEqualTo(Map.of("num_cycles", 2));
    }

    @Test
    void fractionalWarmupStepsIsARatio() {
        FineTuneConfig c = FineTuneConfig.parseYaml("model_name_or_path: m\n", "t.yaml", "warmup_steps=0.05");
        assertThat(c.training().warmupRatio()).isEqualTo(0.05);
        assertThat(c.training().warmupSteps()).isZero();

        FineTuneConfig steps = Examples.read("qwen3_lora_sft.yaml", "warmup_steps=20");
        assertThat(steps.training().warmupSteps()).isEqualTo(20);
    }

    @Test
    void ignoredKeysCanBeOverriddenToo() {
        FineTuneConfig c = Examples.read("qwen3_lora_sft.yaml", "report_to=wandb", "deepspeed=ds_z3.json");

        assertThat(c.ignoredKeys()).containsEntry("report_to", "wandb").containsEntry("deepspeed", "ds_z3.json");
        assertThat(c.warnings())
                .contains("deepspeed: accepted but ignored (single-process training: there is nothing to distribute)");
    }

    @Test
    void argumentsMapWithOverrides() {
        FineTuneConfig c = FineTuneConfig.fromArguments(
                Map.of(
                        "model_name_or_path",
                        "Qwen/Qwen3-0.6B",
                        "stage",
                        "dpo",
                        "do_train",
                        true,
                        "dataset",
                        List.of("dpo_en_demo"),
                        "pref_loss",
                        "simpo",
                        "simpo_gamma",
                        1),
                "pref_beta=2.0");

        assertThat(c.stage()).isEqualTo(Stage.DPO);
        assertThat(c.finetuning().preferenceLoss()).isEqualTo(PreferenceLoss.SIMPO);
        assertThat(c.finetuning().useRefModel()).isFalse();
        assertThat(c.finetuning().simpoGamma()).isEqualTo(1.0);
        assertThat(c.finetuning().prefBeta()).isEqualTo(2.0);
        assertThat(c.data().dataset()).containsExactly("dpo_en_demo");
    }
}
