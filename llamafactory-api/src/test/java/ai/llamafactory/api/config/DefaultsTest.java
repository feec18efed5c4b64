package ai.llamafactory.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Defaults equal LLaMA-Factory's (hparams/*.py) and transformers' TrainingArguments, value by value, so a file that
 * leaves a key out trains the same here as there.
 */
class DefaultsTest {

    @Test
    void methodDefaults() {
        FinetuningArguments f = FinetuningArguments.defaults();
        assertThat(f.stage()).isEqualTo(Stage.SFT);
        assertThat(f.finetuningType()).isEqualTo(FinetuningType.LORA);
        assertThat(f.loraRank()).isEqualTo(8);
        assertThat(f.loraAlpha()).isEqualTo(16);
        assertThat(f.loraDropout()).isEqualTo(0.0);
        assertThat(f.loraTarget()).containsExactly("all");
        assertThat(f.additionalTarget()).isEmpty();
        assertThat(f.useRslora()).isFalse();
        assertThat(f.useDora()).isFalse();
        assertThat(f.pissaInit()).isFalse();
        assertThat(f.pissaIter()).isEqualTo(16);
        assertThat(f.pissaConvert()).isFalse();
        assertThat(f.loraplusLrRatio()).isEmpty();
        assertThat(f.loraplusLrEmbedding()).isEqualTo(1e-6);
        assertThat(f.createNewAdapter()).isFalse();
        assertThat(f.freezeTrainableLayers()).isEqualTo(2);
        assertThat(f.freezeTrainableModules()).containsExactly("all");
        assertThat(f.freezeExtraModules()).isEmpty();
        assertThat(f.useGalore()).isFalse();
        assertThat(f.galoreTarget()).containsExactly("all");
        assertThat(f.galoreRank()).isEqualTo(16);
        assertThat(f.galoreUpdateInterval()).isEqualTo(200);
        assertThat(f.galoreScale()).isEqualTo(2.0);
        assertThat(f.galoreProjectionType()).isEqualTo(GaloreProjectionType.STD);
        assertThat(f.useBadam()).isFalse();
        assertThat(f.badamMode()).isEqualTo(BadamMode.LAYER);
        assertThat(f.badamStartBlock()).isEmpty();
        assertThat(f.badamSwitchMode()).isEqualTo(BadamSwitchMode.ASCENDING);
        assertThat(f.badamSwitchInterval()).isEqualTo(50);
        assertThat(f.badamUpdateRatio()).isEqualTo(0.05);
        assertThat(f.badamMaskMode()).isEqualTo(BadamMaskMode.ADJACENT);
        assertThat(f.prefBeta()).isEqualTo(0.1);
        assertThat(f.prefFtx()).isEqualTo(0.0);
        assertThat(f.prefBcoWeight()).isEqualTo(0.0);
        assertThat(f.preferenceLoss()).isEqualTo(PreferenceLoss.SIGMOID);
        assertThat(f.dpoLabelSmoothing()).isEqualTo(0.0);
        assertThat(f.ktoChosenWeight()).isEqualTo(1.0);
        assertThat(f.ktoRejectedWeight()).isEqualTo(1.0);
        assertThat(f.simpoGamma()).isEqualTo(0.5);
        assertThat(f.ldAlpha()).isEmpty();
        assertThat(f.ppoBufferSize()).isEqualTo(1);
        assertThat(f.ppoEpochs()).isEqualTo(4);
        assertThat(f.ppoScoreNorm()).isFalse();
        assertThat(f.ppoTarget()).isEqualTo(6.0);
        assertThat(f.ppoWhitenRewards()).isFalse();
        assertThat(f.refModel()).isEmpty();
        assertThat(f.rewardModel()).isEmpty();
        assertThat(f.rewardModelType()).isEqualTo(RewardModelType.LORA);
        assertThat(f.useDftLoss()).isFalse();
        assertThat(f.plotLoss()).isFalse();
        assertThat(f.computeAccuracy()).isFalse();
        assertThat(f.useRefModel()).isFalse();
    }

    @Test
    void dataDefaults() {
        DataArguments d = DataArguments.defaults();
        assertThat(d.dataset()).isEmpty();
        assertThat(d.evalDataset()).isEmpty();
        assertThat(d.datasetDir()).isEqualTo("data");
        assertThat(d.template()).isEmpty();
        assertThat(d.cutoffLen()).isEqualTo(2048);
        assertThat(d.maxSamples()).isEmpty();
        assertThat(d.valSize()).isEqualTo(0.0);
        assertThat(d.packing()).isEmpty();
        assertThat(d.neatPacking()).isFalse();
        assertThat(d.trainOnPrompt()).isFalse();
        assertThat(d.maskHistory()).isFalse();
        assertThat(d.mixStrategy()).isEqualTo(MixStrategy.CONCAT);
        assertThat(d.interleaveProbs()).isEmpty();
        assertThat(d.streaming()).isFalse();
        assertThat(d.bufferSize()).isEqualTo(16384);
        assertThat(d.tokenizedPath()).isEmpty();
        assertThat(d.overwriteCache()).isFalse();
        assertThat(d.toolFormat()).isEmpty();
        assertThat(d.defaultSystem()).isEmpty();
        assertThat(d.enableThinking()).isTrue();
        assertThat(d.preserveThinking()).isFalse();
        assertThat(d.packingEnabled(Stage.PT)).isTrue();
        assertThat(d.packingEnabled(Stage.SFT)).isFalse();
    }

