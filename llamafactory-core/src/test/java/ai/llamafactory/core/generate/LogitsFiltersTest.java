package ai.llamafactory.core.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each filter on hand-made logits: the exact set of tokens kept, the penalised values, the sampling law. */
class LogitsFiltersTest {
    /** Logits whose softmax is exactly (0.5, 0.25, 0.15, 0.1). */
    static float[] probs() {
        return new float[] {(float) Math.log(0.5), (float) Math.log(0.25), (float) Math.log(0.15), (float) Math.log(0.1)
        };
    }

    static List<Integer> kept(float[] logits) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] > Float.NEGATIVE_INFINITY) {
                out.add(i);
            }
        }
        return out;
    }

    @Test
    void topKKeepsTheKLargestAndTiesWithTheKth() {
        float[] x = {1, 5, 3, 5, 2};
        LogitsFilters.topK(x, 2);
        assertThat(kept(x)).containsExactly(1, 3);
        float[] y = {1, 5, 3, 5, 2};
        LogitsFilters.topK(y, 3);
        assertThat(kept(y)).containsExactly(1, 2, 3);
        assertThat(y[2]).isEqualTo(3f);
        float[] ties = {4, 4, 4, 1};
        LogitsFilters.topK(ties, 2);
        assertThat(kept(ties)).containsExactly(0, 1, 2);
        float[] off = {1, 2, 3};
        LogitsFilters.topK(off, 0);
        assertThat(kept(off)).containsExactly(0, 1, 2);
        LogitsFilters.topK(off, 7);
        assertThat(kept(off)).containsExactly(0, 1, 2);
    }

    @Test
    void topPKeepsTheSmallestMostLikelySetReachingP() {
        float[] a = probs();
        LogitsFilters.topP(a, 0.7);
        assertThat(kept(a)).containsExactly(0, 1); // 0.5 + 0.25 = 0.75 >= 0.7
        float[] b = probs();
        LogitsFilters.topP(b, 0.76);
        assertThat(kept(b)).containsExactly(0, 1, 2); // 0.75 < 0.76: the 0.15 token is needed
        float[] c = probs();
        LogitsFilters.topP(c, 0.4);
        assertThat(kept(c)).containsExactly(0);
        float[] d = probs();
        LogitsFilters.topP(d, 0.01);
        assertThat(kept(d)).containsExactly(0); // the most likely token always stays
        float[] e = probs();
        LogitsFilters.topP(e, 0.95);
        assertThat(kept(e)).containsExactly(0, 1, 2, 3);
        float[] f = probs();
        LogitsFilters.topP(f, 1.0);
        assertThat(kept(f)).containsExactly(0, 1, 2, 3);
        // Unsorted ids and earlier -inf entries: only the finite tokens count.
        float[] g = {(float) Math.log(0.1), Float.NEGATIVE_INFINITY, (float) Math.log(0.6), (float) Math.log(0.3)};
        LogitsFilters.topP(g, 0.8);
        assertThat(kept(g)).containsExactly(2, 3);
    }

    @Test
    void minPDropsTokensBelowMinPTimesTheTopProbability() {
        float[] a = probs();
        LogitsFilters.minP(a, 0.25); // threshold 0.125: drops 0.1
        assertThat(kept(a)).containsExactly(0, 1, 2);
        float[] b = probs();
        LogitsFilters.minP(b, 0.4); // threshold 0.2
        assertThat(kept(b)).containsExactly(0, 1);
        float[] c = probs();
        LogitsFilters.minP(c, 1.0);
        assertThat(kept(c)).containsExactly(0);
        float[] d = probs();
        LogitsFilters.minP(d, 0);
        assertThat(kept(d)).containsExactly(0, 1, 2, 3);
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOfSeenTokens() {
        float[] x = {2.0f, -1.0f, 0.5f, 3.0f};
        BitSet seen = new BitSet();
        seen.set(0);
        seen.set(1);
        seen.set(200); // outside the vocabulary: ignored
        LogitsFilters.repetitionPenalty(x, seen, 2.0);
        assertThat(x).containsExactly(1.0f, -2.0f, 0.5f, 3.0f);
        float[] y = {2.0f, -1.0f, 0.5f, 3.0f};
        LogitsFilters.repetitionPenalty(y, seen, 0.5); // < 1 encourages repetition
        assertThat(y).containsExactly(4.0f, -0.5f, 0.5f, 3.0f);
        float[] z = {2.0f, -1.0f};
        LogitsFilters.repetitionPenalty(z, seen, 1.0);
        assertThat(z).containsExactly(2.0f, -1.0f);
    }

    @Test
    void temperatureDividesLogits() {
        float[] x = {1f, -2f, 0.5f};
        LogitsFilters.temperature(x, 0.5);
        assertThat(x).containsExactly(2f, -4f, 1f);
    }

    @Test
    void sampleInvertsTheCumulativeDistributionOverFiniteTokens() {
        float[] x = {(float) Math.log(0.5), (float) Math.log(0.25), (float) Math.log(0.25)};
        assertThat(LogitsFilters.sample(x, 0.1)).isEqualTo(0);
        assertThat(LogitsFilters.sample(x, 0.6)).isEqualTo(1);
        assertThat(LogitsFilters.sample(x, 0.8)).isEqualTo(2);
        assertThat(LogitsFilters.sample(x, 0.999999)).isEqualTo(2);
        float[] one = {Float.NEGATIVE_INFINITY, 0f, Float.NEGATIVE_INFINITY};
        assertThat(LogitsFilters.sample(one, 0.0)).isEqualTo(1);
        assertThat(LogitsFilters.sample(one, 0.99)).isEqualTo(1);
        float[] none = {Float.NEGATIVE_INFINITY, Float.NaN};
        assertThatThrownBy(() -> LogitsFilters.sample(none, 0.5))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("-inf or NaN");
        assertThat(LogitsFilters.argMax(new float[] {1, 3, 3, 2})).isEqualTo(1);
    }

    @Test
    void uniformIsAPureFunctionOfSeedRowAndStep() {
        double u = LogitsFilters.uniform(42, 3, 7);
        assertThat(LogitsFilters.uniform(42, 3, 7)).isEqualTo(u);
        assertThat(LogitsFilters.uniform(43, 3, 7)).isNotEqualTo(u);
        assertThat(LogitsFilters.uniform(42, 4, 7)).isNotEqualTo(u);
        assertThat(LogitsFilters.uniform(42, 3, 8)).isNotEqualTo(u);
        double sum = 0;
        double sumSq = 0;
        int n = 20000;
        for (int s = 0; s < n; s++) {
            double v = LogitsFilters.uniform(1, 0, s);
            assertThat(v).isGreaterThanOrEqualTo(0).isLessThan(1);
            sum += v;
            sumSq += v * v;
        }
        assertThat(sum / n).isCloseTo(0.5, within(0.01));
        assertThat(sumSq / n - (sum / n) * (sum / n)).isCloseTo(1 / 12.0, within(0.003));
    }

    @Test
    void filteredSamplingFollowsTheRenormalisedDistribution() {
        // top-p 0.7 keeps {0: 0.5, 1: 0.25} -> sampled with frequencies 2/3 and 1/3.
        int[] counts = new int[4];
        int n = 30000;
        for (int s = 0; s < n; s++) {
            float[] x = probs();
            LogitsFilters.topP(x, 0.7);
            counts[LogitsFilters.sample(x, LogitsFilters.uniform(9, 0, s))]++;
        }
        assertThat(counts[2] + counts[3]).isZero();
        assertThat(counts[0] / (double) n).isCloseTo(2 / 3.0, within(0.015));
        // Temperature 2 flattens (0.5, 0.25, 0.15, 0.1) to sqrt weights.
        double[] w = {Math.sqrt(0.5), Math.sqrt(0.25), Math.sqrt(0.15), Math.sqrt(0.1)};
        double total = w[0] + w[1] + w[2] + w[3];
        int[] hot = new int[4];
        for (int s = 0; s < n; s++) {
            float[] x = probs();
            LogitsFilters.temperature(x, 2.0);
            hot[LogitsFilters.sample(x, LogitsFilters.uniform(10, 0, s))]++;
        }
        for (int i = 0; i < 4; i++) {
            assertThat(hot[i] / (double) n).as("token " + i).isCloseTo(w[i] / total, within(0.015));
        }
    }
}
