package ai.llamafactory.core.bench;

import ai.djl.ndarray.NDManager;
import ai.llamafactory.core.config.ModelConfig;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.engine.DjlEngine;
import ai.llamafactory.core.generate.GenerationConfig;
import ai.llamafactory.core.generate.GenerationRequest;
import ai.llamafactory.core.generate.Generator;
import ai.llamafactory.core.model.Architectures;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.core.model.RandomWeights;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Decoding speed on the Llama-shaped benchmark model (4 layers, hidden 512, 8 heads, 2 KV heads, vocab 32000, random
 * weights): time to first token (prefill of the prompt batch plus the first sampling step) and decode tokens/s (all
 * rows' tokens after the first, divided by the time after the first token) at batch 1 and 8, greedy and with
 * LLaMA-Factory's default sampling. Batch-8 prompts have different lengths (left padding), 128 new tokens each.
 *
 * <p>Run: {@code mvn -B -ntp -Pbenchmark -pl llamafactory-core -am test -Dtest=DecodeBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class DecodeBenchmark {
    static final int PROMPT = 128;
    static final int NEW_TOKENS = 128;
    static final int REPEATS = 3;

    @Test
    void llamaShaped() {
        DjlEngine.get();
        ModelConfig cfg = BenchSupport.llamaShapedConfig();
        try (CausalLm model = Architectures.forModelType("llama")
                .build(cfg, new RandomWeights(1, 0.02, false), ComputePolicy.cpu(), NDManager.newBaseManager())) {
            Generator generator = new Generator(model);
            GenerationConfig greedy = GenerationConfig.builder()
                    .doSample(false)
                    .maxNewTokens(NEW_TOKENS)
                    .eosTokenIds(cfg.vocabSize())
                    .build();
            GenerationConfig sampling = GenerationConfig.builder()
                    .maxNewTokens(NEW_TOKENS)
                    .eosTokenIds(cfg.vocabSize())
                    .seed(7)
                    .build();
            run(generator, cfg, 1, greedy, "warm-up", 1);
            for (int batch : new int[] {1, 8}) {
                run(generator, cfg, batch, greedy, "greedy", REPEATS);
                run(generator, cfg, batch, sampling, "sampling (T 0.95, top-k 50, top-p 0.7)", REPEATS);
            }
            System.out.printf("peak RSS %d MiB, %s%n", BenchSupport.peakRssMiB(), loadAverage());
        }
    }

    /**
     * Per-step cost of the loop itself: a 2-layer model with hidden size 64 and vocabulary 512, where the matrix work
     * is negligible, so the time per step is op dispatch, masks, rotary tables, cache growth and host sampling.
     */
    @Test
    void perStepOverheadOnATinyModel() throws Exception {
        DjlEngine.get();
        String json = "{\"model_type\":\"llama\",\"vocab_size\":512,\"hidden_size\":64,\"intermediate_size\":176,"
                + "\"num_hidden_layers\":2,\"num_attention_heads\":4,\"num_key_value_heads\":2,"
                + "\"max_position_embeddings\":2048}";
        ModelConfig cfg = ModelConfig.parse(
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(json),
                Architectures.forModelType("llama").configDefaults(),
                "tiny benchmark config");
        try (CausalLm model = Architectures.forModelType("llama")
                .build(cfg, new RandomWeights(1, 0.02, false), ComputePolicy.cpu(), NDManager.newBaseManager())) {
            Generator generator = new Generator(model);
            GenerationConfig greedy = GenerationConfig.builder()
                    .doSample(false)
                    .maxNewTokens(NEW_TOKENS)
                    .eosTokenIds(cfg.vocabSize())
                    .build();
            run(generator, cfg, 1, greedy, "warm-up", 1);
            System.out.println("tiny model (2 layers, hidden 64, vocab 512): per-step overhead of the decoding loop, "
                    + loadAverage());
            run(generator, cfg, 1, greedy, "greedy, no padding (no attention mask)", REPEATS);
            run(generator, cfg, 2, greedy, "greedy, left-padded (padding mask)", REPEATS);
            run(generator, cfg, 1, greedy.toBuilder().doSample(true).seed(1).build(), "default sampling", REPEATS);
        }
    }

    /** @return the machine's load averages: figures taken on a busy machine are not comparable */
    private static String loadAverage() {
        try {
            return "load average "
                    + java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                            .trim();
        } catch (java.io.IOException e) {
            return "load average unknown";
        }
    }

    private static void run(
            Generator generator, ModelConfig cfg, int batch, GenerationConfig config, String label, int repeats) {
        double bestTtft = Double.MAX_VALUE;
        double bestRate = 0;
        Random rnd = new Random(11);
        for (int rep = 0; rep < repeats; rep++) {
            GenerationRequest.Builder b = GenerationRequest.builder().config(config);
            for (int r = 0; r < batch; r++) {
                int len = batch == 1 ? PROMPT : PROMPT - 4 * r;
                int[] p = new int[len];
                for (int j = 0; j < len; j++) {
                    p[j] = rnd.nextInt(cfg.vocabSize());
                }
                b.addPrompt(p);
            }
            AtomicLong first = new AtomicLong();
            AtomicLong tokens = new AtomicLong();
            long t0 = System.nanoTime();
            generator.generate(b.listener(c -> {
                        first.compareAndSet(0, System.nanoTime());
                        tokens.incrementAndGet();
                    })
                    .build());
            long t1 = System.nanoTime();
            double ttft = (first.get() - t0) / 1e9;
            double rate = (tokens.get() - batch) / ((t1 - first.get()) / 1e9);
            bestTtft = Math.min(bestTtft, ttft);
            bestRate = Math.max(bestRate, rate);
        }
        if (repeats > 1) {
            System.out.printf(
                    "batch %d, %s: time to first token %.1f ms (prompts up to %d tokens), decode %.1f tokens/s "
                            + "(%.2f ms per step), best of %d%n",
                    batch, label, bestTtft * 1e3, PROMPT, bestRate, 1e3 * batch / bestRate, repeats);
        }
    }
}
