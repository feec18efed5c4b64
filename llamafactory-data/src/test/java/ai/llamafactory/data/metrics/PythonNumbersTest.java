package ai.llamafactory.data.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.data.json.PythonFloats;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Expected values are what CPython 3.11 and numpy print for the same operations. */
class PythonNumbersTest {
    @Test
    void numpyMeanSumsPairwise() {
        // np.mean([0.1] * 10) == 0.1 while sum([0.1] * 10) / 10 == 0.09999999999999999:
        // numpy adds eight accumulators ((0.1+0.1)+(0.1+0.1))+((0.1+0.1)+(0.1+0.1)) = 0.8, then 0.1 and 0.1
        double[] tenths = new double[10];
        Arrays.fill(tenths, 0.1);
        assertThat(PythonNumbers.numpyMean(tenths)).isEqualTo(0.1);
        double sequential = 0;
        for (double v : tenths) {
            sequential += v;
        }
        assertThat(sequential / 10).isEqualTo(0.09999999999999999);
        // fewer than 8 values are added in order: np.mean([85.7143, 80.0, 0.0]) == 55.238099999999996
        assertThat(PythonNumbers.numpyMean(new double[] {85.7143, 80.0, 0.0})).isEqualTo(55.238099999999996);
    }

    @Test
    void pairwiseSumSplitsLargeArraysAtMultiplesOfEight() {
        // 300 values: a first half of 144 (150 rounded down to a multiple of 8) and a second of 156
        double[] values = new double[300];
        for (int i = 0; i < values.length; i++) {
            values[i] = 0.1 * (i % 7) + 1e-3 * i;
        }
        double expected = PythonNumbers.pairwiseSum(values, 0, 144) + PythonNumbers.pairwiseSum(values, 144, 156);
        assertThat(PythonNumbers.pairwiseSum(values, 0, 300)).isEqualTo(expected);
        // and the value numpy 1.24 prints for np.sum of this array
        assertThat(PythonNumbers.pairwiseSum(values, 0, 300)).isEqualTo(134.55);
    }

    @Test
    void numpyReducesLongArraysInChunksOfItsBufferSize() {
        // a = [round(((i * 7919 * 5) % 100003) / 1000.0, 4) for i in range(20000)]
        // numpy sums chunks of 8192 pairwise and adds the chunk sums in order: np.sum(a) == 1000229.011,
        // np.mean(a) == 50.011450550000006, while one pairwise sum over all 20000 values gives a mean of 50.01145055
        double[] values = new double[20000];
        for (int i = 0; i < values.length; i++) {
            values[i] = PythonFloats.round(((long) i * 7919 * 5 % 100003) / 1000.0, 4);
        }
        assertThat(PythonNumbers.numpySum(values)).isEqualTo(1000229.011);
        assertThat(PythonNumbers.numpyMean(values)).isEqualTo(50.011450550000006);
        assertThat(PythonNumbers.pairwiseSum(values, 0, values.length) / values.length)
                .isEqualTo(50.01145055);
    }

    @Test
    void fsumIsExactlyRounded() {
        // math.fsum([1e100, 1.0, -1e100]) == 1.0, plain addition gives 0.0
        assertThat(PythonNumbers.fsum(1e100, 1.0, -1e100)).isEqualTo(1.0);
        assertThat(PythonNumbers.fsum(0.1, 0.2, 0.3)).isEqualTo(0.6);
    }
}
