package ai.llamafactory.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.api.internal.EditDistance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Builders check values, copy what they are given, and round-trip through YAML and toBuilder(). */
class ArgumentBuildersTest {

    /** A configuration with a non-default value in every argument class, most honoured keys changed. */
    static FineTuneConfig everythingChanged() {
        ModelArguments model = ModelArguments.builder("/models/qwen3-0.6b")
                .adapterNameOrPath("saves/a", "saves/b")
                .revision("v1.0")
                .cacheDir(Path.of("/cache/hf"))
                .hubEndpoint("https://hf-mirror.com")
                .offline(true)
                .device("cuda:1")
                .precision(Precision.FP16)
                .build();
        FinetuningArguments method = FinetuningArguments.builder()
                .stage(Stage.DPO)
                .loraRank(16)
                .loraAlpha(64)
                .loraDropout(0.05)
                .loraTarget("q_proj", "v_proj")
                .additionalTarget("embed_tokens", "lm_head")
                .useRslora(true)
                .useDora(true)
                .loraplusLrRatio(16.0)
                .loraplusLrEmbedding(1e-5)
                .createNewAdapter(true)
                .freezeTrainableLayers(-4)
                .freezeTrainableModules("mlp")
                .freezeExtraModules("norm")
                .prefBeta(0.25)
                .prefFtx(0.5)
                .prefBcoWeight(0.2)
                .preferenceLoss(PreferenceLoss.SIGMOID)
                .dpoLabelSmoothing(0.1)
                .ktoChosenWeight(1.5)
                .ktoRejectedWeight(0.5)
                .simpoGamma(1.0)
                .ldAlpha(0.5)
                .ppoBufferSize(2)
                .ppoEpochs(2)
                .ppoScoreNorm(true)
                .ppoTarget(3.0)
                .ppoWhitenRewards(true)
                .refModel("/models/ref")
                .refModelAdapters("saves/ref")
                .refModelQuantizationBit(8)
                .rewardModel("saves/rm")
                .rewardModelAdapters("saves/rm-a")
                .rewardModelQuantizationBit(4)
                .rewardModelType(RewardModelType.FULL)
                .plotLoss(true)
                .computeAccuracy(true)
                .build();
        DataArguments data = DataArguments.builder()
                .dataset("a", "b")
                .datasetDir("/data")
                .template("qwen3")
                .cutoffLen(1024)
                .maxSamples(500)
                .valSize(100)
                .packing(false)
                .mixStrategy(MixStrategy.INTERLEAVE_ONCE)
                .interleaveProbs(0.3, 0.7)
                .tokenizedPath("/tok")
                .overwriteCache(true)
                .toolFormat("qwen")
                .defaultSystem("You are helpful.")
                .enableThinking(false)
                .preserveThinking(true)
                .evalOnEachDataset(true)
                .build();
        TrainingArguments training = TrainingArguments.builder()
                .outputDir("/out/run")
                .overwriteOutputDir(true)
                .doTrain(true)
                .doEval(true)
                .numTrainEpochs(1.5)
                .maxSteps(1000)
                .perDeviceTrainBatchSize(2)
                .perDeviceEvalBatchSize(4)
                .gradientAccumulationSteps(4)
                .learningRate(2e-4)
                .weightDecay(0.01)
                .adamBeta1(0.8)
                .adamBeta2(0.95)
                .adamEpsilon(1e-6)
                .maxGradNorm(0.5)
                .lrSchedulerType(LrSchedulerType.COSINE_WITH_MIN_LR)
                .lrSchedulerKwargs(Map.of("min_lr_rate", 0.1))
                .warmupRatio(0.03)
                .warmupSteps(10)
                .optimizer(OptimizerType.SGD)
                .loggingStrategy(IntervalStrategy.STEPS)
                .loggingSteps(5)
                .loggingFirstStep(true)
                .saveStrategy(SaveStrategy.STEPS)
                .saveSteps(100)
                .saveTotalLimit(3)
                .evalStrategy(IntervalStrategy.STEPS)
                .evalSteps(50)
                .seed(1234)
                .neftuneNoiseAlpha(5.0)
                .earlyStoppingSteps(3)
                .fp16(true)
                .build();
        GeneratingArguments generating = GeneratingArguments.builder()
                .doSample(false)
                .temperature(0.6)
                .topP(0.95)
                .topK(20)
                .minP(0.05)
                .maxLength(2048)
                .maxNewTokens(256)
                .repetitionPenalty(1.1)
                .skipSpecialTokens(false)
                .build();
        ExportArguments export = ExportArguments.builder()
                .exportDir("/export")
                .exportSize(2)
                .exportDevice(ExportDevice.AUTO)
                .exportDtype(Precision.BF16)
                .exportOllamaModelfile(false)
                .build();
        return FineTuneConfig.builder(model)
                .finetuning(method)
                .data(data)
                .training(training)
                .generating(generating)
                .export(export)
                .ignoredKeys(Map.of("trust_remote_code", true))
                .build();
    }

