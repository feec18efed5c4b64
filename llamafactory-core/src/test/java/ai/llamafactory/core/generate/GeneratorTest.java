package ai.llamafactory.core.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import ai.llamafactory.api.chat.FinishReason;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.model.CausalLm;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generation loop on a small random Llama: per-row finishing, seeded sampling, stop strings and UTF-8 streaming
 * (tokens forced through a logits processor), cancellation, grad mode on a fresh thread, native memory over a long
 * generation, bad input.
 */
class GeneratorTest {
    static final int VOCAB = 97;
    static final int EOS = 2;
    static CausalLm model;
    static Generator generator;

    @BeforeAll
    static void load() {
        model = TestModels.tiny("llama", "");
        generator = new Generator(model);
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    /** Forces row r to emit script[r][step] while the script lasts; afterwards the model chooses. */
    static LogitsProcessor forced(Map<Integer, int[]> script) {
        return (row, prompt, generated, logits) -> {
            int[] s = script.get(row);
            if (s != null && generated.length < s.length) {
                Arrays.fill(logits, Float.NEGATIVE_INFINITY);
                logits[s[generated.length]] = 0f;
            }
        };
    }

    /** A byte-level vocabulary over the model's ids: listed ids map to bytes, the others to "[id]". */
    static Detokenizer bytes(Map<Integer, byte[]> pieces) {
        return ids -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int id : ids) {
                out.writeBytes(pieces.getOrDefault(id, ("[" + id + "]").getBytes(StandardCharsets.US_ASCII)));
            }
            return out.toString(StandardCharsets.UTF_8);
        };
    }

    static GenerationConfig.Builder greedy(int maxNew) {
        return GenerationConfig.builder().doSample(false).maxNewTokens(maxNew).eosTokenIds(EOS);
    }

    @Test
    void rowsFinishOnTheirOwnAndTheOthersKeepTheirTokens() {
        int[][] prompts = {{5, 17, 42, 8, 91, 3}, {7, 50, 11}, {60, 61, 62, 63, 64, 65, 66, 67, 68}};
        // Row 0 ends with eos at its third token, row 2 at its sixth; row 1 runs free to max_new_tokens.
        Map<Integer, int[]> script = Map.of(0, new int[] {30, 31, EOS}, 2, new int[] {40, 41, 42, 43, 44, EOS});
        Map<Integer, StringBuilder> streamed = new HashMap<>();
        List<StreamChunk> chunks = new ArrayList<>();
        Map<Integer, byte[]> pieces = new HashMap<>();
        for (int i = 0; i < VOCAB; i++) {
            pieces.put(i, ("<" + i + ">").getBytes(StandardCharsets.US_ASCII));
        }
        pieces.put(EOS, "</s>".getBytes(StandardCharsets.US_ASCII));
        List<GenerationOutput> out = generator.generate(GenerationRequest.builder()
                .prompts(List.of(prompts))
                .config(greedy(10).build())
                .logitsProcessor(forced(script))
                .detokenizer(bytes(pieces))
                .listener(c -> {
                    chunks.add(c);
                    streamed.computeIfAbsent(c.row(), k -> new StringBuilder()).append(c.text());
                })
                .build());
        assertThat(out.get(0).tokens()).containsExactly(30, 31, EOS);
        assertThat(out.get(0).finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(out.get(0).stopString()).isEmpty(); // stopped on the eos token, not on a stop string
        assertThat(out.get(0).text()).isEqualTo("<30><31>"); // the eos id is not decoded
        assertThat(out.get(2).tokens()).containsExactly(40, 41, 42, 43, 44, EOS);
        assertThat(out.get(1).finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(out.get(1).tokens()).containsExactly(TestModels.referenceGreedy(model, prompts[1], 10, 1.0, EOS));
        assertThat(out.get(1).promptLength()).isEqualTo(3);
        for (int r = 0; r < 3; r++) {
            assertThat(streamed.get(r).toString()).isEqualTo(out.get(r).text());
            int row = r;
            List<StreamChunk> rowChunks =
                    chunks.stream().filter(c -> c.row() == row).toList();
            assertThat(rowChunks).hasSize(out.get(r).tokenCount());
            assertThat(rowChunks.stream().filter(StreamChunk::isLast)).hasSize(1);
            assertThat(rowChunks.get(rowChunks.size() - 1).finishReason())
                    .isEqualTo(out.get(r).finishReason());
            assertThat(rowChunks.stream().mapToInt(StreamChunk::step).toArray())
                    .containsExactly(java.util.stream.IntStream.rangeClosed(1, rowChunks.size())
                            .toArray());
        }
    }

    @Test
    void streamingNeverEmitsABrokenCharacter() {
        Map<Integer, byte[]> pieces = new HashMap<>();
        pieces.put(10, "a".getBytes(StandardCharsets.UTF_8));
        pieces.put(11, new byte[] {(byte) 0xC3}); // é split in two tokens
        pieces.put(12, new byte[] {(byte) 0xA9});
        pieces.put(13, new byte[] {(byte) 0xF0}); // 😀 split in four tokens
        pieces.put(14, new byte[] {(byte) 0x9F});
        pieces.put(15, new byte[] {(byte) 0x98});
        pieces.put(16, new byte[] {(byte) 0x80, 'b'});
        pieces.put(17, "漢".getBytes(StandardCharsets.UTF_8));
        int[] script = {10, 11, 12, 13, 14, 15, 16, 17, 11};
        List<String> texts = new ArrayList<>();
        GenerationOutput out = generator
                .generate(GenerationRequest.builder()
                        .addPrompt(3, 4, 5)
                        .config(greedy(script.length).build())
                        .logitsProcessor(forced(Map.of(0, script)))
                        .detokenizer(bytes(pieces))
                        .listener(c -> texts.add(c.text()))
                        .build())
                .get(0);
        assertThat(texts).containsExactly("a", "", "é", "", "", "", "😀b", "漢", "\uFFFD");
        for (String t : texts.subList(0, texts.size() - 1)) {
            assertThat(t).doesNotContain("\uFFFD");
            assertThat(t.isEmpty() || !Character.isHighSurrogate(t.charAt(t.length() - 1)))
                    .isTrue();
        }
        // The last token leaves a lone lead byte: released only at the end, as the replacement character.
        assertThat(out.text()).isEqualTo("aé😀b漢\uFFFD");
        assertThat(out.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void stopStringsEndARowAndAreCutFromItsText() {
        Map<Integer, byte[]> pieces = new HashMap<>();
        String[] words = {"Sure", ",", " here", " it", " is", "\n\n", "User", ":", " more"};
        for (int i = 0; i < words.length; i++) {
            pieces.put(20 + i, words[i].getBytes(StandardCharsets.UTF_8));
        }
        int[] script = {20, 21, 22, 23, 24, 25, 26, 27, 28};
        List<String> texts = new ArrayList<>();
        List<GenerationOutput> out = generator.generate(GenerationRequest.builder()
                .addPrompt(3, 4)
                .addPrompt(9)
                .config(greedy(20).stopStrings("\nUser:", "###").build())
                .logitsProcessor(forced(Map.of(0, script, 1, script)))
                .detokenizer(bytes(pieces))
                .listener(c -> {
                    if (c.row() == 0) {
                        texts.add(c.text());
                    }
                })
                .build());
        for (GenerationOutput o : out) {
            assertThat(o.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(o.stopString()).contains("\nUser:");
            assertThat(o.text()).isEqualTo("Sure, here it is\n");
            // The token completing the stop string is the last one generated.
            assertThat(o.tokens()).containsExactly(20, 21, 22, 23, 24, 25, 26, 27);
        }
        // "\n\n" is held back (it may start "\nUser:"), then the first "\n" is released with the match.
        assertThat(texts).containsExactly("Sure", ",", " here", " it", " is", "\n", "", "");
        assertThatThrownBy(() -> generator.generate(GenerationRequest.builder()
                        .addPrompt(1)
                        .config(greedy(3).stopStrings("x").build())
                        .build()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("detokenizer");
    }

    @Test
    void seededSamplingIsReproducibleAndIndependentOfTheBatch() {
        GenerationConfig cfg = GenerationConfig.builder()
                .temperature(1.0)
                .topK(0)
                .topP(1.0)
                .maxNewTokens(16)
                .eosTokenIds(VOCAB)
                .seed(1234)
                .build();
        int[] p0 = {5, 17, 42, 8};
        int[] p1 = {7, 50, 11, 60, 61, 62};
        int[] first = generator.generate(p0, cfg).tokens();
        int[] again = generator.generate(p0, cfg).tokens();
        int[] otherSeed =
                generator.generate(p0, cfg.toBuilder().seed(99).build()).tokens();
        List<GenerationOutput> batch = generator.generate(GenerationRequest.builder()
                .addPrompt(p0)
                .addPrompt(p1)
                .config(cfg)
                .build());
        System.out.println("seed 1234: " + Arrays.toString(first) + ", seed 99: " + Arrays.toString(otherSeed));
        assertThat(again).containsExactly(first);
        assertThat(otherSeed).isNotEqualTo(first);
        assertThat(batch.get(0).tokens()).containsExactly(first);
        // Sampling is not greedy here: the sampled sequence differs from the arg-max one.
        assertThat(first).isNotEqualTo(TestModels.referenceGreedy(model, p0, 16, 1.0, VOCAB));
        // Filters restrict the choice: top_k 1 is greedy whatever the seed.
        GenerationConfig topOne = cfg.toBuilder().topK(1).build();
        assertThat(generator.generate(p0, topOne).tokens())
                .containsExactly(TestModels.referenceGreedy(model, p0, 16, 1.0, VOCAB));
        // Temperature 0 means greedy, as in LLaMA-Factory.
        assertThat(generator
                        .generate(p0, cfg.toBuilder().temperature(0).build())
                        .tokens())
                .containsExactly(TestModels.referenceGreedy(model, p0, 16, 1.0, VOCAB));
    }

    @Test
    void cancellationStopsEveryRowWithItsTextSoFar() {
        AtomicInteger seen = new AtomicInteger();
        AtomicBoolean cancel = new AtomicBoolean();
        List<StreamChunk> last = new ArrayList<>();
        Map<Integer, byte[]> pieces = new HashMap<>();
        List<GenerationOutput> out = generator.generate(GenerationRequest.builder()
                .addPrompt(5, 6)
                .addPrompt(7)
                .config(greedy(50).eosTokenIds(VOCAB).build())
                .detokenizer(bytes(pieces))
                .listener(c -> {
                    if (seen.incrementAndGet() == 6) {
                        cancel.set(true); // after the third step of both rows
                    }
                    if (c.isLast()) {
                        last.add(c);
                    }
                })
                .cancellation(cancel::get)
                .build());
        for (GenerationOutput o : out) {
            assertThat(o.finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(o.tokenCount()).isEqualTo(3);
            assertThat(o.text()).matches("(\\[\\d+\\]){3}");
        }
        assertThat(last).hasSize(2).allSatisfy(c -> {
            assertThat(c.tokenId()).isEqualTo(StreamChunk.NO_TOKEN);
            assertThat(c.step()).isEqualTo(3);
        });
    }

    @Test
    void anInterruptOfTheGeneratingThreadCancels() {
        try {
            GenerationOutput out = generator
                    .generate(GenerationRequest.builder()
                            .addPrompt(5, 6)
                            .config(greedy(50).eosTokenIds(VOCAB).build())
                            .listener(c -> {
                                if (c.step() == 2) {
                                    Thread.currentThread().interrupt();
                                }
                            })
                            .build())
                    .get(0);
            assertThat(out.finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(out.tokenCount()).isEqualTo(2);
            assertThat(Thread.currentThread().isInterrupted())
                    .as("the interrupt flag stays set")
                    .isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void gradModeIsOffDuringGenerationOnAFreshThreadAndRestoredAfter() throws Exception {
        model.setAllTrainable(true);
        try {
            AtomicReference<Boolean> before = new AtomicReference<>();
            AtomicReference<Boolean> during = new AtomicReference<>();
            AtomicReference<Boolean> after = new AtomicReference<>();
            AtomicReference<int[]> tokens = new AtomicReference<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    before.set(DjlEngine.isGradMode());
                    tokens.set(generator
                            .generate(GenerationRequest.builder()
                                    .addPrompt(5, 17, 42)
                                    .config(greedy(4).eosTokenIds(VOCAB).build())
                                    .listener(c -> during.compareAndSet(null, DjlEngine.isGradMode()))
                                    .build())
                            .get(0)
                            .tokens());
                    after.set(DjlEngine.isGradMode());
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            t.start();
            t.join();
            assertThat(failure.get()).isNull();
            assertThat(before.get())
                    .as("libtorch starts new threads in grad mode")
                    .isTrue();
            assertThat(during.get()).as("grad mode while generating").isFalse();
            assertThat(after.get()).as("grad mode restored").isTrue();
            assertThat(tokens.get())
                    .containsExactly(TestModels.referenceGreedy(model, new int[] {5, 17, 42}, 4, 1.0, VOCAB));
        } finally {
            model.setAllTrainable(false);
        }
    }

    @Test
    void nativeArrayCountStaysFlatOverALongGenerationAndReturnsToItsStart() {
        long start = liveArrays();
        AtomicLong atStep20 = new AtomicLong();
        AtomicLong atStep300 = new AtomicLong();
        List<GenerationOutput> out = generator.generate(GenerationRequest.builder()
                .addPrompt(5, 17, 42, 8)
                .addPrompt(9, 10)
                .config(GenerationConfig.builder()
                        .maxNewTokens(300)
                        .eosTokenIds(VOCAB)
                        .seed(3)
                        .repetitionPenalty(1.1)
                        .build())
                .listener(c -> {
                    if (c.row() == 1 && c.step() == 20) {
                        atStep20.set(liveArrays());
                    }
                    if (c.row() == 1 && c.step() == 300) {
                        atStep300.set(liveArrays());
                    }
                })
                .build());
        long end = liveArrays();
        System.out.printf(
                "live native arrays: before %d, at step 20 %d, at step 300 %d, after %d%n",
                start, atStep20.get(), atStep300.get(), end);
        assertThat(out.get(0).tokenCount()).isEqualTo(300);
        assertThat(atStep300.get()).isEqualTo(atStep20.get());
        assertThat(end).isEqualTo(start);
    }

    @Test
    void aListenerFailureReachesTheCallerAndLeavesNothingBehind() {
        long start = liveArrays();
        assertThatThrownBy(() -> generator.generate(GenerationRequest.builder()
                        .addPrompt(1, 2, 3)
                        .config(greedy(5).build())
                        .listener(c -> {
                            throw new IllegalStateException("client went away");
                        })
                        .build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("client went away");
        assertThat(liveArrays()).isEqualTo(start);
        assertThat(DjlEngine.isGradMode()).isFalse();
    }

    @Test
    void badPromptsAreRejectedWithTheirPosition() {
        assertThatThrownBy(() -> generator.generate(new int[0], greedy(2).build()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("prompt 0 is empty");
        assertThatThrownBy(() -> generator.generate(GenerationRequest.builder()
                        .addPrompt(1, 2)
                        .addPrompt(3, 97)
                        .config(greedy(2).build())
                        .build()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("prompt 1 position 1 holds token id 97");
        assertThatThrownBy(() -> generator.generate(GenerationRequest.builder().build()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("no prompts");
    }

    @Test
    void theModelsEosIdIsUsedWhenTheConfigNamesNone() {
        // Force eos (id 2 in config.json) at the second token without naming it in the generation config.
        GenerationOutput out = generator
                .generate(GenerationRequest.builder()
                        .addPrompt(4, 5)
                        .config(GenerationConfig.builder()
                                .doSample(false)
                                .maxNewTokens(8)
                                .build())
                        .logitsProcessor(forced(Map.of(0, new int[] {9, EOS})))
                        .build())
                .get(0);
        assertThat(model.config().eosTokenIds()).containsExactly(EOS);
        assertThat(out.tokens()).containsExactly(9, EOS);
        assertThat(out.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(out.stopString()).isEmpty(); // the eos token, not a stop string
    }

    /** Counts every live array of the process: the whole manager tree under DJL's system manager. */
    static long liveArrays() {
        try (NDManager probe = NDManager.newBaseManager()) {
            return ((BaseNDManager) probe.getParentManager()).getManagedArrays().size();
        }
    }
}
