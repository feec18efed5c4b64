package ai.llamafactory.data.encode;

import ai.llamafactory.api.exception.DatasetException;
import ai.llamafactory.data.AlignedExample;
import ai.llamafactory.data.Message;
import ai.llamafactory.data.template.ChatTemplate;
import ai.llamafactory.data.template.EncodedTurn;
import ai.llamafactory.data.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * KTO inputs, as LLaMA-Factory's {@code FeedbackDatasetProcessor}: each valid example is encoded with its own response
 * and, for the KL term, with the response of another example: the valid examples' responses rotated by one
 * ({@code kl_response = [last] + responses[:-1]}, so the first example borrows the last one's response). Both
 * sequences are truncated independently with {@link SequenceLengths#inferSeqLen}. Thread-safe.
 */
public final class FeedbackEncoder {
    private final ChatTemplate template;
    private final Tokenizer tokenizer;
    private final int cutoffLen;

    /**
     * @param template the chat template
     * @param tokenizer the fixed tokenizer
     * @param options cutoff_len
     */
    public FeedbackEncoder(ChatTemplate template, Tokenizer tokenizer, EncodingOptions options) {
        this.template = Objects.requireNonNull(template, "template");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.cutoffLen = options.cutoffLen();
    }

    /**
     * Encodes one example with a given mismatched response.
     *
     * @param example the example: odd-length prompt, one response, a non-null {@code ktoTag}
     * @param klResponse the response of another example
     * @return the KTO example
     * @throws DatasetException when the example has the wrong shape
     */
    public KtoExample encode(AlignedExample example, Message klResponse) {
        check(example);
        int[][] main = encodePair(example, example.response().get(0));
        int[][] kl = encodePair(example, klResponse);
        return new KtoExample(main[0], main[1], kl[0], kl[1], example.ktoTag());
    }

    private int[][] encodePair(AlignedExample example, Message response) {
        EncodedTurn t = template.encodeOneTurn(
                tokenizer, ExampleShapes.concat(example.prompt(), response), example.system(), example.tools());
        int[] responseIds = t.targetIds();
        if (template.efficientEos()) {
            responseIds = ExampleShapes.concat(responseIds, new int[] {ExampleShapes.requireEos(tokenizer)});
        }
        int[] lens = SequenceLengths.inferSeqLen(t.sourceIds().length, responseIds.length, cutoffLen);
        int[] prompt = java.util.Arrays.copyOf(t.sourceIds(), lens[0]);
        int[] resp = java.util.Arrays.copyOf(responseIds, lens[1]);
        return new int[][] {
            ExampleShapes.concat(prompt, resp), ExampleShapes.concat(ExampleShapes.ignore(lens[0]), resp)
        };
    }

    private static void check(AlignedExample example) {
        ExampleShapes.requireOddPrompt(example);
        ExampleShapes.requireResponses(example, 1, 1);
        if (example.ktoTag() == null) {
            throw ExampleShapes.invalid(example, "KTO examples need a kto_tag (desirable true/false)");
        }
    }

    /**
     * Encodes a batch: invalid examples are dropped first, then each valid example gets the response of the previous
     * valid one (the first gets the last one's).
     *
     * @param examples the batch (LLaMA-Factory rotates within each preprocessing batch)
     * @param threads worker threads
     * @return the KTO examples and the dropped examples
     */
    public EncodedDataset<KtoExample> encodeAll(List<AlignedExample> examples, int threads) {
        List<Integer> valid = new ArrayList<>();
        List<DroppedExample> dropped = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            try {
                check(examples.get(i));
                valid.add(i);
            } catch (DatasetException e) {
                dropped.add(new DroppedExample(i, examples.get(i).source(), e.getMessage()));
            }
        }
        List<AlignedExample> kept = new ArrayList<>(valid.size());
        for (int i : valid) {
            kept.add(examples.get(i));
        }
        int n = kept.size();
        List<Object> out = Parallel.map(
                n,
                threads,
                k -> encode(kept.get(k), kept.get((k - 1 + n) % n).response().get(0)));
        List<KtoExample> encoded = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            Object r = out.get(k);
            if (r instanceof RuntimeException e) {
                dropped.add(new DroppedExample(valid.get(k), kept.get(k).source(), e.getMessage()));
            } else {
                encoded.add((KtoExample) r);
            }
        }
        return new EncodedDataset<>(encoded, dropped);
    }
}