    @Test
    void everyChangedValueSurvivesYaml() {
        FineTuneConfig config = everythingChanged();

        String yaml = config.toYaml();
        FineTuneConfig again = FineTuneConfig.parseYaml(yaml, "training_args.yaml");

        assertThat(again).isEqualTo(config);
        assertThat(again.toYaml()).isEqualTo(yaml);
        assertThat(FineTuneConfig.fromArguments(config.toArguments())).isEqualTo(config);
        assertThat(yaml)
                .contains(
                        "### model\n",
                        "### method\n",
                        "### dataset\n",
                        "### train\n",
                        "### generate\n",
                        "### export\n",
                        "lr_scheduler_kwargs:\n  min_lr_rate: 0.1\n",
                        "interleave_probs: \"0.3,0.7\"\n",
                        "adapter_name_or_path: \"saves/a,saves/b\"\n",
                        "infer_dtype: float16\n",
                        "export_dtype: bfloat16\n");
    }

    @Test
    void writeYamlCreatesTheFile(@org.junit.jupiter.api.io.TempDir Path dir) {
        FineTuneConfig config = everythingChanged();
        Path file = dir.resolve("run/training_args.yaml");

        config.writeYaml(file);

        assertThat(FineTuneConfig.fromYaml(file)).isEqualTo(config);
        assertThat(FineTuneConfig.fromFile(file).ignoredKeys()).containsEntry("trust_remote_code", true);
    }

    @Test
    void toBuilderGivesEqualObjects() {
        FineTuneConfig c = everythingChanged();
        assertThat(c.model().toBuilder().build()).isEqualTo(c.model());
        assertThat(c.data().toBuilder().build()).isEqualTo(c.data());
        assertThat(c.finetuning().toBuilder().build()).isEqualTo(c.finetuning());
        assertThat(c.training().toBuilder().build()).isEqualTo(c.training());
        assertThat(c.generating().toBuilder().build()).isEqualTo(c.generating());
        assertThat(c.export().toBuilder().build()).isEqualTo(c.export());
        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThat(c.training().toBuilder().seed(1).build()).isNotEqualTo(c.training());
    }

    @Test
    void loraAlphaFollowsTheRankUntilSet() {
        FinetuningArguments r16 = FinetuningArguments.builder().loraRank(16).build();
        assertThat(r16.loraAlpha()).isEqualTo(32);
        assertThat(r16.toBuilder().loraRank(4).build().loraAlpha()).isEqualTo(8);
        FinetuningArguments explicit =
                FinetuningArguments.builder().loraRank(16).loraAlpha(16).build();
        assertThat(explicit.loraAlpha()).isEqualTo(16);
        assertThat(explicit.toBuilder().loraRank(4).build().loraAlpha()).isEqualTo(16);
        // equal when alpha resolves to the same value
        assertThat(FinetuningArguments.builder().loraAlpha(16).build()).isEqualTo(FinetuningArguments.defaults());
    }

