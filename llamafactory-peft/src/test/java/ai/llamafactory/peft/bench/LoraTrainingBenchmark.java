package ai.llamafactory.peft.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.llamafactory.core.config.ModelConfig;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.loss.CausalLmLoss;
import ai.llamafactory.core.model.Architecture;
import ai.llamafactory.core.model.Architectures;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.model.ForwardInput;
import ai.llamafactory.core.model.RandomWeights;
import ai.llamafactory.core.optim.AdamW;
import ai.llamafactory.core.optim.AdamWConfig;
import ai.llamafactory.core.optim.ParamGroup;
import ai.llamafactory.core.optim.ParamGroups;
import ai.llamafactory.peft.TrainableParameters;
import ai.llamafactory.peft.freeze.FreezeTuning;
import ai.llamafactory.peft.lora.LoraConfig;
import ai.llamafactory.peft.lora.LoraModel;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Training-step throughput of the foundation benchmark's Llama-shaped model (4 layers, hidden 512, 8 heads, 2 KV
 * heads, intermediate 1376, vocab 32000; batch 4 x 256 tokens): forward + backward + AdamW step with LoRA r=16 on
 * all linear layers, and the same with full tuning. Prints tokens/s, achieved FLOP/s, MFU against the fp32 matmul
 * peak measured in this JVM, and peak RSS.
 *
 * <p>FLOP model: forward {@code 2N + 4 L T d} per token (N = matmul weights incl. lm_head); full tuning x3; LoRA x2
 * for the frozen base (activation gradients only) plus {@code 6 P} for the P adapter weights.
 *
 * <p>Run: {@code mvn -B -ntp -Pbenchmark -pl llamafactory-peft -am test -Dtest=LoraTrainingBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class LoraTrainingBenchmark {
    static final int BATCH = 4;
    static final int SEQ = 256;
    static final int WARMUP = 2;
    static final int STEPS = 5;

    @Test
    void loraVersusFullTuning() {
        DjlEngine.get();
        double peak = BenchSupport.peakMatmulFlops();
        System.out.printf("peak fp32 matmul (measured here): %.1f GFLOP/s%n", peak / 1e9);
        ModelConfig cfg = BenchSupport.llamaShapedConfig();
        long n = BenchSupport.matmulWeights(cfg);
        double fwd = 2.0 * n + 4.0 * cfg.numLayers() * SEQ * cfg.hiddenSize();
        run(cfg, true, fwd, peak);
        run(cfg, false, fwd, peak);
    }

    private static void run(ModelConfig cfg, boolean lora, double fwdPerToken, double peak) {
        Architecture arch = Architectures.forModelType(cfg.modelType());
        try (NDManager root = NDManager.newBaseManager();
                CausalLm model =
                        arch.build(cfg, new RandomWeights(1, 0.02, false), ComputePolicy.cpu(), root.newSubManager())) {
            List<ParamGroup> groups;
            double flopsPerToken;
            TrainableParameters counts;
            if (lora) {
                LoraModel peft = new LoraModel(model);
                peft.addAdapter("default", LoraConfig.builder().rank(16).build());
                groups = peft.paramGroups(1e-4, 0.01);
                counts = peft.parameterCounts();
                flopsPerToken = 2 * fwdPerToken + 6.0 * counts.trainable();
            } else {
                counts = FreezeTuning.full(model);
                groups = ParamGroups.withWeightDecay(FreezeTuning.trainableArrays(model), 0.01);
                flopsPerToken = 3 * fwdPerToken;
            }
            model.setTraining(true);
            Random rnd = new Random(7);
            long t0 = 0;
            double lossSum = 0;
            try (AdamW adamW = new AdamW(groups, AdamWConfig.defaults())) {
                for (int s = 0; s < WARMUP + STEPS; s++) {
                    if (s == WARMUP) {
                        t0 = System.nanoTime();
                    }
                    long[] ids = new long[BATCH * SEQ];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = rnd.nextInt(cfg.vocabSize());
                    }
                    try (NDManager step = root.newSubManager()) {
                        NDArray in = step.create(ids, new Shape(BATCH, SEQ));
                        try (GradientCollector gc = DjlEngine.get().newGradientCollector()) {
                            NDArray hidden = model.hiddenStates(ForwardInput.of(in, null));
                            CausalLmLoss.Result r = CausalLmLoss.compute(
                                    hidden, model.lmHeadWeight(step), in, CausalLmLoss.Options.defaults());
                            gc.backward(r.backwardTarget());
                            lossSum += r.loss();
                        }
                        adamW.step(1e-4);
                        // Host sync so that the step's work is done before the clock reads.
                        groups.get(0).params().values().iterator().next().sum().getFloat();
                    }
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            double tokens = (double) BATCH * SEQ * STEPS;
            double flops = flopsPerToken * tokens / secs;
            System.out.printf(
                    "%s: %s; %.0f tokens/s, %.1f GFLOP/s, MFU %.1f%%, %.3f s/step, peak RSS %d MiB "
                            + "(mean loss %.3f)%n",
                    lora ? "LoRA r=16 all linear" : "full tuning",
                    counts.format(),
                    tokens / secs,
                    flops / 1e9,
                    100 * flops / peak,
                    secs / STEPS,
                    BenchSupport.peakRssMiB(),
                    lossSum / (WARMUP + STEPS));
        }
    }
}
