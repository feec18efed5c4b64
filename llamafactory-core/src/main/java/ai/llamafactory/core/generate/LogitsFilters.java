package ai.llamafactory.core.generate;

import java.util.Arrays;
import java.util.BitSet;
import java.util.SplittableRandom;

/**
 * The next-token logits processors and sampling steps of transformers' {@code generate}, on one row of host fp32
 * logits, edited in place. A filtered-out token gets negative infinity, as transformers' {@code filter_value}. Every
 * filter keeps at least the most likely token ({@code min_tokens_to_keep = 1}).
 *
 * <p>Sampling draws one uniform number per (seed, row, step) from a {@link SplittableRandom} and inverts the
 * cumulative distribution over token ids: the same seed gives the same tokens, whatever the batch the row is in.
 */
public final class LogitsFilters {
    private LogitsFilters() {}

    /**
     * Repetition penalty (CTRL, transformers' {@code RepetitionPenaltyLogitsProcessor}): every token that occurs in
     * the prompt or the output so far has a positive logit divided by the penalty and a negative one multiplied by it.
     * Each distinct token is penalised once, however often it occurred.
     *
     * @param logits the row's logits
     * @param seen the token ids to penalise
     * @param penalty the penalty (> 1 discourages repetition; 1 changes nothing)
     */
    public static void repetitionPenalty(float[] logits, BitSet seen, double penalty) {
        if (penalty == 1.0) {
            return;
        }
        float p = (float) penalty;
        for (int id = seen.nextSetBit(0); id >= 0 && id < logits.length; id = seen.nextSetBit(id + 1)) {
            float x = logits[id];
            logits[id] = x < 0 ? x * p : x / p;
        }
    }

    /**
     * Divides every logit by the temperature.
     *
     * @param logits the row's logits
     * @param temperature > 0; 1 changes nothing
     */
    public static void temperature(float[] logits, double temperature) {
        if (temperature == 1.0) {
            return;
        }
        float t = (float) temperature;
        for (int i = 0; i < logits.length; i++) {
            logits[i] = logits[i] / t;
        }
    }

