package ai.llamafactory.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.llamafactory.core.engine.DjlEngine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Time of one optimizer step and one clipping pass over LoRA-sized tensors (rank 8 on a 1024-wide model, 16 layers
 * x 7 modules x A/B = 224 tensors, 1.8M values), next to DJL's built-in AdamW update on the same tensors. Prints
 * figures; asserts nothing. Run with {@code -Pbenchmark -Dtest=OptimizerBenchmarkTest}. On a loaded machine with few
 * cores set {@code OMP_NUM_THREADS=1}: libtorch splits small {@code sqrt}/{@code norm} kernels over OpenMP threads,
 * and when those threads are descheduled a step takes seconds instead of milliseconds.
 */
@Tag("benchmark")
class OptimizerBenchmarkTest {
    private static final int WARMUP = 5;
    private static final int ROUNDS = 20;

    @Test
    void stepTimes() {
        try (NDManager model = DjlEngine.get().newBaseManager()) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            String[] modules = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
            for (int layer = 0; layer < 16; layer++) {
                for (String m : modules) {
                    String prefix = "base_model.model.model.layers." + layer + "." + m;
                    NDArray a = model.randomNormal(new Shape(8, 1024));
                    NDArray b = model.randomNormal(new Shape(1024, 8));
                    a.setRequiresGradient(true);
                    b.setRequiresGradient(true);
                    params.put(prefix + ".lora_A.weight", a);
                    params.put(prefix + ".lora_B.weight", b);
                }
            }
            long values = params.values().stream().mapToLong(NDArray::size).sum();
            try (AdamW adamW = new AdamW(ParamGroups.withWeightDecay(params, 0.01), AdamWConfig.defaults());
                    Sgd sgd = new Sgd(
                            List.of(ParamGroup.builder("all").params(params).build()),
                            SgdConfig.builder().momentum(0.9).build());
                    Adafactor adafactor = new Adafactor(
                            List.of(ParamGroup.builder("all").params(params).build()),
                            AdafactorConfig.trainerDefaults())) {
                report("AdamW (this package)", params, values, () -> adamW.step(1e-4));
                report("SGD momentum (this package)", params, values, () -> sgd.step(1e-4));
                report("Adafactor (this package)", params, values, () -> adafactor.step(1e-4));
                report("clipGlobalNorm", params, values, () -> GradientClipping.clipGlobalNorm(params.values(), 1e-3));
                ai.djl.training.optimizer.Optimizer djl =
                        ai.djl.training.optimizer.Optimizer.adamW().build();
                report(
                        "DJL built-in AdamW.update",
                        params,
                        values,
                        () -> params.forEach((name, w) -> {
                            try (NDArray g = w.getGradient()) {
                                djl.update(name, w, g);
                            }
                        }));
            }
        }
    }

    private static void report(String label, Map<String, NDArray> params, long values, Runnable step) {
        double total = 0;
        for (int i = 0; i < WARMUP + ROUNDS; i++) {
            fillGradients(params);
            long t0 = System.nanoTime();
            step.run();
            long t1 = System.nanoTime();
            if (i >= WARMUP) {
                total += (t1 - t0) / 1e6;
            }
        }
        for (NDArray p : params.values()) {
            JniUtils.zeroGrad((PtNDArray) p);
        }
        double ms = total / ROUNDS;
        System.out.printf(
                "%-30s %4d tensors %9d values: %8.3f ms/step  %6.1f us/tensor%n",
                label, params.size(), values, ms, ms * 1000 / params.size());
    }

    private static void fillGradients(Map<String, NDArray> params) {
        try (NDManager scratch = DjlEngine.get().newBaseManager();
                GradientCollector gc = DjlEngine.get().newGradientCollector()) {
            NDArray total = null;
            for (NDArray p : params.values()) {
                NDArray term = p.mul(0.5f).sum();
                term.attach(scratch);
                total = total == null ? term : total.add(term);
                total.attach(scratch);
            }
            gc.backward(total);
        }
    }
}
