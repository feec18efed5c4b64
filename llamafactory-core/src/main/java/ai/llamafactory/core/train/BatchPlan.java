package ai.llamafactory.core.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The order in which a run visits its examples, computed from the seed alone so that any position can be reached
 * again after a crash: epochs of shuffled micro-batches, grouped into optimizer steps of
 * {@code gradient_accumulation_steps} micro-batches. Step counts follow the HF Trainer: an epoch has
 * {@code ceil(ceil(N / batch) / accumulation)} optimizer steps, the last one possibly with fewer micro-batches.
 */
public final class BatchPlan {
    private final int examples;
    private final int batchSize;
    private final int accumulation;
    private final long seed;
    private final boolean shuffle;
    private final int microBatchesPerEpoch;
    private final int stepsPerEpoch;

    /**
     * @param examples number of training examples (> 0)
     * @param batchSize examples per micro-batch
     * @param accumulation micro-batches per optimizer step
     * @param seed the run's seed
     * @param shuffle whether each epoch is shuffled
     */
    public BatchPlan(int examples, int batchSize, int accumulation, long seed, boolean shuffle) {
        if (examples <= 0) {
            throw new IllegalArgumentException("no training examples");
        }
        this.examples = examples;
        this.batchSize = batchSize;
        this.accumulation = accumulation;
        this.seed = seed;
        this.shuffle = shuffle;
        this.microBatchesPerEpoch = (examples + batchSize - 1) / batchSize;
        this.stepsPerEpoch = Math.max(1, (microBatchesPerEpoch + accumulation - 1) / accumulation);
    }

    /** @return optimizer steps in one epoch */
    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /**
     * @param epochs number of epochs (fractional allowed)
     * @return total optimizer steps for that many epochs, rounded up as the HF Trainer does
     */
    public long totalSteps(double epochs) {
        return (long) Math.ceil(epochs * stepsPerEpoch);
    }

    /**
     * The micro-batches of one optimizer step.
     *
     * @param step zero-based global optimizer step
     * @return each micro-batch's example indices
     */
    public List<int[]> microBatches(long step) {
        int epoch = (int) (step / stepsPerEpoch);
        int stepInEpoch = (int) (step % stepsPerEpoch);
        int[] order = order(epoch);
        List<int[]> out = new ArrayList<>(accumulation);
        for (int m = 0; m < accumulation; m++) {
            int micro = stepInEpoch * accumulation + m;
            if (micro >= microBatchesPerEpoch) {
                break;
            }
            int from = micro * batchSize;
            int to = Math.min(examples, from + batchSize);
            int[] batch = new int[to - from];
            System.arraycopy(order, from, batch, 0, batch.length);
            out.add(batch);
        }
        return out;
    }

    /**
     * @param step zero-based global optimizer step
     * @return the fractional epoch reached after that step, as the HF Trainer logs it
     */
    public double epochAfter(long step) {
        return (double) (step + 1) / stepsPerEpoch;
    }

    private int[] cachedOrder;
    private int cachedEpoch = -1;

    private synchronized int[] order(int epoch) {
        if (epoch != cachedEpoch) {
            int[] o = new int[examples];
            for (int i = 0; i < examples; i++) {
                o[i] = i;
            }
            if (shuffle) {
                SplittableRandom rnd = new SplittableRandom(Seeds.derive(seed, epoch, Seeds.Purpose.SHUFFLE));
                for (int i = examples - 1; i > 0; i--) {
                    int j = rnd.nextInt(i + 1);
                    int t = o[i];
                    o[i] = o[j];
                    o[j] = t;
                }
            }
            cachedOrder = o;
            cachedEpoch = epoch;
        }
        return cachedOrder;
    }
}