    /**
     * Top-k: removes every token whose logit is below the k-th largest (ties with the k-th largest stay, as in
     * transformers).
     *
     * @param logits the row's logits
     * @param k number of tokens to keep; 0 or at least the vocabulary size changes nothing
     */
    public static void topK(float[] logits, int k) {
        if (k <= 0 || k >= logits.length) {
            return;
        }
        float threshold = kthLargest(logits, k);
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] < threshold) {
                logits[i] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /**
     * Top-p (nucleus): sorts the tokens by probability in ascending order and removes those whose cumulative
     * probability is at most {@code 1 - p}; what remains is the smallest set of most likely tokens whose mass reaches p
     * (transformers' {@code TopPLogitsWarper}, up to rounding at exact boundaries).
     *
     * @param logits the row's logits
     * @param p the mass to keep, in (0, 1]; 1 changes nothing
     */
    public static void topP(float[] logits, double p) {
        if (p >= 1.0) {
            return;
        }
        int[] order = finiteAscending(logits);
        if (order.length == 0) {
            return;
        }
        float max = logits[order[order.length - 1]];
        double total = 0;
        double[] weights = new double[order.length];
        for (int i = 0; i < order.length; i++) {
            weights[i] = Math.exp(logits[order[i]] - max);
            total += weights[i];
        }
        double cumulative = 0;
        double limit = 1 - p;
        for (int i = 0; i < order.length - 1; i++) {
            cumulative += weights[i] / total;
            if (cumulative <= limit) {
                logits[order[i]] = Float.NEGATIVE_INFINITY;
            } else {
                break;
            }
        }
    }

    /**
     * Min-p: removes the tokens whose probability is below {@code minP} times the probability of the most likely token
     * (transformers' {@code MinPLogitsWarper}).
     *
     * @param logits the row's logits
     * @param minP the ratio in [0, 1]; 0 changes nothing
     */
    public static void minP(float[] logits, double minP) {
        if (minP <= 0) {
            return;
        }
        int top = argMax(logits);
        float max = logits[top];
        for (int i = 0; i < logits.length; i++) {
            // p_i / p_max = exp(l_i - l_max); no normalisation needed.
            if (i != top && Math.exp((double) logits[i] - max) < minP) {
                logits[i] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /**
     * @param logits a row of logits
     * @return the index of the largest logit, the first one on ties (as torch's argmax); NaN is never chosen
     * @throws IllegalStateException when every logit is NaN or negative infinity
     */
    public static int argMax(float[] logits) {
        int best = -1;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] > max) {
                max = logits[i];
                best = i;
            }
        }
        if (best < 0) {
            throw new IllegalStateException("every logit of the row is -inf or NaN: nothing can be generated");
        }
        return best;
    }

    /**
     * Samples a token from softmax(logits) by inverting the cumulative distribution over token ids.
     *
     * @param logits a row of (filtered) logits
     * @param uniform a number in [0, 1)
     * @return the sampled token id (never one whose logit is -inf or NaN)
     * @throws IllegalStateException when every logit is NaN or negative infinity
     */
    public static int sample(float[] logits, double uniform) {
        int top = argMax(logits);
        float max = logits[top];
        double total = 0;
        for (float x : logits) {
            if (x > Float.NEGATIVE_INFINITY) {
                total += Math.exp((double) x - max);
            }
        }
        double target = uniform * total;
        double cumulative = 0;
        int last = top;
        for (int i = 0; i < logits.length; i++) {
            float x = logits[i];
            if (x > Float.NEGATIVE_INFINITY) {
                cumulative += Math.exp((double) x - max);
                last = i;
                if (cumulative > target) {
                    return i;
                }
            }
        }
        return last;
    }

    /**
     * The uniform number used for one sampling decision.
     *
     * @param seed the generation seed
     * @param row index of the prompt in the request
     * @param step index of the token in the row's output (0 for the first generated token)
     * @return a number in [0, 1), a pure function of the three arguments
     */
    public static double uniform(long seed, int row, int step) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        h = mix(h ^ ((long) row * 0xBF58476D1CE4E5B9L + 1));
        h = mix(h ^ ((long) step * 0x94D049BB133111EBL + 2));
        return new SplittableRandom(h).nextDouble();
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The k-th largest value (1-based), by a size-k min-heap over the row: O(V log k), no copy of the row. */
    private static float kthLargest(float[] logits, int k) {
        float[] heap = new float[k];
        int size = 0;
        for (float x : logits) {
            if (Float.isNaN(x)) {
                continue;
            }
            if (size < k) {
                heap[size] = x;
                int i = size++;
                while (i > 0) {
                    int parent = (i - 1) / 2;
                    if (heap[parent] <= heap[i]) {
                        break;
                    }
                    float t = heap[parent];
                    heap[parent] = heap[i];
                    heap[i] = t;
                    i = parent;
                }
            } else if (x > heap[0]) {
                heap[0] = x;
                int i = 0;
                while (true) {
                    int l = 2 * i + 1;
                    int r = l + 1;
                    int smallest = i;
                    if (l < k && heap[l] < heap[smallest]) {
                        smallest = l;
                    }
                    if (r < k && heap[r] < heap[smallest]) {
                        smallest = r;
                    }
                    if (smallest == i) {
                        break;
                    }
                    float t = heap[smallest];
                    heap[smallest] = heap[i];
                    heap[i] = t;
                    i = smallest;
                }
            }
        }
        return size < k ? Float.NEGATIVE_INFINITY : heap[0];
    }

    /** Indices of the finite (not -inf, not NaN) logits in ascending order of logit, ties by ascending index. */
    private static int[] finiteAscending(float[] logits) {
        long[] keys = new long[logits.length];
        int n = 0;
        for (int i = 0; i < logits.length; i++) {
            float x = logits[i];
            if (x > Float.NEGATIVE_INFINITY) {
                int bits = Float.floatToIntBits(x);
                // Order-preserving map of float bits to signed int, then the index in the low 32 bits.
                int sortable = bits ^ ((bits >> 31) & 0x7fffffff);
                keys[n++] = ((long) sortable << 32) | (i & 0xffffffffL);
            }
        }
        Arrays.sort(keys, 0, n);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }
}
