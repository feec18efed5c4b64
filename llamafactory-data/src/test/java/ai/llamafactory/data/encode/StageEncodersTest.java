package ai.llamafactory.data.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.config.Stage;
import ai.llamafactory.api.data.EncodedSequence;
import ai.llamafactory.api.exception.DatasetException;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.data.AlignedExample;
import ai.llamafactory.data.Message;
import ai.llamafactory.data.TestTokenizers;
import ai.llamafactory.data.template.ChatTemplate;
import ai.llamafactory.data.template.EncodedTurn;
import ai.llamafactory.data.template.Slot;
import ai.llamafactory.data.template.TemplateRegistry;
import ai.llamafactory.data.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** SFT options, pairwise, KTO, pre-training and unsupervised encodings with the Qwen3 tokenizer. */
class StageEncodersTest {
    private static final ChatTemplate QWEN = TemplateRegistry.get("qwen3_nothink");

    private static Tokenizer tok() {
        return QWEN.fixSpecialTokens(TestTokenizers.qwen3());
    }

    private static AlignedExample sft(String... turns) {
        List<Message> prompt = new java.util.ArrayList<>();
        for (int i = 0; i < turns.length - 1; i++) {
            prompt.add(i % 2 == 0 ? Message.user(turns[i]) : Message.assistant(turns[i]));
        }
        return new AlignedExample(prompt, List.of(Message.assistant(turns[turns.length - 1])), "", "", null, "t");
    }

    private static int[] cat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    private static int[] ignore(int n) {
        int[] out = new int[n];
        Arrays.fill(out, -100);
        return out;
    }

    @Test
    void multiTurnSftMasksEveryPromptAndLearnsEveryResponse() {
        Tokenizer tok = tok();
        AlignedExample ex = sft("Hi", "Hello", "Bye", "Ciao");
        List<EncodedTurn> turns = QWEN.encodeMultiTurn(
                tok,
                List.of(Message.user("Hi"), Message.assistant("Hello"), Message.user("Bye"), Message.assistant("Ciao")),
                "",
                "");
        EncodedSequence e =
                new SupervisedEncoder(QWEN, tok, EncodingOptions.builder().build()).encode(ex);
        EncodedTurn t0 = turns.get(0);
        EncodedTurn t1 = turns.get(1);
        assertThat(e.inputIds()).containsExactly(cat(t0.sourceIds(), t0.targetIds(), t1.sourceIds(), t1.targetIds()));
        assertThat(e.labels())
                .containsExactly(cat(
                        ignore(t0.sourceIds().length), t0.targetIds(), ignore(t1.sourceIds().length), t1.targetIds()));
        assertThat(tok.decode(t1.targetIds(), false)).isEqualTo("Ciao<|im_end|>\n");

        EncodedSequence onPrompt = new SupervisedEncoder(
                        QWEN, tok, EncodingOptions.builder().trainOnPrompt(true).build())
                .encode(ex);
        assertThat(onPrompt.labels()).containsExactly(onPrompt.inputIds());

        EncodedSequence masked = new SupervisedEncoder(
                        QWEN, tok, EncodingOptions.builder().maskHistory(true).build())
                .encode(ex);
        assertThat(masked.inputIds()).containsExactly(e.inputIds());
        assertThat(masked.labels())
                .containsExactly(cat(
                        ignore(t0.sourceIds().length + t0.targetIds().length),
                        ignore(t1.sourceIds().length),
                        t1.targetIds()));
    }

    @Test
    void maskHistoryTruncatesEarlierTurnsFirst() {
        Tokenizer tok = tok();
        AlignedExample ex = sft(
                "Tell me a long story about dragons and knights please",
                "Once upon a time there " + "was a dragon who lived in a cave",
                "Shorter",
                "Ok");
        List<EncodedTurn> turns = QWEN.encodeMultiTurn(
                tok,
                List.of(
                        ex.prompt().get(0),
                        ex.prompt().get(1),
                        ex.prompt().get(2),
                        ex.response().get(0)),
                "",
                "");
        int lastLength = turns.get(1).sourceIds().length + turns.get(1).targetIds().length;
        int cutoff = lastLength + 6;
        EncodedSequence masked = new SupervisedEncoder(
                        QWEN,
                        tok,
                        EncodingOptions.builder()
                                .maskHistory(true)
                                .cutoffLen(cutoff)
                                .build())
                .encode(ex);
        assertThat(masked.length()).isEqualTo(cutoff);
        // the last turn is whole, at the end; the first turn got what was left (4 source + 2 target tokens)
        int[] tail = Arrays.copyOfRange(masked.inputIds(), 6, cutoff);
        assertThat(tail)
                .containsExactly(cat(turns.get(1).sourceIds(), turns.get(1).targetIds()));
        int[] lens = SequenceLengths.inferSeqLen(
                turns.get(0).sourceIds().length, turns.get(0).targetIds().length, 6);
        assertThat(lens).containsExactly(4, 2);
        assertThat(Arrays.copyOfRange(masked.inputIds(), 0, 4))
                .containsExactly(Arrays.copyOf(turns.get(0).sourceIds(), 4));
        assertThat(Arrays.copyOfRange(masked.labels(), 0, 6)).containsOnly(-100);
    }