    @Test
    void builderCopiesItsInputsAndResultsAreImmutable() {
        List<String> names = new ArrayList<>(List.of("a", "b"));
        DataArguments.Builder b = DataArguments.builder().dataset(names);
        names.add("c");
        DataArguments d = b.build();

        assertThat(d.dataset()).containsExactly("a", "b");
        assertThatThrownBy(() -> d.dataset().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(
                        () -> everythingChanged().training().lrSchedulerKwargs().put("x", 1))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> everythingChanged().ignoredKeys().put("x", 1))
                .isInstanceOf(UnsupportedOperationException.class);
        // the builder can go on after build() without changing what it built
        DataArguments later = b.cutoffLen(64).build();
        assertThat(d.cutoffLen()).isEqualTo(2048);
        assertThat(later.cutoffLen()).isEqualTo(64);
    }

    @Test
    void buildersRejectBadValuesWithTheKeyName() {
        assertThatThrownBy(() -> DataArguments.builder().dataset("a", " ").build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("dataset: entries must not be empty, got [a,  ]");
        assertThatThrownBy(() -> TrainingArguments.builder().lrSchedulerType(null))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("lr_scheduler_type: must not be null");
        assertThatThrownBy(() -> ModelArguments.builder(" ").build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("model_name_or_path: must name a local model folder or a hub id, got ' '");
        assertThatThrownBy(() ->
                        TrainingArguments.builder().learningRate(Double.NaN).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("learning_rate: must be >= 0, got NaN");
        assertThatThrownBy(() -> FineTuneConfig.builder(null).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("model_name_or_path: must not be null");
    }

    @Test
    void toStringListsChangedKeysAndHidesTheToken() {
        ModelArguments m = ModelArguments.builder("Qwen/Qwen3-0.6B")
                .hubToken("hf_secret")
                .device("cpu")
                .build();

        assertThat(m.toString())
                .isEqualTo("ModelArguments{model_name_or_path=Qwen/Qwen3-0.6B, device=cpu, hf_hub_token=<hidden>}");
        FineTuneConfig c = FineTuneConfig.builder(m).build();
        assertThat(c.toYaml()).doesNotContain("hf_secret").doesNotContain("hf_hub_token");
        assertThat(c.toString()).doesNotContain("hf_secret");
        assertThat(FinetuningArguments.builder().stage(Stage.KTO).build().toString())
                .isEqualTo("FinetuningArguments{stage=kto}");
    }

    @Test
    void enumsParseTheirFileSpelling() {
        assertThat(Precision.fromKey("bfloat16")).isEqualTo(Precision.BF16);
        assertThat(Precision.fromKey("fp16")).isEqualTo(Precision.FP16);
        assertThat(Precision.FP32.key()).isEqualTo("float32");
        assertThat(LrSchedulerType.fromKey("Cosine_With_Restarts")).isEqualTo(LrSchedulerType.COSINE_WITH_RESTARTS);
        assertThat(Stage.fromKey(" dpo ")).isEqualTo(Stage.DPO);
        assertThat(PreferenceLoss.ORPO.needsReferenceModel()).isFalse();
        assertThat(PreferenceLoss.IPO.needsReferenceModel()).isTrue();
        assertThatThrownBy(() -> Stage.fromKey("sfft"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("stage: unknown value 'sfft', expected one of [pt, sft, rm, ppo, dpo, kto]; "
                        + "did you mean 'sft'?");
        assertThatThrownBy(() -> Precision.fromKey("int8"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith(
                        "infer_dtype: unknown value 'int8', expected one of [auto, float32, float16, " + "bfloat16]");
    }

    @Test
    void editDistance() {
        assertThat(EditDistance.between("kitten", "sitting")).isEqualTo(3);
        assertThat(EditDistance.between("", "abc")).isEqualTo(3);
        assertThat(EditDistance.between("lora_rank", "lora_rank")).isZero();
        assertThat(EditDistance.closest("lerning_rate", List.of("learning_rate", "lora_rank")))
                .hasValue("learning_rate");
        assertThat(EditDistance.closest("xyz", List.of("learning_rate"))).isEmpty();
    }
}
