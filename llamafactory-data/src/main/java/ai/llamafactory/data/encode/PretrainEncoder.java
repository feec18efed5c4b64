package ai.llamafactory.data.encode;

import ai.llamafactory.api.config.Stage;
import ai.llamafactory.api.data.EncodedSequence;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.data.AlignedExample;
import ai.llamafactory.data.template.ChatTemplate;
import ai.llamafactory.data.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Pre-training inputs, as LLaMA-Factory's {@code PretrainDatasetProcessor}: the text of each example (its first
 * prompt message) followed by the eos token ({@code <|end_of_text|>} with the {@code llama3} template). Without
 * packing each text is cut at {@code cutoff_len} (with the tokenizer's bos first when {@code add_bos_token}); with
 * packing (the default for pre-training) all texts are concatenated and cut into blocks of the effective cutoff
 * length, the remainder dropped, and with {@code add_bos_token} each block's first token replaced by the bos. Labels
 * equal the input ids (every token is learned). Thread-safe.
 */
public final class PretrainEncoder {
    private final Tokenizer tokenizer;
    private final EncodingOptions options;
    private final String eosText;

    /**
     * @param template the chat template (only its name matters: {@code llama3} ends texts with {@code <|end_of_text|>})
     * @param tokenizer the fixed tokenizer
     * @param options cutoff_len and packing
     */
    public PretrainEncoder(ChatTemplate template, Tokenizer tokenizer, EncodingOptions options) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.options = Objects.requireNonNull(options, "options");
        this.eosText = "llama3".equals(template.name())
                ? "<|end_of_text|>"
                : tokenizer
                        .specialTokens()
                        .eos()
                        .orElseThrow(() -> new InvalidConfigException(
                                "The tokenizer has no eos token to end pre-training texts with"))
                        .token();
    }

    /**
     * Tokenizes one text without packing.
     *
     * @param example an example whose first prompt message is the text
     * @return the ids (cut at cutoff_len) with labels equal to them
     * @throws ai.llamafactory.api.exception.DatasetException when the example has no text
     */
    public EncodedSequence encode(AlignedExample example) {
        String text = text(example);
        if (tokenizer.addBosToken()) {
            text = tokenizer.specialTokens().bos().map(b -> b.token()).orElse("") + text;
        }
        int[] ids = tokenizer.encode(text, false);
        int cutoff = options.effectiveCutoffLen(Stage.PT);
        if (ids.length > cutoff) { // LLaMA-Factory: truncation=True, max_length=cutoff_len
            ids = java.util.Arrays.copyOf(ids, cutoff);
        }
        return EncodedSequence.of(ids, ids.clone());
    }

    private String text(AlignedExample example) {
        if (example.prompt().isEmpty()) {
            throw ExampleShapes.invalid(example, "pre-training examples need a text (first prompt message)");
        }
        return example.prompt().get(0).content() + eosText;
    }

    /**
     * Encodes all texts; packs them into blocks when packing is on (see {@link EncodingOptions#packing}).
     *
     * @param examples the texts
     * @param threads worker threads for tokenization
     * @return the sequences or blocks, and the dropped examples
     */
    public EncodedDataset<EncodedSequence> encodeAll(List<AlignedExample> examples, int threads) {
        boolean packing = options.packing(Stage.PT);
        List<Object> results = Parallel.map(
                examples.size(),
                threads,
                i -> packing ? tokenizer.encode(text(examples.get(i)), false) : encode(examples.get(i)));
        List<DroppedExample> dropped = new ArrayList<>();
        List<EncodedSequence> out = new ArrayList<>();
        if (!packing) {
            SupervisedEncoder.collect(examples, results, out, dropped);
            return new EncodedDataset<>(out, dropped);
        }
        IntList all = new IntList(1024);
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) instanceof int[] ids) {
                all.addAll(ids, ids.length);
            } else {
                dropped.add(new DroppedExample(
                        i, examples.get(i).source(), ((RuntimeException) results.get(i)).getMessage()));
            }
        }
        int block = options.effectiveCutoffLen(Stage.PT);
        int[] tokens = all.toArray();
        int total = tokens.length / block * block;
        for (int start = 0; start < total; start += block) {
            int[] ids = java.util.Arrays.copyOfRange(tokens, start, start + block);
            if (tokenizer.addBosToken() && tokenizer.specialTokens().bosId().isPresent()) {
                ids[0] = tokenizer.specialTokens().bosId().getAsInt();
            }
            out.add(EncodedSequence.of(ids, ids.clone()));
        }
        return new EncodedDataset<>(out, dropped);
    }
}
