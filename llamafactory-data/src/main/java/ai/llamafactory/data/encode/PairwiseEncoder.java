package ai.llamafactory.data.encode;

import ai.llamafactory.data.AlignedExample;
import ai.llamafactory.data.template.ChatTemplate;
import ai.llamafactory.data.template.EncodedTurn;
import ai.llamafactory.data.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Preference pairs for DPO and reward modelling, as LLaMA-Factory's {@code PairwiseDatasetProcessor}: the prompt is
 * encoded once; chosen and rejected responses (plus one eos each with efficient_eos) are truncated to the same target
 * length, computed from the longer of the two ("the response is more important"). Thread-safe.
 */
public final class PairwiseEncoder {
    private final ChatTemplate template;
    private final Tokenizer tokenizer;
    private final int cutoffLen;

    /**
     * @param template the chat template
     * @param tokenizer the fixed tokenizer
     * @param options cutoff_len (packing does not apply to pairs)
     */
    public PairwiseEncoder(ChatTemplate template, Tokenizer tokenizer, EncodingOptions options) {
        this.template = Objects.requireNonNull(template, "template");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.cutoffLen = options.cutoffLen();
    }

    /**
     * @param example an aligned example with an odd-length prompt and two responses: chosen, rejected
     * @return the pair
     * @throws ai.llamafactory.api.exception.DatasetException when the example has the wrong shape
     */
    public PairwiseExample encode(AlignedExample example) {
        ExampleShapes.requireOddPrompt(example);
        ExampleShapes.requireResponses(example, 2, Integer.MAX_VALUE);
        EncodedTurn chosen = template.encodeOneTurn(
                tokenizer,
                ExampleShapes.concat(example.prompt(), example.response().get(0)),
                example.system(),
                example.tools());
        EncodedTurn rejected = template.encodeOneTurn(
                tokenizer,
                ExampleShapes.concat(example.prompt(), example.response().get(1)),
                example.system(),
                example.tools());
        int[] promptIds = chosen.sourceIds();
        int[] chosenIds = chosen.targetIds();
        int[] rejectedIds = rejected.targetIds();
        if (template.efficientEos()) {
            int eos = ExampleShapes.requireEos(tokenizer);
            chosenIds = ExampleShapes.concat(chosenIds, new int[] {eos});
            rejectedIds = ExampleShapes.concat(rejectedIds, new int[] {eos});
        }
        int[] lens = SequenceLengths.inferSeqLen(
                promptIds.length, Math.max(chosenIds.length, rejectedIds.length), cutoffLen);
        int[] prompt = java.util.Arrays.copyOf(promptIds, lens[0]);
        int[] c = java.util.Arrays.copyOf(chosenIds, Math.min(lens[1], chosenIds.length));
        int[] r = java.util.Arrays.copyOf(rejectedIds, Math.min(lens[1], rejectedIds.length));
        int[] ignore = ExampleShapes.ignore(lens[0]);
        return new PairwiseExample(
                ExampleShapes.concat(prompt, c),
                ExampleShapes.concat(ignore, c),
                ExampleShapes.concat(prompt, r),
                ExampleShapes.concat(ignore, r));
    }

    /**
     * @param examples the examples
     * @param threads worker threads
     * @return the pairs and the dropped examples
     */
    public EncodedDataset<PairwiseExample> encodeAll(List<AlignedExample> examples, int threads) {
        List<Object> results = SupervisedEncoder.parallelMap(examples, threads, this::encode);
        List<PairwiseExample> encoded = new ArrayList<>();
        List<DroppedExample> dropped = new ArrayList<>();
        SupervisedEncoder.collect(examples, results, encoded, dropped);
        return new EncodedDataset<>(encoded, dropped);
    }
}
