package ai.llamafactory.core.train;

import java.nio.charset.StandardCharsets;

/**
 * Every random draw of a run is derived from (seed, step, purpose), so a resumed run needs no saved generator state:
 * the draws of step 1234 are the same whether the run got there directly or through a checkpoint. DJL exposes no way
 * to read or restore libtorch's generator, only to seed it; seeding it per step with a derived value gives the same
 * guarantee for dropout.
 */
public final class Seeds {
    private Seeds() {}

    /** What a derived seed is used for; separate purposes never share a stream. */
    public enum Purpose {
        /** The order of the training examples in one epoch. */
        SHUFFLE,
        /** libtorch's generator before a micro-batch's forward (dropout, LoRA dropout). */
        DROPOUT,
        /** NEFTune noise on the embeddings. */
        NEFTUNE,
        /** Token sampling during generation. */
        SAMPLING,
        /** Splitting the evaluation set off the training data. */
        SPLIT
    }

    /**
     * Derives a seed.
     *
     * @param seed the run's seed
     * @param index the step, epoch or micro-batch index the draw belongs to
     * @param purpose what the draw is for
     * @return a well-mixed 64-bit seed
     */
    public static long derive(long seed, long index, Purpose purpose) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        h = mix(h ^ index);
        for (byte b : purpose.name().getBytes(StandardCharsets.US_ASCII)) {
            h = mix(h ^ b);
        }
        return h;
    }

    /**
     * Derives a seed that fits libtorch's {@code manual_seed} through DJL (an int).
     *
     * @param seed the run's seed
     * @param index step or micro-batch index
     * @param purpose what the draw is for
     * @return a non-negative int seed
     */
    public static int deriveInt(long seed, long index, Purpose purpose) {
        return (int) (derive(seed, index, purpose) >>> 33);
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
