package ai.llamafactory.core.bench;

import ai.djl.engine.Engine;
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
import ai.llamafactory.core.nn.Param;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Forward + backward throughput of a Llama-shaped model (4 layers, hidden 512, 8 heads, 2 KV heads, intermediate
 * 1376, vocab 32000, batch 4, seq 256): all weights trainable, and a frozen base with only a small tensor added to
 * the embeddings trainable (backward runs through the whole frozen base, as under LoRA). Prints tokens/s, achieved
 * FLOP/s, MFU against the fp32 matmul peak measured in this JVM, and peak RSS.
 *
 * <p>Run: {@code mvn -B -ntp -Pbenchmark -pl llamafactory-core -am test -Dtest=ForwardBackwardBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class ForwardBackwardBenchmark {
    static final int BATCH = 4;
    static final int SEQ = 256;

    @Test
    void llamaShaped() throws Exception {
        DjlEngine.get();
        double peak = BenchSupport.peakMatmulFlops();
        System.out.printf(
                "peak fp32 matmul (measured here, best of square products 1024..4096): %.1f GFLOP/s%n", peak / 1e9);
        ModelConfig cfg = BenchSupport.llamaShapedConfig();
        long n = BenchSupport.matmulWeights(cfg);
        double attn = 4.0 * cfg.numLayers() * SEQ * cfg.hiddenSize();
        double fwdPerToken = 2.0 * n + attn;
        System.out.printf(
                "FLOP count: N=%d matmul weights (incl. lm_head); forward/token = 2N + 4*L*T*d = %.4g; "
                        + "full training x3, frozen base x2%n",
                n, fwdPerToken);
        for (boolean frozen : new boolean[] {false, true}) {
            run(cfg, frozen, fwdPerToken * (frozen ? 2 : 3), peak);
        }
    }

    private void run(ModelConfig cfg, boolean frozenBase, double flopsPerToken, double peak) {
        Architecture arch = Architectures.forModelType(cfg.modelType());
        try (NDManager root = NDManager.newBaseManager()) {
            CausalLm model =
                    arch.build(cfg, new RandomWeights(1, 0.02, false), ComputePolicy.cpu(), root.newSubManager());
            NDArray delta = null;
            if (frozenBase) {
                delta = root.zeros(new Shape(cfg.hiddenSize()));
                delta.setRequiresGradient(true);
                NDArray d = delta;
                model.setEmbeddingTransform(h -> h.add(d));
            } else {
                model.setAllTrainable(true);
            }
            Random rnd = new Random(7);
            int warmup = 2;
            int steps = 5;
            long t0 = 0;
            double lossSum = 0;
            for (int s = 0; s < warmup + steps; s++) {
                if (s == warmup) {
                    t0 = System.nanoTime();
                }
                long[] ids = new long[BATCH * SEQ];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = rnd.nextInt(cfg.vocabSize());
                }
                try (NDManager step = root.newSubManager()) {
                    NDArray in = step.create(ids, new Shape(BATCH, SEQ));
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray hidden = model.hiddenStates(ForwardInput.of(in, null));
                        CausalLmLoss.Result r =
                                CausalLmLoss.compute(hidden, model.lmHeadWeight(), in, CausalLmLoss.Options.defaults());
                        gc.backward(r.backwardTarget());
                        lossSum += r.loss();
                    }
                    // Read one gradient so that the step's work is finished before the clock stops.
                    NDArray probe = frozenBase ? delta : model.lmHeadWeight();
                    try (NDArray g = probe.getGradient()) {
                        g.sum().getFloat();
                        g.subi(g);
                    }
                    if (!frozenBase) {
                        for (Param p : model.parameters().values()) {
                            try (NDArray g = p.array().getGradient()) {
                                g.subi(g);
                            }
                        }
                    }
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            double tokens = (double) BATCH * SEQ * steps;
            double flops = flopsPerToken * tokens / secs;
            System.out.printf(
                    "%s: %.0f tokens/s, %.1f GFLOP/s, MFU %.1f%%, %.3f s/step, peak RSS %d MiB " + "(mean loss %.3f)%n",
                    frozenBase ? "frozen base + trainable embedding delta" : "all weights trainable",
                    tokens / secs,
                    flops / 1e9,
                    100 * flops / peak,
                    secs / steps,
                    BenchSupport.peakRssMiB(),
                    lossSum / (warmup + steps));
            model.close();
        }
    }
}
