package ai.llamafactory.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.llamafactory.core.engine.EngineArrays;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Fresh weights for training from scratch, initialised as transformers does: linear and embedding weights from
 * N(0, initializer_range), biases zero, norm scales one (zero for norms that scale by {@code 1 + w}). Every tensor's
 * values depend only on the seed and the tensor's name, so the result does not depend on build order.
 */
public final class RandomWeights implements WeightSource {
    private final long seed;
    private final double std;
    private final boolean unitOffsetNorms;

    /**
     * @param seed random seed
     * @param std standard deviation (config.json's initializer_range)
     * @param unitOffsetNorms true when norms scale by (1 + w) (Gemma): their weights start at zero
     */
    public RandomWeights(long seed, double std, boolean unitOffsetNorms) {
        this.seed = seed;
        this.std = std;
        this.unitOffsetNorms = unitOffsetNorms;
    }

    @Override
    public NDArray load(String name, Shape expected, DataType dtype, NDManager manager) {
        int n = Math.toIntExact(expected.size());
        NDArray a = EngineArrays.filled(manager, expected, DataType.FLOAT32, bytes -> {
            FloatBuffer values = bytes.asFloatBuffer();
            boolean norm = name.endsWith("norm.weight");
            if (name.endsWith(".bias") || (norm && unitOffsetNorms)) {
                for (int i = 0; i < n; i++) {
                    values.put(0f);
                }
            } else if (norm) {
                for (int i = 0; i < n; i++) {
                    values.put(1f);
                }
            } else {
                SplittableRandom rnd = new SplittableRandom(seed ^ fingerprint(name));
                for (int i = 0; i < n; i += 2) {
                    // Box-Muller: two normals per pair of uniforms.
                    double u1 = 1.0 - rnd.nextDouble();
                    double u2 = rnd.nextDouble();
                    double r = Math.sqrt(-2.0 * Math.log(u1)) * std;
                    values.put((float) (r * Math.cos(2 * Math.PI * u2)));
                    if (i + 1 < n) {
                        values.put((float) (r * Math.sin(2 * Math.PI * u2)));
                    }
                }
            }
        });
        if (dtype != DataType.FLOAT32) {
            NDArray c = a.toType(dtype, false);
            a.close();
            return c;
        }
        return a;
    }

    @Override
    public boolean contains(String name) {
        return true;
    }

    private static long fingerprint(String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ b) * 0x100000001b3L;
        }
        return h;
    }
}
