package ai.llamafactory.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.data.EncodedSequence;
import ai.llamafactory.api.exception.DatasetException;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.loader.DjlModelLoader;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.testing.TinyRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Perplexity equals exp of the mean NLL computed directly from full-forward logits. */
class PerplexityEvaluatorTest {
    @TempDir
    Path tmp;

    /** An example whose first {@code promptLength} labels are masked. */
    static EncodedSequence example(int[] ids, int promptLength) {
        int[] labels = ids.clone();
        for (int i = 0; i < promptLength; i++) {
            labels[i] = -100;
        }
        return EncodedSequence.of(ids, labels);
    }

    @Test
    void perplexityIsExpOfTheMeanTokenNllComputedDirectly() {
        Path dir = TinyRun.model("qwen3", tmp.resolve("model"));
        try (CausalLm model = DjlModelLoader.load(dir, ComputePolicy.cpu())) {
            List<EncodedSequence> examples = List.of(
                    example(new int[] {257, 72, 105, 33, 258, 10, 257, 65, 66, 67, 258}, 7),
                    example(new int[] {5, 6, 7, 8}, 1),
                    example(new int[] {300, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313}, 10),
                    example(new int[] {40, 41, 42}, 3));
            double total = 0;
            long tokens = 0;
            List<Double> perExample = new ArrayList<>();
            for (EncodedSequence e : examples) {
                float[][] logits = PredictFixtures.logits(model, e.inputIds());
                double sum = 0;
                int n = 0;
                for (int t = 1; t < e.inputIds().length; t++) {
                    if (e.labels()[t] != -100) {
                        sum -= PredictFixtures.logSoftmax(logits[t - 1])[e.labels()[t]];
                        n++;
                    }
                }
                total += sum;
                tokens += n;
                perExample.add(n == 0 ? Double.NaN : Math.exp(sum / n));
            }
            PerplexityResult r = new PerplexityEvaluator(model, 256).evaluate(examples, 3);
            System.out.println(r);
            assertThat(r.tokens()).isEqualTo(tokens).isEqualTo(4 + 3 + 4);
            assertThat(r.meanNll()).isCloseTo(total / tokens, within(1e-5));
            assertThat(r.perplexity()).isCloseTo(Math.exp(total / tokens), within(1e-4 * r.perplexity()));
            double[] got = r.examplePerplexities();
            for (int i = 0; i < 3; i++) {
                assertThat(got[i]).isCloseTo(perExample.get(i), within(1e-4 * perExample.get(i)));
            }
            assertThat(got[3]).isNaN();
            assertThat(r.meanExamplePerplexity())
                    .isCloseTo((perExample.get(0) + perExample.get(1) + perExample.get(2)) / 3, within(1e-3));
            assertThatThrownBy(() -> new PerplexityEvaluator(model, 256).evaluate(List.of(examples.get(3)), 1))
                    .isInstanceOf(DatasetException.class)
                    .hasMessageContaining("label token");
        }
    }

    @Test
    void aConfigurationIsScoredOnItsDatasetsLabelTokens() {
        Path model = TinyRun.model("qwen3", tmp.resolve("model"));
        Path data = TinyRun.dataset(tmp.resolve("data"));
        FineTuneConfig config = FineTuneConfig.parseYaml(
                "model_name_or_path: " + model + "\nstage: sft\n"
                        + "finetuning_type: full\ndataset: tiny\ndataset_dir: " + data + "\ntemplate: qwen3_nothink\n"
                        + "cutoff_len: 64\nper_device_eval_batch_size: 3\noutput_dir: " + tmp.resolve("out") + "\n",
                "ppl.yaml");
        PerplexityResult r = PerplexityEvaluator.run(config);
        long expectedTokens = 0;
        for (String[] row : TinyRun.ROWS) {
            expectedTokens += row[1].length() + 2; // the answer's bytes, <|im_end|> and the newline after it
        }
        assertThat(r.tokens()).isEqualTo(expectedTokens);
        assertThat(r.examplePerplexities()).hasSize(TinyRun.ROWS.length);
        assertThat(r.perplexity()).isFinite().isGreaterThan(1);
    }
}
