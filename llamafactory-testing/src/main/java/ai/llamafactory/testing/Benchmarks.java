package ai.llamafactory.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the benchmarks of several modules measure: the machine's fp32 matmul peak, the process's peak memory, and the
 * Llama-shaped benchmark model (its {@code config.json} and its matmul weight count).
 */
public final class Benchmarks {
    /** {@code config.json} of the Llama-shaped benchmark model (hidden 512, 4 layers, vocabulary 32000). */
    public static final String LLAMA_SHAPED_CONFIG_JSON = "{\"model_type\":\"llama\",\"vocab_size\":32000,"
            + "\"hidden_size\":512,\"intermediate_size\":1376,\"num_hidden_layers\":4,\"num_attention_heads\":8,"
            + "\"num_key_value_heads\":2,\"max_position_embeddings\":2048,\"rms_norm_eps\":1e-5,"
            + "\"rope_theta\":10000.0,\"tie_word_embeddings\":false,\"hidden_act\":\"silu\"}";

    private Benchmarks() {}

    /**
     * @param hidden hidden size
     * @param headDim head dimension
     * @param heads query heads
     * @param kvHeads key/value heads
     * @param intermediate MLP intermediate size
     * @param layers decoder layers
     * @param vocab vocabulary size
     * @return the number of matmul weights (all linear layers and lm_head; embedding lookups excluded)
     */
    public static long matmulWeights(
            long hidden, long headDim, long heads, long kvHeads, long intermediate, long layers, long vocab) {
        long attn = hidden * heads * headDim * 2 + hidden * kvHeads * headDim * 2;
        long mlp = 3L * hidden * intermediate;
        return layers * (attn + mlp) + vocab * hidden;
    }

    /**
     * Measures the peak fp32 matmul throughput: the best rate over square products of sizes 1024 to 4096, each
     * repeated, so that a momentary slowdown does not understate the peak.
     *
     * @return FLOP/s
     */
    public static double peakMatmulFlops() {
        double best = 0;
        try (NDManager m = NDManager.newBaseManager()) {
            for (int n : new int[] {1024, 2048, 3072, 4096}) {
                NDArray a = m.randomNormal(new Shape(n, n));
                NDArray b = m.randomNormal(new Shape(n, n));
                int reps = n <= 2048 ? 8 : 3;
                for (int i = 0; i < reps; i++) {
                    long t = System.nanoTime();
                    try (NDArray c = a.matMul(b)) {
                        c.get(0, 0).getFloat();
                    }
                    double s = (System.nanoTime() - t) / 1e9;
                    if (i >= 1) {
                        best = Math.max(best, 2.0 * n * n * n / s);
                    }
                }
                a.close();
                b.close();
            }
        }
        return best;
    }

    /** @return the process's peak resident set size (VmHWM) in MiB, or -1 when unavailable */
    public static long peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
