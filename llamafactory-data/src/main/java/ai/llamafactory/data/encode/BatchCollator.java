package ai.llamafactory.data.encode;

import ai.llamafactory.api.data.EncodedSequence;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.data.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Pads examples into rectangular batches (plain arrays, ready to become tensors): right padding for training (labels
 * padded with {@code -100}, attention 0, position 0), left padding for generation. The pad id is the tokenizer's pad
 * token, or its eos token when it has none (as LLaMA-Factory's {@code fix_special_tokens}).
 *
 * <pre>{@code
 * BatchCollator collator = BatchCollator.forTraining(tokenizer).padToMultipleOf(8);
 * BatchCollator.Batch batch = collator.collate(examples);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class BatchCollator {

    /** Which side receives the padding. */
    public enum PaddingSide {
        /** Pad at the start (generation: every prompt ends at the last column). */
        LEFT,
        /** Pad at the end (training). */
        RIGHT
    }

    /**
     * A padded batch; every row has the same length.
     *
     * @param inputIds token ids, pad id on padding
     * @param attentionMask 1 on tokens (or the sub-sequence index with neat packing), 0 on padding
     * @param positionIds positions (restarting per packed sub-sequence), 0 on padding
     * @param labels labels, {@code -100} on padding; null for prompt batches
     */
    public record Batch(long[][] inputIds, long[][] attentionMask, long[][] positionIds, long[][] labels) {
        /** @return the number of rows */
        public int size() {
            return inputIds.length;
        }

        /** @return the row length */
        public int length() {
            return inputIds.length == 0 ? 0 : inputIds[0].length;
        }
    }

    /**
     * A KTO batch: the examples, their mismatched KL twins and the tags.
     *
     * @param batch the prompt + own response rows
     * @param klBatch the prompt + mismatched response rows
     * @param desirable the kto tag of each row
     */
    public record KtoBatch(Batch batch, Batch klBatch, boolean[] desirable) {}

    private final int padId;
    private final PaddingSide side;
    private final int multipleOf;

    private BatchCollator(int padId, PaddingSide side, int multipleOf) {
        if (multipleOf < 1) {
            throw new InvalidConfigException("pad_to_multiple_of: must be at least 1, got " + multipleOf);
        }
        this.padId = padId;
        this.side = side;
        this.multipleOf = multipleOf;
    }

    /**
     * @param padId the pad token id
     * @param side the padding side
     * @return a collator without rounding of the length
     */
    public static BatchCollator of(int padId, PaddingSide side) {
        return new BatchCollator(padId, side, 1);
    }

    /**
     * @param tokenizer the fixed tokenizer
     * @return a right-padding collator with the tokenizer's pad id (eos when it has none)
     */
    public static BatchCollator forTraining(Tokenizer tokenizer) {
        return new BatchCollator(padId(tokenizer), PaddingSide.RIGHT, 1);
    }

    /**
     * @param tokenizer the fixed tokenizer
     * @return a left-padding collator with the tokenizer's pad id (eos when it has none)
     */
    public static BatchCollator forGeneration(Tokenizer tokenizer) {
        return new BatchCollator(padId(tokenizer), PaddingSide.LEFT, 1);
    }

    private static int padId(Tokenizer tokenizer) {
        return tokenizer.specialTokens().padId().orElseGet(() -> tokenizer
                .specialTokens()
                .eosId()
                .orElseThrow(() -> new InvalidConfigException("The tokenizer has neither a pad nor an eos token")));
    }

    /**
     * @param value round the batch length up to a multiple of this (LLaMA-Factory uses 8 when training)
     * @return a copy with it
     */
    public BatchCollator padToMultipleOf(int value) {
        return new BatchCollator(padId, side, value);
    }

    /** @return the pad id */
    public int padId() {
        return padId;
    }

    /** @return the padding side */
    public PaddingSide side() {
        return side;
    }

    /**
     * @param examples encoded (possibly packed) examples
     * @return the padded batch
     */
    public Batch collate(List<EncodedSequence> examples) {
        int width =
                width(examples.stream().mapToInt(EncodedSequence::length).max().orElse(0));
        int n = examples.size();
        long[][] ids = new long[n][];
        long[][] mask = new long[n][];
        long[][] pos = new long[n][];
        long[][] labels = new long[n][];
        for (int r = 0; r < n; r++) {
            EncodedSequence ex = examples.get(r);
            ids[r] = pad(ex.inputIds(), width, padId);
            mask[r] = pad(ex.attentionMask(), width, 0);
            pos[r] = pad(ex.positionIds(), width, 0);
            labels[r] = pad(ex.labels(), width, SupervisedEncoder.IGNORE_INDEX);
        }
        return new Batch(ids, mask, pos, labels);
    }

    /**
     * LLaMA-Factory's pairwise collator: "2n examples, first n chosen, last n rejected".
     *
     * @param pairs the preference pairs
     * @return a batch of 2n rows
     */
    public Batch collatePairs(List<PairwiseExample> pairs) {
        List<EncodedSequence> rows = new ArrayList<>(pairs.size() * 2);
        for (PairwiseExample p : pairs) {
            rows.add(EncodedSequence.of(p.chosenInputIds(), p.chosenLabels()));
        }
        for (PairwiseExample p : pairs) {
            rows.add(EncodedSequence.of(p.rejectedInputIds(), p.rejectedLabels()));
        }
        return collate(rows);
    }

    /**
     * @param examples KTO examples
     * @return the main batch, the KL batch (each padded on its own) and the tags
     */
    public KtoBatch collateKto(List<KtoExample> examples) {
        List<EncodedSequence> main = new ArrayList<>();
        List<EncodedSequence> kl = new ArrayList<>();
        boolean[] tags = new boolean[examples.size()];
        for (int i = 0; i < examples.size(); i++) {
            KtoExample k = examples.get(i);
            main.add(EncodedSequence.of(k.inputIds(), k.labels()));
            kl.add(EncodedSequence.of(k.klInputIds(), k.klLabels()));
            tags[i] = k.desirable();
        }
        return new KtoBatch(collate(main), collate(kl), tags);
    }

    /**
     * @param prompts prompts for generation
     * @return the padded prompts (usually with a left-padding collator); labels are null
     */
    public Batch collatePrompts(List<PromptExample> prompts) {
        List<EncodedSequence> rows = new ArrayList<>(prompts.size());
        for (PromptExample p : prompts) {
            rows.add(EncodedSequence.of(p.inputIds(), p.inputIds()));
        }
        Batch b = collate(rows);
        return new Batch(b.inputIds(), b.attentionMask(), b.positionIds(), null);
    }

    /**
     * The attention pattern of a neat-packed row: token i may attend to token j when both belong to the same
     * sub-sequence (same non-zero index in the attention mask) and j is not after i.
     *
     * @param attentionMaskRow one row of a neat-packed attention mask (sub-sequence indices, 0 on padding)
     * @return {@code allowed[i][j]}
     */
    public static boolean[][] blockDiagonalCausalMask(long[] attentionMaskRow) {
        int n = attentionMaskRow.length;
        boolean[][] allowed = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            long seg = attentionMaskRow[i];
            if (seg == 0) {
                continue;
            }
            for (int j = i; j >= 0 && attentionMaskRow[j] == seg; j--) {
                allowed[i][j] = true;
            }
        }
        return allowed;
    }

    private int width(int max) {
        return (max + multipleOf - 1) / multipleOf * multipleOf;
    }

    private long[] pad(int[] values, int width, long fill) {
        long[] out = new long[width];
        int padCount = width - values.length;
        int offset = side == PaddingSide.LEFT ? padCount : 0;
        java.util.Arrays.fill(out, fill);
        for (int i = 0; i < values.length; i++) {
            out[offset + i] = values[i];
        }
        return out;
    }
}
