package ai.llamafactory.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.FinetuningArguments;
import ai.llamafactory.api.config.FinetuningType;
import ai.llamafactory.api.config.IntervalStrategy;
import ai.llamafactory.api.config.LrSchedulerType;
import ai.llamafactory.api.config.PreferenceLoss;
import ai.llamafactory.api.config.Stage;
import ai.llamafactory.api.exception.InvalidConfigException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The fluent API builds the same configuration as LLaMA-Factory's YAML files. */
class FineTuneTest {

    static Path example(String name) {
        try {
            return Path.of(FineTuneTest.class
                    .getResource("/llamafactory-examples/" + name)
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fluent spelling of examples/train_lora/qwen3_lora_sft.yaml, without its ignored keys. */
    static FineTune qwen3LoraSft() {
        return FineTune.model("Qwen/Qwen3-4B-Instruct-2507")
                .lora(8)
                .sft()
                .dataset("identity", "alpaca_en_demo")
                .template("qwen3_nothink")
                .cutoffLen(2048)
                .maxSamples(1000)
                .outputDir("saves/qwen3-4b/lora/sft")
                .loggingSteps(10)
                .saveSteps(500)
                .plotLoss()
                .overwriteOutputDir()
                .batchSize(1)
                .gradientAccumulation(8)
                .learningRate(1.0e-4)
                .epochs(3.0)
                .scheduler(LrSchedulerType.COSINE)
                .warmupRatio(0.1)
                .bf16();
    }

    @Test
    void fluentSftEqualsTheYamlExample() {
        FineTuneConfig yaml = FineTuneConfig.fromYaml(example("qwen3_lora_sft.yaml"));

        FineTuneConfig fluent = qwen3LoraSft().build();

        assertThat(fluent).isEqualTo(yaml);
        assertThat(yaml.toYaml()).startsWith(fluent.toYaml() + "\n### accepted for compatibility, no effect here\n");
    }

    @Test
    void fluentDpoAndPretrainEqualTheYamlExamples() {
        FineTuneConfig dpo = qwen3LoraSft()
                .dpo(PreferenceLoss.SIGMOID)
                .preferenceBeta(0.1)
                .dataset("dpo_en_demo")
                .outputDir("saves/qwen3-4b/lora/dpo")
                .learningRate(5.0e-6)
                .build();
        assertThat(dpo).isEqualTo(FineTuneConfig.fromYaml(example("qwen3_lora_dpo.yaml")));

        FineTuneConfig pt = qwen3LoraSft()
                .pt()
                .dataset("c4_demo")
                .template(null)
                .outputDir("saves/qwen3-4b/lora/pretrain")
                .build();
        assertThat(pt).isEqualTo(FineTuneConfig.fromYaml(example("qwen3_lora_pretrain.yaml")));
        assertThat(pt.packingEnabled()).isTrue();
    }

    @Test
    void fromYamlThenAdjust() {
        FineTuneConfig c = FineTune.fromYaml(example("qwen3_lora_sft.yaml"), "lora_rank=4")
                .learningRate(1e-5)
                .evalDataset("alpaca_en_demo")
                .evalSteps(50)
                .build();

        assertThat(c.finetuning().loraRank()).isEqualTo(4);
        assertThat(c.training().learningRate()).isEqualTo(1e-5);
        assertThat(c.training().evalStrategy()).isEqualTo(IntervalStrategy.STEPS);
        assertThat(c.training().evalSteps()).hasValue(50);
        assertThat(c.ignoredKeys()).containsKey("trust_remote_code");
        assertThat(FineTune.from(c).build()).isEqualTo(c);
    }

    @Test
    void loraOptionsSetEveryLoraKey() {
        FinetuningArguments f = FineTune.model("m")
                .dataset("d")
                .lora(LoraOptions.rank(16)
                        .alpha(32)
                        .dropout(0.05)
                        .target("q_proj", "v_proj")
                        .additionalTarget("embed_tokens")
                        .rslora()
                        .dora()
                        .loraPlus(16, 1e-5)
                        .newAdapter())
                .build()
                .finetuning();

        assertThat(f.finetuningType()).isEqualTo(FinetuningType.LORA);
        assertThat(f.loraRank()).isEqualTo(16);
        assertThat(f.loraAlpha()).isEqualTo(32);
        assertThat(f.loraDropout()).isEqualTo(0.05);
        assertThat(f.loraTarget()).containsExactly("q_proj", "v_proj");
        assertThat(f.additionalTarget()).containsExactly("embed_tokens");
        assertThat(f.useRslora()).isTrue();
        assertThat(f.useDora()).isTrue();
        assertThat(f.loraplusLrRatio()).hasValue(16.0);
        assertThat(f.loraplusLrEmbedding()).isEqualTo(1e-5);
        assertThat(f.createNewAdapter()).isTrue();

        // a second lora(...) replaces every LoRA key
        FinetuningArguments again = FineTune.model("m")
                .dataset("d")
                .lora(LoraOptions.rank(16).dropout(0.1).rslora())
                .lora(LoraOptions.rank(4).pissa(-1).pissaConvert())
                .build()
                .finetuning();
        assertThat(again.loraRank()).isEqualTo(4);
        assertThat(again.loraAlpha()).isEqualTo(8);
        assertThat(again.loraDropout()).isEqualTo(0.0);
        assertThat(again.useRslora()).isFalse();
        assertThat(again.pissaInit()).isTrue();
        assertThat(again.pissaIter()).isEqualTo(-1);
        assertThat(again.pissaConvert()).isTrue();
    }

    @Test
    void freezeAndFull() {
        FinetuningArguments freeze = FineTune.model("m")
                .dataset("d")
                .freeze(FreezeOptions.layers(-2).modules("mlp", "self_attn").extraModules("norm"))
                .build()
                .finetuning();
        assertThat(freeze.finetuningType()).isEqualTo(FinetuningType.FREEZE);
        assertThat(freeze.freezeTrainableLayers()).isEqualTo(-2);
        assertThat(freeze.freezeTrainableModules()).containsExactly("mlp", "self_attn");
        assertThat(freeze.freezeExtraModules()).containsExactly("norm");

        assertThat(FineTune.model("m").dataset("d").full().build().finetuning().finetuningType())
                .isEqualTo(FinetuningType.FULL);
        assertThatThrownBy(() -> FineTune.model("m")
                        .dataset("d")
                        .lora(LoraOptions.rank(8).rslora())
                        .full()
                        .build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("use_rslora: is only valid with finetuning_type lora, but finetuning_type is full");
    }

    @Test
    void stagesAndRlhfOptions() {
        assertThat(FineTune.model("m").dataset("d").rm().build().stage()).isEqualTo(Stage.RM);
        assertThat(FineTune.model("m").dataset("d").kto().build().stage()).isEqualTo(Stage.KTO);
        FineTuneConfig simpo = FineTune.model("m")
                .dataset("d")
                .dpo(PreferenceLoss.SIMPO)
                .preferenceBeta(2.0)
                .method(b -> b.simpoGamma(1.0))
                .build();
        assertThat(simpo.finetuning().preferenceLoss()).isEqualTo(PreferenceLoss.SIMPO);
        assertThat(simpo.finetuning().simpoGamma()).isEqualTo(1.0);
        assertThat(simpo.finetuning().useRefModel()).isFalse();
        FineTuneConfig ppo = FineTune.model("m").dataset("d").ppo("saves/rm").build();
        assertThat(ppo.finetuning().rewardModel()).hasValue("saves/rm");
        assertThatThrownBy(() -> FineTune.model("m").dataset("d").ppo().build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("reward_model: is required for stage ppo");
    }

    @Test
    void runIsATrainingRunAndDefaultsOtherwiseMatchLlamaFactory() {
        FineTuneConfig c = FineTune.model("m").dataset("d").build();

        assertThat(c.training().doTrain()).isTrue();
        assertThat(c.finetuning()).isEqualTo(FinetuningArguments.defaults());
        assertThatThrownBy(() -> FineTune.model("m").build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("dataset: must name at least one dataset when do_train is true");
        assertThatThrownBy(() -> FineTune.model("m").dataset("d").batchSize(0).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("per_device_train_batch_size: must be a positive integer, got 0");
    }
}
