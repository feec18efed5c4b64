package ai.llamafactory.peft.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.llamafactory.api.FineTune;
import ai.llamafactory.api.config.LrSchedulerType;
import ai.llamafactory.api.run.TrainingListener;
import ai.llamafactory.core.checkpoint.SafetensorsDtype;
import ai.llamafactory.core.config.ModelConfig;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.loader.DjlModelLoader;
import ai.llamafactory.core.loader.ModelWriter;
import ai.llamafactory.core.loss.CausalLmLoss;
import ai.llamafactory.core.model.Architectures;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.model.ForwardInput;
import ai.llamafactory.core.model.RandomWeights;
import ai.llamafactory.core.optim.AdamW;
import ai.llamafactory.core.optim.AdamWConfig;
import ai.llamafactory.core.optim.GradientClipping;
import ai.llamafactory.peft.lora.LoraConfig;
import ai.llamafactory.peft.lora.LoraModel;
import ai.llamafactory.testing.TinyRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foundation benchmark's model (4 layers, hidden 512, 8/2 heads, intermediate 1376, vocab 32000; batch 4 x 256)
 * with LoRA r=16 on all linear layers, trained through the whole trainer ({@code FineTune...run()}: data worker,
 * packing, batching, forward, loss, backward, clipping, AdamW, schedule, logging every step) and with a bare
 * forward + backward + clip + AdamW loop on the same shapes, in one JVM. Prints tokens/s, MFU against the fp32 matmul
 * peak measured here, peak RSS, and the trainer's overhead over the bare loop.
 *
 * <p>Run: {@code mvn -B -ntp -Pbenchmark -pl llamafactory-peft -am test -Dtest=TrainerOverheadBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class TrainerOverheadBenchmark {
    static final int BATCH = 4;
    static final int SEQ = 256;
    static final int WARMUP = 2;
    static final int STEPS = 6;

    @TempDir
    Path tmp;

    @Test
    void trainerVersusBareLoop() throws Exception {
        DjlEngine.get();
        double peak = BenchSupport.peakMatmulFlops();
        ModelConfig cfg = BenchSupport.llamaShapedConfig();
        Path folder = tmp.resolve("model");
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = Architectures.forModelType("llama")
                        .build(cfg, new RandomWeights(1, 0.02, false), ComputePolicy.cpu(), m.newSubManager())) {
            ModelWriter.save(model, folder, SafetensorsDtype.F32, Long.MAX_VALUE);
        }
        TinyRun.copyByteTokenizer(folder);
        long n = BenchSupport.matmulWeights(cfg);
        double fwd = 2.0 * n + 4.0 * cfg.numLayers() * SEQ * cfg.hiddenSize();

        double bare = bareStepSeconds(folder, cfg);
        List<Long> stepEnds = new ArrayList<>();
        long[] trainable = new long[1];
        FineTune.model(folder)
                .lora(16)
                .pt()
                .dataset("corpus_demo")
                .template("chatml")
                .cutoffLen(SEQ + 1)
                .batchSize(BATCH)
                .learningRate(1e-4)
                .maxSteps(WARMUP + STEPS)
                .scheduler(LrSchedulerType.CONSTANT)
                .outputDir(tmp.resolve("out"))
                .training(t -> t.loggingSteps(1).saveSteps(1_000_000).maxGradNorm(1.0))
                .listener(new TrainingListener() {
                    @Override
                    public void onTrainBegin(ai.llamafactory.api.run.TrainBeginEvent e) {
                        trainable[0] = e.trainableParameters();
                    }

                    @Override
                    public void onStep(ai.llamafactory.api.run.StepEvent e) {
                        stepEnds.add(System.nanoTime());
                    }
                })
                .run();
        double trainer = (stepEnds.get(stepEnds.size() - 1) - stepEnds.get(WARMUP - 1)) / 1e9 / STEPS;
        double flopsPerToken = 2 * fwd + 6.0 * trainable[0];
        double tokens = BATCH * SEQ;
        System.out.printf(
                "peak fp32 matmul (measured here): %.1f GFLOP/s; FLOP/token = 2 x (2N + 4LTd) + 6P with "
                        + "N=%d, P=%d (LoRA weights)%n",
                peak / 1e9, n, trainable[0]);
        System.out.printf(
                "bare loop (forward+loss+backward+clip+AdamW): %.3f s/step, %.0f tokens/s, MFU %.1f%%%n",
                bare, tokens / bare, 100 * flopsPerToken * tokens / bare / peak);
        System.out.printf(
                "trainer (data, batching, forward, loss, backward, clip, AdamW, schedule, logging): %.3f "
                        + "s/step, %.0f tokens/s, MFU %.1f%%, peak RSS %d MiB%n",
                trainer, tokens / trainer, 100 * flopsPerToken * tokens / trainer / peak, BenchSupport.peakRssMiB());
        System.out.printf("trainer overhead over the bare loop: %.1f%%%n", 100 * (trainer / bare - 1));
    }

    private static double bareStepSeconds(Path folder, ModelConfig cfg) {
        try (CausalLm model = DjlModelLoader.load(folder, ComputePolicy.cpu())) {
            LoraModel peft = new LoraModel(model);
            peft.addAdapter("default", LoraConfig.builder().rank(16).build());
            model.setTraining(true);
            List<NDArray> arrays = new ArrayList<>(peft.trainableArrays().values());
            Random rnd = new Random(7);
            long t0 = 0;
            try (AdamW adamW = new AdamW(peft.paramGroups(1e-4, 0.0), AdamWConfig.defaults())) {
                for (int s = 0; s < WARMUP + STEPS; s++) {
                    if (s == WARMUP) {
                        t0 = System.nanoTime();
                    }
                    long[] ids = new long[BATCH * SEQ];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = rnd.nextInt(259);
                    }
                    try (NDManager step = model.manager().newSubManager()) {
                        NDArray in = step.create(ids, new Shape(BATCH, SEQ));
                        try (GradientCollector gc = DjlEngine.get().newGradientCollector()) {
                            NDArray hidden = model.hiddenStates(ForwardInput.of(in, null));
                            CausalLmLoss.Result r = CausalLmLoss.compute(
                                    hidden, model.lmHeadWeight(step), in, CausalLmLoss.Options.defaults());
                            gc.backward(r.backwardTarget());
                        }
                        GradientClipping.clipGlobalNorm(arrays, 1.0);
                        adamW.step(1e-4);
                    }
                }
            }
            return (System.nanoTime() - t0) / 1e9 / STEPS;
        }
    }
}
