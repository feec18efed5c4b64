package ai.llamafactory.core.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.llamafactory.core.config.ModelConfig;
import ai.llamafactory.core.model.Architectures;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Shared pieces of the benchmarks: the benchmark model's config, the measured peak, FLOP counts, RSS. */
public final class BenchSupport {
    private BenchSupport() {}

    /** @return the Llama-shaped benchmark configuration */
    public static ModelConfig llamaShapedConfig() {
        String json = "{\"model_type\":\"llama\",\"vocab_size\":32000,\"hidden_size\":512,\"intermediate_size\":1376,"
                + "\"num_hidden_layers\":4,\"num_attention_heads\":8,\"num_key_value_heads\":2,"
                + "\"max_position_embeddings\":2048,\"rms_norm_eps\":1e-5,\"rope_theta\":10000.0,"
                + "\"tie_word_embeddings\":false,\"hidden_act\":\"silu\"}";
        try {
            return ModelConfig.parse(new ObjectMapper().readTree(json),
                    Architectures.forModelType("llama").configDefaults(), "benchmark config");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param cfg a config
     * @return the number of matmul weights (all linear layers and lm_head; embeddings lookups excluded)
     */
    public static long matmulWeights(ModelConfig cfg) {
        long h = cfg.hiddenSize();
        long d = cfg.headDim();
        long attn = h * cfg.numHeads() * d * 2 + h * cfg.numKvHeads() * d * 2;
        long mlp = 3L * h * cfg.intermediateSize();
        return cfg.numLayers() * (attn + mlp) + (long) cfg.vocabSize() * h;
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
