package ai.llamafactory.data.encode;

import ai.llamafactory.data.AlignedExample;
import ai.llamafactory.data.Message;
import ai.llamafactory.data.template.ChatTemplate;
import ai.llamafactory.data.template.EncodedTurn;
import ai.llamafactory.data.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Prompts for generation (prediction, PPO), as LLaMA-Factory's {@code UnsupervisedDatasetProcessor}: the prompt is
 * encoded up to the opening of the assistant turn; the reference response (if the example has exactly one, plus one
 * eos with efficient_eos) is kept separately; both are truncated with {@link SequenceLengths#inferSeqLen}.
 * Thread-safe.
 */
public final class UnsupervisedEncoder {
    private final ChatTemplate template;
    private final Tokenizer tokenizer;
    private final int cutoffLen;

    /**
     * @param template the chat template
     * @param tokenizer the fixed tokenizer
     * @param options cutoff_len
     */
    public UnsupervisedEncoder(ChatTemplate template, Tokenizer tokenizer, EncodingOptions options) {
        this.template = Objects.requireNonNull(template, "template");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.cutoffLen = options.cutoffLen();
    }

    /**
     * @param example an example with an odd-length prompt; its response (when there is exactly one) is the reference
     * @return the prompt ids and the reference ids
     * @throws ai.llamafactory.api.exception.DatasetException when the prompt has an even length
     */
    public PromptExample encode(AlignedExample example) {
        ExampleShapes.requireOddPrompt(example);
        Message response = example.response().size() == 1 ? example.response().get(0) : Message.assistant("");
        EncodedTurn t = template.encodeOneTurn(
                tokenizer, ExampleShapes.concat(example.prompt(), response), example.system(), example.tools());
        int[] reference = t.targetIds();
        if (template.efficientEos()) {
            reference = ExampleShapes.concat(reference, new int[] {ExampleShapes.requireEos(tokenizer)});
        }
        int[] lens = SequenceLengths.inferSeqLen(t.sourceIds().length, reference.length, cutoffLen);
        return new PromptExample(
                java.util.Arrays.copyOf(t.sourceIds(), lens[0]), java.util.Arrays.copyOf(reference, lens[1]));
    }

    /**
     * @param examples the examples
     * @param threads worker threads
     * @return the prompts and the dropped examples
     */
    public EncodedDataset<PromptExample> encodeAll(List<AlignedExample> examples, int threads) {
        List<Object> results = SupervisedEncoder.parallelMap(examples, threads, this::encode);
        List<PromptExample> encoded = new ArrayList<>();
        List<DroppedExample> dropped = new ArrayList<>();
        SupervisedEncoder.collect(examples, results, encoded, dropped);
        return new EncodedDataset<>(encoded, dropped);
    }
}
