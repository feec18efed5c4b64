package ai.llamafactory.data.encode;

import ai.llamafactory.api.data.EncodedSequence;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Packing of supervised examples into fixed-length rows (LLaMA-Factory's {@code PackedSupervisedDatasetProcessor}):
 * examples longer than the capacity are dropped; the rest are grouped by the greedy knapsack (repeatedly the longest
 * example that still fits); position ids restart at 0 for each example; each row is padded to capacity + 1 tokens.
 * With neat packing the attention mask holds the 1-based index of each token's example (0 on padding).
 */
public final class SequencePacker {
    private SequencePacker() {}

    /**
     * Packed rows and the examples that did not fit.
     *
     * @param rows the packed rows, each capacity + 1 tokens long
     * @param droppedIndices indices (in the input list) of examples longer than the capacity
     */
    public record Packed(List<EncodedSequence> rows, List<Integer> droppedIndices) {
        /** Copies the lists. */
        public Packed {
            rows = List.copyOf(rows);
            droppedIndices = List.copyOf(droppedIndices);
        }
    }

    /**
     * LLaMA-Factory's {@code greedy_knapsack}: sorts the lengths, then fills one bin at a time by repeatedly taking
     * the largest remaining length that fits.
     *
     * @param lengths item lengths (each at most {@code capacity})
     * @param capacity bin capacity
     * @return the bins, each a list of lengths in the order they were taken
     */
    public static List<List<Integer>> greedyKnapsack(List<Integer> lengths, int capacity) {
        TreeMap<Integer, Integer> counts = new TreeMap<>();
        for (int len : lengths) {
            if (len > capacity) {
                throw new IllegalArgumentException("length " + len + " exceeds capacity " + capacity);
            }
            counts.merge(len, 1, Integer::sum);
        }
        List<List<Integer>> bins = new ArrayList<>();
        while (!counts.isEmpty()) {
            List<Integer> bin = new ArrayList<>();
            int remaining = capacity;
            while (true) {
                Integer fit = counts.floorKey(remaining);
                if (fit == null) {
                    break;
                }
                remaining -= fit;
                bin.add(fit);
                if (counts.merge(fit, -1, Integer::sum) == 0) {
                    counts.remove(fit);
                }
            }
            if (bin.isEmpty()) { // only zero-capacity cases; avoid looping forever
                break;
            }
            bins.add(bin);
        }
        return bins;
    }

    /**
     * Packs unpacked supervised examples.
     *
     * @param examples encoded examples (attention mask of ones)
     * @param capacity the (already decremented) cutoff length: the most tokens of examples per row
     * @param neat whether the attention mask holds example indices
     * @param padId the pad token id
     * @return the rows (capacity + 1 tokens each) and the indices of examples that were too long
     */
    public static Packed packSupervised(List<EncodedSequence> examples, int capacity, boolean neat, int padId) {
        List<Integer> lengths = new ArrayList<>();
        Map<Integer, ArrayDeque<Integer>> byLength = new HashMap<>();
        List<Integer> dropped = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            int len = examples.get(i).length();
            if (len > capacity) {
                dropped.add(i);
                continue;
            }
            lengths.add(len);
            byLength.computeIfAbsent(len, k -> new ArrayDeque<>()).addLast(i);
        }
        List<EncodedSequence> rows = new ArrayList<>();
        int rowLength = capacity + 1;
        for (List<Integer> bin : greedyKnapsack(lengths, capacity)) {
            IntList ids = new IntList(rowLength);
            IntList labels = new IntList(rowLength);
            IntList mask = new IntList(rowLength);
            IntList positions = new IntList(rowLength);
            for (int k = 0; k < bin.size(); k++) {
                EncodedSequence ex = examples.get(byLength.get(bin.get(k)).pollLast());
                int n = ex.length();
                ids.addAll(ex.inputIds(), n);
                labels.addAll(ex.labels(), n);
                for (int p = 0; p < n; p++) {
                    positions.add(p);
                }
                mask.fill(neat ? k + 1 : 1, n);
            }
            int pad = rowLength - ids.size();
            ids.fill(padId, pad);
            positions.fill(0, pad);
            labels.fill(SupervisedEncoder.IGNORE_INDEX, pad);
            mask.fill(neat ? 0 : 1, pad);
            rows.add(new EncodedSequence(ids.toArray(), labels.toArray(), mask.toArray(), positions.toArray()));
        }
        return new Packed(rows, dropped);
    }
}
