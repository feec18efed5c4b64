package ai.llamafactory.data.encode;

import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.api.data.EncodedSequence;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** infer_seqlen, the greedy knapsack and packed rows (numbers checked with LLaMA-Factory's Python functions). */
class PackingAndTruncationTest {

    @ParameterizedTest(name = "source {0}, target {1}, cutoff {2} -> ({3}, {4})")
    @CsvSource({
        "10, 5, 100, 10, 5", // both fit
        "100, 30, 50, 39, 11", // both long: proportional split int(50 * 30 / 130) = 11
        "10, 100, 50, 10, 40", // short source: target cut to 50 - 10
        "60, 10, 50, 40, 10", // short target: source cut
        "1000, 1000, 1024, 512, 512",
        "7, 3, 5, 4, 1"
    })
    void inferSeqLenMatchesLlamaFactory(int source, int target, int cutoff, int newSource, int newTarget) {
        assertThat(SequenceLengths.inferSeqLen(source, target, cutoff)).containsExactly(newSource, newTarget);
    }

    @Test
    void greedyKnapsackFillsEachBinWithTheLargestFittingLength() {
        assertThat(SequencePacker.greedyKnapsack(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 10))
                .containsExactly(List.of(10), List.of(9, 1), List.of(8, 2), List.of(7, 3), List.of(6, 4), List.of(5));
        assertThat(SequencePacker.greedyKnapsack(List.of(7, 3, 3, 5, 2, 9, 1, 4), 10))
                .containsExactly(List.of(9, 1), List.of(7, 3), List.of(5, 4), List.of(3, 2));
    }

    private static EncodedSequence example(int base, int length) {
        int[] ids = new int[length];
        int[] labels = new int[length];
        for (int i = 0; i < length; i++) {
            ids[i] = base + i;
            labels[i] = i == 0 ? SupervisedEncoder.IGNORE_INDEX : base + i;
        }
        return EncodedSequence.of(ids, labels);
    }

    @Test
    void packedRowsRestartPositionsAndDropLongExamples() {
        List<EncodedSequence> examples = List.of(example(100, 5), example(200, 3), example(300, 4), example(400, 9));
        SequencePacker.Packed packed = SequencePacker.packSupervised(examples, 8, false, 0);
        assertThat(packed.droppedIndices()).containsExactly(3); // 9 > 8
        assertThat(packed.rows()).hasSize(2);
        EncodedSequence first = packed.rows().get(0); // knapsack [5, 3] + one pad (capacity + 1 = 9)
        assertThat(first.inputIds()).containsExactly(100, 101, 102, 103, 104, 200, 201, 202, 0);
        assertThat(first.positionIds()).containsExactly(0, 1, 2, 3, 4, 0, 1, 2, 0);
        assertThat(first.labels()).containsExactly(-100, 101, 102, 103, 104, -100, 201, 202, -100);
        assertThat(first.attentionMask()).containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 1);
        EncodedSequence second = packed.rows().get(1); // [4] + five pads
        assertThat(second.inputIds()).containsExactly(300, 301, 302, 303, 0, 0, 0, 0, 0);
        assertThat(second.positionIds()).containsExactly(0, 1, 2, 3, 0, 0, 0, 0, 0);
    }

    @Test
    void neatPackingNumbersTheSubSequences() {
        List<EncodedSequence> examples = List.of(example(100, 5), example(200, 3), example(300, 4));
        EncodedSequence row =
                SequencePacker.packSupervised(examples, 8, true, 7).rows().get(0);
        assertThat(row.attentionMask()).containsExactly(1, 1, 1, 1, 1, 2, 2, 2, 0);
        assertThat(row.inputIds()[8]).isEqualTo(7);
        boolean[][] allowed = BatchCollator.blockDiagonalCausalMask(
                java.util.Arrays.stream(row.attentionMask()).asLongStream().toArray());
        assertThat(allowed[4][0]).isTrue(); // same sub-sequence, earlier token
        assertThat(allowed[0][4]).isFalse(); // causal
        assertThat(allowed[5][4]).isFalse(); // other sub-sequence
        assertThat(allowed[7][5]).isTrue();
        assertThat(allowed[8][8]).isFalse(); // padding attends to nothing
    }

    @Test
    void collatorPadsRightForTrainingAndLeftForGeneration() {
        List<EncodedSequence> examples = List.of(example(10, 3), example(20, 1));
        BatchCollator.Batch right =
                BatchCollator.of(5, BatchCollator.PaddingSide.RIGHT).collate(examples);
        assertThat(right.inputIds()[1]).containsExactly(20, 5, 5);
        assertThat(right.labels()[1]).containsExactly(-100, -100, -100);
        assertThat(right.attentionMask()[1]).containsExactly(1, 0, 0);
        assertThat(right.positionIds()[0]).containsExactly(0, 1, 2);
        BatchCollator.Batch left = BatchCollator.of(5, BatchCollator.PaddingSide.LEFT)
                .padToMultipleOf(4)
                .collate(examples);
        assertThat(left.length()).isEqualTo(4);
        assertThat(left.inputIds()[0]).containsExactly(5, 10, 11, 12);
        assertThat(left.inputIds()[1]).containsExactly(5, 5, 5, 20);
        assertThat(left.attentionMask()[1]).containsExactly(0, 0, 0, 1);
    }
}
