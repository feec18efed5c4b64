package ai.llamafactory.data.encode;

import ai.llamafactory.api.config.Stage;
import ai.llamafactory.api.data.EncodedSequence;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.api.exception.LlamaFactoryException;
import ai.llamafactory.data.AlignedExample;
import ai.llamafactory.data.template.ChatTemplate;
import ai.llamafactory.data.template.EncodedTurn;
import ai.llamafactory.data.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Supervised fine-tuning inputs, as LLaMA-Factory's {@code SupervisedDatasetProcessor}: the conversation is encoded
 * turn by turn; each turn is truncated with {@link SequenceLengths#inferSeqLen} against the tokens still available;
 * prompt labels are {@link #IGNORE_INDEX} (unless train_on_prompt); with efficient_eos the source label of turns
 * after the first starts with the eos (the previous response's end is learned) and one eos closes the sequence; with
 * mask_history the turns are taken last-first and only the last turn is learned.
 *
 * <pre>{@code
 * SupervisedEncoder enc = new SupervisedEncoder(template, tokenizer, EncodingOptions.builder().cutoffLen(1024).build());
 * EncodedSequence ex = enc.encode(alignedExample);
 * EncodedDataset<EncodedSequence> all = enc.encodeAll(examples, 2); // packs when packing is on
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class SupervisedEncoder {
    /** The label of tokens that take no loss (PyTorch's cross-entropy {@code ignore_index}). */
    public static final int IGNORE_INDEX = -100;

    private final ChatTemplate template;
    private final Tokenizer tokenizer;
    private final EncodingOptions options;
    private final int cutoffLen;

    /**
     * @param template the chat template
     * @param tokenizer the tokenizer, already fixed with {@link ChatTemplate#fixSpecialTokens}
     * @param options cutoff_len, train_on_prompt, mask_history, packing
     * @throws InvalidConfigException when train_on_prompt is combined with an efficient_eos template
     */
    public SupervisedEncoder(ChatTemplate template, Tokenizer tokenizer, EncodingOptions options) {
        this.template = Objects.requireNonNull(template, "template");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.options = Objects.requireNonNull(options, "options");
        if (options.trainOnPrompt() && template.efficientEos()) {
            throw new InvalidConfigException(
                    "Template " + template.name() + " (efficient_eos) does not support " + "train_on_prompt");
        }
        if (template.efficientEos()) {
            ExampleShapes.requireEos(tokenizer);
        }
        this.cutoffLen = options.effectiveCutoffLen(Stage.SFT);
    }

    /** @return the options */
    public EncodingOptions options() {
        return options;
    }

    /**
     * Encodes one example (unpacked).
     *
     * @param example an aligned example with an odd-length prompt and one response
     * @return input ids, labels, attention mask of ones, positions 0..n-1
     * @throws ai.llamafactory.api.exception.DatasetException when the example has the wrong shape
     */
    public EncodedSequence encode(AlignedExample example) {
        ExampleShapes.requireOddPrompt(example);
        ExampleShapes.requireResponses(example, 1, 1);
        boolean maskHistory = options.maskHistory();
        boolean efficientEos = template.efficientEos();
        List<EncodedTurn> turns = template.encodeMultiTurn(
                tokenizer,
                ExampleShapes.concat(example.prompt(), example.response().get(0)),
                example.system(),
                example.tools(),
                maskHistory && !template.preserveThinking());
        if (maskHistory) {
            turns = new ArrayList<>(turns);
            java.util.Collections.reverse(turns);
        }
        int eos = efficientEos ? ExampleShapes.requireEos(tokenizer) : 0;
        int total = efficientEos ? 1 : 0;
        List<int[][]> segments = new ArrayList<>(turns.size()); // {ids, labels} per turn
        for (int turn = 0; turn < turns.size(); turn++) {
            if (total >= cutoffLen) {
                break;
            }
            EncodedTurn t = turns.get(turn);
            int[] lens = SequenceLengths.inferSeqLen(t.sourceIds().length, t.targetIds().length, cutoffLen - total);
            int sourceLen = lens[0];
            int targetLen = lens[1];
            total += sourceLen + targetLen;
            int[] ids = new int[sourceLen + targetLen];
            System.arraycopy(t.sourceIds(), 0, ids, 0, sourceLen);
            System.arraycopy(t.targetIds(), 0, ids, sourceLen, targetLen);
            int[] labels = new int[sourceLen + targetLen];
            if (options.trainOnPrompt()) {
                System.arraycopy(t.sourceIds(), 0, labels, 0, sourceLen);
            } else {
                java.util.Arrays.fill(labels, 0, sourceLen, IGNORE_INDEX);
                if (efficientEos && turn != 0 && sourceLen > 0) {
                    labels[0] = eos; // the previous response's end
                }
            }
            if (maskHistory && turn != 0) {
                java.util.Arrays.fill(labels, sourceLen, sourceLen + targetLen, IGNORE_INDEX);
            } else {
                System.arraycopy(t.targetIds(), 0, labels, sourceLen, targetLen);
            }
            segments.add(new int[][] {ids, labels});
        }
        IntList ids = new IntList(total);
        IntList labels = new IntList(total);
        for (int i = 0; i < segments.size(); i++) {
            int[][] seg = segments.get(maskHistory ? segments.size() - 1 - i : i);
            ids.addAll(seg[0], seg[0].length);
            labels.addAll(seg[1], seg[1].length);
        }
        if (efficientEos) {
            ids.add(eos);
            labels.add(eos);
        }
        return EncodedSequence.of(ids.toArray(), labels.toArray());
    }

    /**
     * Encodes a list of examples on {@code threads} threads; invalid examples are dropped with a reason. With packing
     * (see {@link EncodingOptions#packing}) the results are packed into rows of {@code cutoff_len} tokens by
     * {@link SequencePacker}.
     *
     * @param examples the examples
     * @param threads worker threads (1 encodes on the calling thread)
     * @return the encoded (and possibly packed) examples and the dropped ones
     */
    public EncodedDataset<EncodedSequence> encodeAll(List<AlignedExample> examples, int threads) {
        List<Object> results = parallelMap(examples, threads, this::encode);
        List<EncodedSequence> encoded = new ArrayList<>();
        List<Integer> encodedIndices = new ArrayList<>();
        List<DroppedExample> dropped = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) instanceof LlamaFactoryException e) {
                dropped.add(new DroppedExample(i, examples.get(i).source(), e.getMessage()));
            } else {
                encoded.add((EncodedSequence) results.get(i));
                encodedIndices.add(i);
            }
        }
        if (!options.packing(Stage.SFT)) {
            return new EncodedDataset<>(encoded, dropped);
        }
        int padId = tokenizer.specialTokens().padId().orElse(ExampleShapes.requireEos(tokenizer));
        SequencePacker.Packed packed = SequencePacker.packSupervised(encoded, cutoffLen, options.neatPacking(), padId);
        for (int k : packed.droppedIndices()) {
            int i = encodedIndices.get(k);
            dropped.add(new DroppedExample(
                    i,
                    examples.get(i).source(),
                    "Dropped lengthy example with length " + encoded.get(k).length() + " > " + cutoffLen));
        }
        return new EncodedDataset<>(packed.rows(), dropped);
    }

    /** Runs {@code f} over the list, returning results or the library exception each item threw. */
    static <T> List<Object> parallelMap(
            List<AlignedExample> examples, int threads, java.util.function.Function<AlignedExample, T> f) {
        return Parallel.map(examples.size(), threads, i -> f.apply(examples.get(i)));
    }

    @SuppressWarnings("unchecked")
    static <T> void collect(
            List<AlignedExample> examples, List<Object> results, List<T> encoded, List<DroppedExample> dropped) {
        for (int i = 0; i < results.size(); i++) {
            Object r = results.get(i);
            if (r instanceof LlamaFactoryException e) {
                dropped.add(new DroppedExample(i, examples.get(i).source(), e.getMessage()));
            } else {
                encoded.add((T) r);
            }
        }
    }
}