    @Test
    void trainingDefaultsAreTransformers() {
        TrainingArguments t = TrainingArguments.defaults();
        assertThat(t.outputDir()).isEqualTo(Path.of("trainer_output"));
        assertThat(t.doTrain()).isFalse();
        assertThat(t.numTrainEpochs()).isEqualTo(3.0);
        assertThat(t.maxSteps()).isEqualTo(-1);
        assertThat(t.perDeviceTrainBatchSize()).isEqualTo(8);
        assertThat(t.perDeviceEvalBatchSize()).isEqualTo(8);
        assertThat(t.gradientAccumulationSteps()).isEqualTo(1);
        assertThat(t.learningRate()).isEqualTo(5e-5);
        assertThat(t.weightDecay()).isEqualTo(0.0);
        assertThat(t.adamBeta1()).isEqualTo(0.9);
        assertThat(t.adamBeta2()).isEqualTo(0.999);
        assertThat(t.adamEpsilon()).isEqualTo(1e-8);
        assertThat(t.maxGradNorm()).isEqualTo(1.0);
        assertThat(t.lrSchedulerType()).isEqualTo(LrSchedulerType.LINEAR);
        assertThat(t.lrSchedulerKwargs()).isEmpty();
        assertThat(t.warmupRatio()).isEqualTo(0.0);
        assertThat(t.warmupSteps()).isZero();
        assertThat(t.optimizer()).isEqualTo(OptimizerType.ADAMW_TORCH);
        assertThat(t.loggingStrategy()).isEqualTo(IntervalStrategy.STEPS);
        assertThat(t.loggingSteps()).isEqualTo(500);
        assertThat(t.saveStrategy()).isEqualTo(SaveStrategy.STEPS);
        assertThat(t.saveSteps()).isEqualTo(500);
        assertThat(t.saveTotalLimit()).isEmpty();
        assertThat(t.evalStrategy()).isEqualTo(IntervalStrategy.NO);
        assertThat(t.evalSteps()).isEmpty();
        assertThat(t.seed()).isEqualTo(42);
        assertThat(t.bf16()).isFalse();
        assertThat(t.fp16()).isFalse();
        assertThat(t.neftuneNoiseAlpha()).isEmpty();
        assertThat(t.resumeFromCheckpoint()).isEmpty();
        assertThat(t.predictWithGenerate()).isFalse();
    }

    @Test
    void generationDefaults() {
        GeneratingArguments g = GeneratingArguments.defaults();
        assertThat(g.doSample()).isTrue();
        assertThat(g.temperature()).isEqualTo(0.95);
        assertThat(g.topP()).isEqualTo(0.7);
        assertThat(g.topK()).isEqualTo(50);
        assertThat(g.minP()).isEmpty();
        assertThat(g.numBeams()).isEqualTo(1);
        assertThat(g.maxLength()).isEqualTo(1024);
        assertThat(g.maxNewTokens()).isEqualTo(1024);
        assertThat(g.repetitionPenalty()).isEqualTo(1.0);
        assertThat(g.lengthPenalty()).isEqualTo(1.0);
        assertThat(g.skipSpecialTokens()).isTrue();
    }

    @Test
    void exportAndModelDefaults() {
        ExportArguments e = ExportArguments.defaults();
        assertThat(e.exportDir()).isEmpty();
        assertThat(e.exportSize()).isEqualTo(5);
        assertThat(e.exportDevice()).isEqualTo(ExportDevice.CPU);
        assertThat(e.exportLegacyFormat()).isFalse();
        assertThat(e.exportQuantizationBit()).isEmpty();
        assertThat(e.exportQuantizationNsamples()).isEqualTo(128);
        assertThat(e.exportQuantizationMaxlen()).isEqualTo(1024);

        ModelArguments m = ModelArguments.builder("Qwen/Qwen3-0.6B").build();
        assertThat(m.revision()).isEqualTo("main");
        assertThat(m.adapterNameOrPath()).isEmpty();
        assertThat(m.device()).isEqualTo("auto");
        assertThat(m.precision()).isEqualTo(Precision.AUTO);
        assertThat(m.quantizationBit()).isEmpty();
        assertThat(m.quantizationMethod()).isEqualTo(QuantizationMethod.BNB);
        assertThat(m.quantizationType()).isEqualTo(QuantizationType.NF4);
        assertThat(m.doubleQuantization()).isTrue();
        assertThat(m.useKvCache()).isTrue();
        assertThat(m.disableGradientCheckpointing()).isFalse();
        assertThat(m.ropeScaling()).isEmpty();
    }

    @Test
    void aFileWithOnlyTheModelGivesTheDefaults() {
        FineTuneConfig c = FineTuneConfig.parseYaml("model_name_or_path: Qwen/Qwen3-0.6B\n", "minimal.yaml");

        assertThat(c)
                .isEqualTo(FineTuneConfig.builder(
                                ModelArguments.builder("Qwen/Qwen3-0.6B").build())
                        .build());
        assertThat(c.toYaml()).isEqualTo("### model\nmodel_name_or_path: Qwen/Qwen3-0.6B\n");
        assertThat(c.ignoredKeys()).isEmpty();
        assertThat(c.warnings()).isEmpty();
    }
}
