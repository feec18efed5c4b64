package ai.llamafactory.data.encode;

import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.api.data.EncodedSequence;
import ai.llamafactory.data.AlignedExample;
import ai.llamafactory.data.Message;
import ai.llamafactory.data.TestTokenizers;
import ai.llamafactory.data.template.ChatTemplate;
import ai.llamafactory.data.template.TemplateRegistry;
import ai.llamafactory.data.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Throughput of supervised encoding: 100,000 generated alpaca-style rows (instruction, optional input, output) with
 * the Qwen3 tokenizer and the {@code qwen3_nothink} template, on two threads. Prints rows/s and tokens/s; asserts
 * nothing about time. Run with {@code mvn -Pbenchmark -pl llamafactory-data -am test -Dtest=EncodingBenchmarkTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class EncodingBenchmarkTest {
    private static final String[] WORDS = ("the of and to in is was for on that with as by at from his her they "
                    + "model data train learn token language fine tune answer question explain write summarise list three "
                    + "reasons why how what when where which because however therefore example python function returns "
                    + "value error memory speed quality château naïve 東京 数据 модель 🚀")
            .split(" ");

    static List<AlignedExample> alpacaRows(int n, long seed) {
        Random r = new Random(seed);
        List<AlignedExample> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String instruction = sentence(r, 8 + r.nextInt(30));
            String input = r.nextBoolean() ? "" : sentence(r, 5 + r.nextInt(60));
            String output = sentence(r, 20 + r.nextInt(180));
            String prompt = input.isEmpty() ? instruction : instruction + "\n" + input;
            rows.add(new AlignedExample(
                    List.of(Message.user(prompt)),
                    List.of(Message.assistant(output)),
                    "",
                    "",
                    null,
                    "bench[" + i + "]"));
        }
        return rows;
    }

    private static String sentence(Random r, int words) {
        StringBuilder sb = new StringBuilder();
        for (int w = 0; w < words; w++) {
            if (w > 0) {
                sb.append(r.nextInt(12) == 0 ? ", " : " ");
            }
            sb.append(WORDS[r.nextInt(WORDS.length)]);
        }
        return sb.append('.').toString();
    }

    @Test
    void encodeHundredThousandAlpacaRows() {
        ChatTemplate template = TemplateRegistry.get("qwen3_nothink");
        Tokenizer tok = template.fixSpecialTokens(TestTokenizers.qwen3());
        SupervisedEncoder encoder = new SupervisedEncoder(
                template,
                tok,
                EncodingOptions.builder().cutoffLen(2048).packing(false).build());
        List<AlignedExample> rows = alpacaRows(100_000, 42);
        encoder.encodeAll(rows.subList(0, 2_000), 2); // warm-up (JIT, native library)

        for (int threads : new int[] {1, 2}) {
            List<AlignedExample> batch = threads == 1 ? rows.subList(0, 20_000) : rows;
            long start = System.nanoTime();
            EncodedDataset<EncodedSequence> out = encoder.encodeAll(batch, threads);
            double seconds = (System.nanoTime() - start) / 1e9;
            long tokens =
                    out.examples().stream().mapToLong(EncodedSequence::length).sum();
            assertThat(out.examples()).hasSize(batch.size());
            System.out.printf(
                    "BENCHMARK sft-encode qwen3_nothink threads=%d rows=%d tokens=%d time=%.2fs "
                            + "rows/s=%.0f tokens/s=%.0f%n",
                    threads, batch.size(), tokens, seconds, batch.size() / seconds, tokens / seconds);
        }
    }
}
