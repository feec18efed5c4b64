package ai.llamafactory.peft.lora;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Where LoRA dropout masks come from. Every mask is drawn by libtorch from its own generator seeded with
 * {@code mix(stepSeed, hash(module path + adapter), n)}, where {@code n} counts the draws of that module and adapter
 * since the step seed last changed. The step seed is read from a supplier at every draw, so a trainer that derives it
 * from (run seed, step, micro-batch) gets masks that depend on nothing else: not on threads, not on other random
 * draws, not on the order modules run in. No global random state is used.
 *
 * <p>Thread-safe; one instance is shared by all adapted modules of a {@link LoraModel}.
 */
public final class DropoutSeeds {
    private LongSupplier stepSeed;
    private long lastStepSeed;
    private final Map<String, Long> draws = new HashMap<>();

    /**
     * @param stepSeed supplies the current step's seed
     */
    public DropoutSeeds(LongSupplier stepSeed) {
        this.stepSeed = Objects.requireNonNull(stepSeed, "stepSeed");
        this.lastStepSeed = stepSeed.getAsLong();
    }

    /**
     * Sets a constant step seed (the trainer calls this before each forward, or installs a supplier).
     *
     * @param seed the step seed
     */
    public synchronized void setStepSeed(long seed) {
        setStepSeedSupplier(() -> seed);
    }

    /**
     * Installs the supplier of the step seed.
     *
     * @param supplier read at every draw
     */
    public synchronized void setStepSeedSupplier(LongSupplier supplier) {
        this.stepSeed = Objects.requireNonNull(supplier, "supplier");
        long s = supplier.getAsLong();
        if (s != lastStepSeed) {
            lastStepSeed = s;
            draws.clear();
        }
    }

    /**
     * The seed of the next mask of one module and adapter.
     *
     * @param key the module path and adapter name
     * @return a 63-bit non-negative seed
     */
    public synchronized long next(String key) {
        long s = stepSeed.getAsLong();
        if (s != lastStepSeed) {
            lastStepSeed = s;
            draws.clear();
        }
        long n = draws.merge(key, 1L, Long::sum) - 1;
        return mix(mix(s ^ fnv1a(key)) + n) & Long.MAX_VALUE;
    }

    private static long fnv1a(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** SplitMix64's finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
