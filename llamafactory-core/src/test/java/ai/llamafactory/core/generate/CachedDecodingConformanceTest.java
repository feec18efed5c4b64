package ai.llamafactory.core.generate;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.loader.DjlModelLoader;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.testing.Conformance;
import ai.llamafactory.testing.TensorAssertions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Cached incremental decoding against full forwards, on every conformance checkpoint (transformers' weights):
 * greedy tokens equal the tokens of repeated full forwards and arg-max, and the logits of every decoding step of a
 * left-padded batch (rows of 12, 9 and 5 tokens) equal the full-forward logits of the same row alone (<= 2e-6). The
 * first step of each row is also compared with transformers' own logits from the golden file (<= 2e-6). Greedy decoding is also
 * checked with a repetition penalty (applied to prompt and output tokens in both decoders).
 */
class CachedDecodingConformanceTest {
    static final int NEW_TOKENS = 12;

    @TestFactory
    Stream<DynamicTest> greedyEqualsRepeatedFullForwards() {
        Conformance.requireFolder("models");
        return Conformance.folders("models").stream()
                .map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> greedy(dir)));
    }

    @TestFactory
    Stream<DynamicTest> leftPaddedBatchLogitsEqualFullForwardLogits() {
        Conformance.requireFolder("models");
        return Conformance.folders("models").stream()
                .map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> paddedBatch(dir)));
    }

    private static void greedy(Path dir) {
        DjlEngine.get();
        try (CausalLm model = DjlModelLoader.load(dir, ComputePolicy.cpu())) {
            int[][] prompts = prompts(dir);
            int vocab = model.config().vocabSize();
            Generator generator = new Generator(model);
            for (int[] prompt : prompts) {
                // An eos id outside the vocabulary: the sequence runs to max_new_tokens in both decoders.
                GenerationConfig cfg = GenerationConfig.builder()
                        .doSample(false)
                        .maxNewTokens(NEW_TOKENS)
                        .eosTokenIds(vocab)
                        .build();
                int[] cached = generator.generate(prompt, cfg).tokens();
                int[] reference = TestModels.referenceGreedy(model, prompt, NEW_TOKENS, 1.0, vocab);
                System.out.printf(
                        "%s prompt %d tokens: greedy %s%n", dir.getFileName(), prompt.length, Arrays.toString(cached));
                assertThat(cached)
                        .as(dir.getFileName() + " prompt of " + prompt.length)
                        .containsExactly(reference);
                // With a repetition penalty (host-side path; tied-embedding models otherwise repeat one token).
                GenerationConfig penalised =
                        cfg.toBuilder().repetitionPenalty(1.3).build();
                int[] cachedPenalised = generator.generate(prompt, penalised).tokens();
                assertThat(cachedPenalised)
                        .as(dir.getFileName() + " prompt of " + prompt.length + ", penalty 1.3")
                        .containsExactly(TestModels.referenceGreedy(model, prompt, NEW_TOKENS, 1.3, vocab));
                System.out.printf(
                        "%s prompt %d tokens, repetition penalty 1.3: greedy %s%n",
                        dir.getFileName(), prompt.length, Arrays.toString(cachedPenalised));
            }
        }
    }

    private static void paddedBatch(Path dir) {
        DjlEngine.get();
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model = DjlModelLoader.load(dir, ComputePolicy.cpu())) {
            Map<String, NDArray> golden = Conformance.readGolden(dir.resolve("golden.safetensors"), m);
            float[] goldenLogits = golden.get("logits").toFloatArray();
            int vocab = model.config().vocabSize();
            int seqLen = (int) golden.get("input_ids").getShape().get(1);
            int[][] prompts = prompts(dir);
            // Golden positions whose logits predict each prompt's first new token: row 0 at 11, row 1 at 8, row 0 at 4.
            int[][] goldenAt = {{0, prompts[0].length - 1}, {1, prompts[1].length - 1}, {0, prompts[2].length - 1}};
            Map<String, float[]> seen = new HashMap<>();
            // Repetition penalty 1 and greedy: the processor sees the raw logits of each step.
            LogitsProcessor capture =
                    (row, prompt, generated, logits) -> seen.put(row + ":" + generated.length, logits.clone());
            GenerationRequest request = GenerationRequest.builder()
                    .prompts(List.of(prompts))
                    .config(GenerationConfig.builder()
                            .doSample(false)
                            .maxNewTokens(NEW_TOKENS)
                            .eosTokenIds(vocab)
                            .build())
                    .logitsProcessor(capture)
                    .build();
            List<GenerationOutput> outputs = new Generator(model).generate(request);
            double worst = 0;
            double worstGolden = 0;
            for (int r = 0; r < prompts.length; r++) {
                int[] tokens = outputs.get(r).tokens();
                assertThat(tokens).hasSize(NEW_TOKENS);
                for (int s = 0; s < NEW_TOKENS; s++) {
                    int[] prefix = concat(prompts[r], Arrays.copyOf(tokens, s));
                    float[] full = TestModels.fullForwardLastLogits(model, prefix);
                    float[] cached = seen.get(r + ":" + s);
                    assertThat(cached).as("logits of row " + r + " step " + s).isNotNull();
                    worst = Math.max(worst, TestModels.maxAbsDiff(full, cached));
                    if (s == 0) {
                        int offset = (goldenAt[r][0] * seqLen + goldenAt[r][1]) * vocab;
                        float[] hf = Arrays.copyOfRange(goldenLogits, offset, offset + vocab);
                        worstGolden = Math.max(worstGolden, TestModels.maxAbsDiff(hf, cached));
                    }
                }
                // Greedy tokens of a padded row equal those of the row alone.
                assertThat(tokens)
                        .as("row " + r)
                        .containsExactly(TestModels.referenceGreedy(model, prompts[r], NEW_TOKENS, 1.0, vocab));
            }
            System.out.printf(
                    "%s: left-padded batch (12, 9, 5 tokens), %d steps: max|cached - full forward| = %.3g, "
                            + "first step max|cached - transformers| = %.3g%n",
                    dir.getFileName(), NEW_TOKENS, worst, worstGolden);
            TensorAssertions.assertWithin(dir.getFileName() + " cached decoding vs full forward logits", worst, 2e-6);
            TensorAssertions.assertWithin(
                    dir.getFileName() + " cached first-step logits vs transformers", worstGolden, 2e-6);
        }
    }

    @Test
    void slidingWindowDecodingEqualsFullForward() {
        // Window 5 < prompt + generated: the single-query mask must hide keys that left the window.
        try (CausalLm model = TestModels.tiny("mistral", ",\"sliding_window\":5")) {
            int[][] prompts = {{5, 17, 42, 8, 91, 3, 64, 22}, {7, 50, 11}};
            Map<String, float[]> seen = new HashMap<>();
            GenerationRequest request = GenerationRequest.builder()
                    .prompts(List.of(prompts))
                    .config(GenerationConfig.builder()
                            .doSample(false)
                            .maxNewTokens(8)
                            .eosTokenIds(97)
                            .build())
                    .logitsProcessor((row, p, g, logits) -> seen.put(row + ":" + g.length, logits.clone()))
                    .build();
            List<GenerationOutput> outputs = new Generator(model).generate(request);
            double worst = 0;
            for (int r = 0; r < prompts.length; r++) {
                int[] tokens = outputs.get(r).tokens();
                for (int s = 0; s < tokens.length; s++) {
                    float[] full =
                            TestModels.fullForwardLastLogits(model, concat(prompts[r], Arrays.copyOf(tokens, s)));
                    worst = Math.max(worst, TestModels.maxAbsDiff(full, seen.get(r + ":" + s)));
                }
            }
            System.out.printf("sliding window 5, left-padded batch: max|cached - full forward| = %.3g%n", worst);
            assertThat(worst).isLessThanOrEqualTo(1e-4);
        }
    }

    /** Three prompts of different lengths from the golden input ids: row 0 (12), row 1's 9 real tokens, row 0[:5]. */
    private static int[][] prompts(Path dir) {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> golden = Conformance.readGolden(dir.resolve("golden.safetensors"), m);
            long[] ids = golden.get("input_ids").toLongArray();
            long[] mask = golden.get("attention_mask").toLongArray();
            int t = (int) golden.get("input_ids").getShape().get(1);
            int len1 = 0;
            for (int j = 0; j < t; j++) {
                len1 += (int) mask[t + j];
            }
            int[] row0 = new int[t];
            int[] row1 = new int[len1];
            for (int j = 0; j < t; j++) {
                row0[j] = (int) ids[j];
            }
            for (int j = 0; j < len1; j++) {
                row1[j] = (int) ids[t + j];
            }
            return new int[][] {row0, row1, Arrays.copyOf(row0, 5)};
        }
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
