package ai.llamafactory.core.bench;

import ai.llamafactory.core.config.ModelConfig;
import ai.llamafactory.core.model.Architectures;
import ai.llamafactory.testing.Benchmarks;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The benchmark model as core types: {@link Benchmarks#LLAMA_SHAPED_CONFIG_JSON} parsed into a {@link ModelConfig},
 * and its matmul weight count. The measurements themselves (peak FLOP/s, peak RSS) are in {@link Benchmarks}.
 */
public final class BenchSupport {
    private BenchSupport() {}

    /** @return the Llama-shaped benchmark configuration */
    public static ModelConfig llamaShapedConfig() {
        try {
            return ModelConfig.parse(
                    new ObjectMapper().readTree(Benchmarks.LLAMA_SHAPED_CONFIG_JSON),
                    Architectures.forModelType("llama").configDefaults(),
                    "benchmark config");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param cfg a config
     * @return the number of matmul weights (all linear layers and lm_head; embeddings lookups excluded)
     */
    public static long matmulWeights(ModelConfig cfg) {
        return Benchmarks.matmulWeights(
                cfg.hiddenSize(),
                cfg.headDim(),
                cfg.numHeads(),
                cfg.numKvHeads(),
                cfg.intermediateSize(),
                cfg.numLayers(),
                cfg.vocabSize());
    }

    /** @return see {@link Benchmarks#peakMatmulFlops()} */
    public static double peakMatmulFlops() {
        return Benchmarks.peakMatmulFlops();
    }

    /** @return see {@link Benchmarks#peakRssMiB()} */
    public static long peakRssMiB() {
        return Benchmarks.peakRssMiB();
    }
}