    @Test
    void efficientEosLearnsThePreviousTurnEndAndClosesTheSequence() {
        Tokenizer tok = tok();
        ChatTemplate efficient = ChatTemplate.builder("efficient")
                .userSlots(List.of(Slot.text("<|im_start|>user\n{{content}}<|im_end|>\n<|im_start|>assistant\n")))
                .efficientEos(true)
                .build();
        int eos = tok.specialTokens().eosId().getAsInt();
        EncodedSequence e = new SupervisedEncoder(
                        efficient, tok, EncodingOptions.builder().build())
                .encode(sft("Hi", "Hello", "Bye", "Ciao"));
        List<EncodedTurn> turns = efficient.encodeMultiTurn(
                tok,
                List.of(Message.user("Hi"), Message.assistant("Hello"), Message.user("Bye"), Message.assistant("Ciao")),
                "",
                "");
        int s0 = turns.get(0).sourceIds().length;
        int t0 = turns.get(0).targetIds().length;
        assertThat(e.inputIds()[e.length() - 1]).isEqualTo(eos);
        assertThat(e.labels()[e.length() - 1]).isEqualTo(eos);
        assertThat(e.labels()[s0 + t0]).isEqualTo(eos); // second turn's source label starts with the eos
        assertThat(e.labels()[s0 + t0 + 1]).isEqualTo(-100);
        assertThatThrownBy(() -> new SupervisedEncoder(
                        efficient,
                        tok,
                        EncodingOptions.builder().trainOnPrompt(true).build()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("train_on_prompt");
    }

    @Test
    void invalidExamplesAreDroppedWithAReason() {
        AlignedExample bad = new AlignedExample(
                List.of(Message.user("a"), Message.assistant("b")),
                List.of(Message.assistant("c")),
                "",
                "",
                null,
                "demo.json:7");
        SupervisedEncoder enc =
                new SupervisedEncoder(QWEN, tok(), EncodingOptions.builder().build());
        assertThatThrownBy(() -> enc.encode(bad))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("demo.json:7")
                .hasMessageContaining("odd number");
        EncodedDataset<EncodedSequence> ds = enc.encodeAll(List.of(sft("Hi", "Hello"), bad), 2);
        assertThat(ds.examples()).hasSize(1);
        assertThat(ds.dropped()).singleElement().satisfies(d -> {
            assertThat(d.index()).isEqualTo(1);
            assertThat(d.source()).isEqualTo("demo.json:7");
        });
    }

    @Test
    void parallelEncodingEqualsSequentialEncoding() {
        List<AlignedExample> rows = EncodingBenchmarkTest.alpacaRows(300, 7);
        SupervisedEncoder enc = new SupervisedEncoder(
                QWEN, tok(), EncodingOptions.builder().cutoffLen(128).build());
        List<EncodedSequence> one = enc.encodeAll(rows, 1).examples();
        List<EncodedSequence> two = enc.encodeAll(rows, 2).examples();
        assertThat(two).hasSize(300);
        for (int i = 0; i < rows.size(); i++) {
            assertThat(two.get(i).inputIds()).containsExactly(one.get(i).inputIds());
            assertThat(two.get(i).labels()).containsExactly(one.get(i).labels());
        }
        assertThat(one).allSatisfy(e -> assertThat(e.length()).isLessThanOrEqualTo(128));
    }

    @Test
    void sftPackingUsesCutoffMinusOneAndPadsToCutoff() {
        List<AlignedExample> rows = IntStream.range(0, 12)
                .mapToObj(i -> sft("Question " + i, "Answer " + i))
                .toList();
        EncodingOptions options =
                EncodingOptions.builder().cutoffLen(64).packing(true).build();
        EncodedDataset<EncodedSequence> packed = new SupervisedEncoder(QWEN, tok(), options).encodeAll(rows, 2);
        EncodedDataset<EncodedSequence> plain = new SupervisedEncoder(
                        QWEN, tok(), options.toBuilder().packing(false).build())
                .encodeAll(rows, 1);
        int total = plain.examples().stream().mapToInt(EncodedSequence::length).sum();
        assertThat(packed.examples()).allSatisfy(r -> assertThat(r.length()).isEqualTo(64));
        int real = packed.examples().stream()
                .mapToInt(r ->
                        (int) Arrays.stream(r.positionIds()).filter(p -> p == 0).count())
                .sum();
        assertThat(packed.examples().size()).isLessThan(rows.size());
        long nonPad = packed.examples().stream()
                .flatMapToInt(r -> Arrays.stream(r.labels()))
                .filter(l -> l != -100)
                .count();
        long expectedLabels = plain.examples().stream()
                .flatMapToInt(r -> Arrays.stream(r.labels()))
                .filter(l -> l != -100)
                .count();
        assertThat(nonPad).isEqualTo(expectedLabels);
        assertThat(real).isGreaterThanOrEqualTo(rows.size());
        assertThat(total).isLessThanOrEqualTo(packed.examples().size() * 63);
        assertThat(options.effectiveCutoffLen(Stage.SFT)).isEqualTo(63);
    }

    @Test
    void pairwiseSharesThePromptAndCutsBothResponsesToOneLength() {
        Tokenizer tok = tok();
        AlignedExample ex = new AlignedExample(
                List.of(Message.user("Which is better?")),
                List.of(
                        Message.assistant("The first one is clearly better in every single way you could imagine."),
                        Message.assistant("No.")),
                "",
                "",
                null,
                "pair");
        PairwiseExample full =
                new PairwiseEncoder(QWEN, tok, EncodingOptions.builder().build()).encode(ex);
        EncodedTurn chosen = QWEN.encodeOneTurn(
                tok, List.of(ex.prompt().get(0), ex.response().get(0)), "", "");
        EncodedTurn rejected = QWEN.encodeOneTurn(
                tok, List.of(ex.prompt().get(0), ex.response().get(1)), "", "");
        assertThat(full.chosenInputIds()).containsExactly(cat(chosen.sourceIds(), chosen.targetIds()));
        assertThat(full.rejectedInputIds()).containsExactly(cat(chosen.sourceIds(), rejected.targetIds()));
        assertThat(full.rejectedLabels()).containsExactly(cat(ignore(chosen.sourceIds().length), rejected.targetIds()));

        int promptLen = chosen.sourceIds().length;
        int cutoff = 20; // shorter than prompt + chosen: both parts are cut
        int[] lens = SequenceLengths.inferSeqLen(promptLen, chosen.targetIds().length, cutoff);
        PairwiseExample cut = new PairwiseEncoder(
                        QWEN, tok, EncodingOptions.builder().cutoffLen(cutoff).build())
                .encode(ex);
        assertThat(cut.chosenInputIds()).hasSize(lens[0] + lens[1]);
        assertThat(cut.rejectedInputIds()).hasSize(lens[0] + Math.min(lens[1], rejected.targetIds().length));
        assertThat(Arrays.copyOf(cut.rejectedInputIds(), lens[0]))
                .containsExactly(Arrays.copyOf(cut.chosenInputIds(), lens[0]));
        BatchCollator.Batch batch = BatchCollator.forTraining(tok).collatePairs(List.of(cut));
        assertThat(batch.size()).isEqualTo(2);
        assertThat(batch.inputIds()[1][batch.length() - 1]).isEqualTo(151643); // pad token of Qwen3
    }

    @Test
    void ktoPairsEachPromptWithThePreviousExamplesResponse() {
        Tokenizer tok = tok();
        List<AlignedExample> rows = List.of(
                new AlignedExample(List.of(Message.user("Q0")), List.of(Message.assistant("A0")), "", "", true, "0"),
                new AlignedExample(List.of(Message.user("Q1")), List.of(Message.assistant("A1")), "", "", false, "1"),
                new AlignedExample(
                        List.of(Message.user("bad"), Message.assistant("x")),
                        List.of(Message.assistant("y")),
                        "",
                        "",
                        true,
                        "2"),
                new AlignedExample(List.of(Message.user("Q3")), List.of(Message.assistant("A3")), "", "", true, "3"));
        EncodedDataset<KtoExample> ds =
                new FeedbackEncoder(QWEN, tok, EncodingOptions.builder().build()).encodeAll(rows, 2);
        assertThat(ds.dropped()).singleElement().satisfies(d -> assertThat(d.index())
                .isEqualTo(2));
        assertThat(ds.examples()).hasSize(3);
        // kl_response = [last] + responses[:-1] over the valid examples (0, 1, 3)
        String[] klResponses = {"A3", "A0", "A1"};
        String[] prompts = {"Q0", "Q1", "Q3"};
        for (int k = 0; k < 3; k++) {
            EncodedTurn kl = QWEN.encodeOneTurn(
                    tok, List.of(Message.user(prompts[k]), Message.assistant(klResponses[k])), "", "");
            assertThat(ds.examples().get(k).klInputIds()).containsExactly(cat(kl.sourceIds(), kl.targetIds()));
            assertThat(ds.examples().get(k).klLabels())
                    .containsExactly(cat(ignore(kl.sourceIds().length), kl.targetIds()));
        }
        assertThat(ds.examples().get(0).desirable()).isTrue();
        assertThat(ds.examples().get(1).desirable()).isFalse();
        assertThat(tok.decode(ds.examples().get(1).inputIds(), false))
                .isEqualTo("<|im_start|>user\nQ1<|im_end|>\n<|im_start|>assistant\nA1<|im_end|>\n");
        BatchCollator.KtoBatch batch = BatchCollator.forTraining(tok).collateKto(ds.examples());
        assertThat(batch.desirable()).containsExactly(true, false, true);
        assertThat(batch.klBatch().size()).isEqualTo(3);
    }

    @Test
    void pretrainingAppendsEosAndPacksIntoBlocks() {
        Tokenizer tok = tok();
        List<AlignedExample> texts = List.of(
                new AlignedExample(List.of(Message.user("The quick brown fox.")), List.of(), "", "", null, "a"),
                new AlignedExample(List.of(Message.user("Jumps over the lazy dog.")), List.of(), "", "", null, "b"));
        int[] a = tok.encode("The quick brown fox.<|im_end|>", false);
        int[] b = tok.encode("Jumps over the lazy dog.<|im_end|>", false);
        assertThat(a[a.length - 1]).isEqualTo(151645);
        EncodingOptions unpacked =
                EncodingOptions.builder().cutoffLen(1024).packing(false).build();
        EncodedDataset<EncodedSequence> plain = new PretrainEncoder(QWEN, tok, unpacked).encodeAll(texts, 1);
        assertThat(plain.examples().get(0).inputIds()).containsExactly(a);
        assertThat(plain.examples().get(0).labels()).containsExactly(a);
        // packing is automatic for pre-training; blocks are cutoff_len - 1 = 4 tokens, the remainder dropped
        EncodingOptions packed = EncodingOptions.builder().cutoffLen(5).build();
        EncodedDataset<EncodedSequence> blocks = new PretrainEncoder(QWEN, tok, packed).encodeAll(texts, 2);
        int[] all = cat(a, b);
        assertThat(blocks.examples()).hasSize(all.length / 4);
        assertThat(blocks.examples().get(1).inputIds()).containsExactly(Arrays.copyOfRange(all, 4, 8));
    }

    @Test
    void unsupervisedKeepsThePromptAndTheReference() {
        Tokenizer tok = tok();
        AlignedExample ex =
                new AlignedExample(List.of(Message.user("Hi")), List.of(Message.assistant("Hello")), "", "", null, "u");
        PromptExample p =
                new UnsupervisedEncoder(QWEN, tok, EncodingOptions.builder().build()).encode(ex);
        assertThat(tok.decode(p.inputIds(), false))
                .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
        assertThat(tok.decode(p.referenceIds(), false)).isEqualTo("Hello<|im_end|>\n");
        BatchCollator.Batch batch = BatchCollator.forGeneration(tok)
                .collatePrompts(List.of(
                        p,
                        new UnsupervisedEncoder(
                                        QWEN, tok, EncodingOptions.builder().build())
                                .encode(new AlignedExample(
                                        List.of(Message.user("A longer question here")),
                                        List.of(),
                                        "",
                                        "",
                                        null,
                                        "v"))));
        assertThat(batch.labels()).isNull();
        assertThat(batch.inputIds()[0][0]).isEqualTo(151643); // left padded
        assertThat(batch.inputIds()[0][batch.length() - 1]).isEqualTo(batch.inputIds()[1][batch.length() - 1]);
    }
}
