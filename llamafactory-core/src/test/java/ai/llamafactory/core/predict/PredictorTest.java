package ai.llamafactory.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.GeneratingArguments;
import ai.llamafactory.api.data.EncodedPrompt;
import ai.llamafactory.api.exception.ChatCancelledException;
import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.api.run.CancellationToken;
import ai.llamafactory.core.chat.GenerationSettings;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.generate.GenerationOutput;
import ai.llamafactory.core.generate.Generator;
import ai.llamafactory.core.loader.DjlModelLoader;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.data.metrics.SimilarityMetrics;
import ai.llamafactory.data.template.ChatTemplate;
import ai.llamafactory.data.template.TemplateRegistry;
import ai.llamafactory.data.tokenizer.HfTokenizer;
import ai.llamafactory.data.tokenizer.Tokenizer;
import ai.llamafactory.testing.TinyRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * do_predict with predict_with_generate: the jsonl rows (prompt with special tokens, prediction and label without),
 * left-padded batches that generate what each prompt alone generates, the BLEU/ROUGE and speed metrics.
 */
class PredictorTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void aPredictConfigurationWritesPredictionsAndMetrics() throws Exception {
        Path model = TinyRun.model("qwen3", tmp.resolve("model"));
        Path data = TinyRun.dataset(tmp.resolve("data"));
        Path out = tmp.resolve("out");
        FineTuneConfig config = FineTuneConfig.parseYaml(
                "model_name_or_path: " + model + "\nstage: sft\n"
                        + "finetuning_type: full\ndo_predict: true\npredict_with_generate: true\neval_dataset: tiny\n"
                        + "dataset_dir: " + data + "\ntemplate: qwen3_nothink\ncutoff_len: 64\n"
                        + "per_device_eval_batch_size: 3\ndo_sample: false\nmax_new_tokens: 6\noutput_dir: " + out
                        + "\n",
                "predict.yaml");
        PredictionResult result = Predictor.run(config);

        List<String> lines = Files.readAllLines(out.resolve("generated_predictions.jsonl"));
        assertThat(lines).hasSize(TinyRun.ROWS.length);
        List<String> predictions = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        try (CausalLm m = DjlModelLoader.load(model, ComputePolicy.cpu());
                HfTokenizer raw = HfTokenizer.load(model)) {
            ChatTemplate template = TemplateRegistry.get("qwen3_nothink");
            Tokenizer tok = template.fixSpecialTokens(raw);
            Generator alone = new Generator(m);
            for (int i = 0; i < lines.size(); i++) {
                JsonNode row = JSON.readTree(lines.get(i));
                assertThat(fieldNames(row)).containsExactly("prompt", "predict", "label");
                String prompt = "<|im_start|>user\n" + TinyRun.ROWS[i][0] + "<|im_end|>\n<|im_start|>assistant\n";
                assertThat(row.get("prompt").asText()).isEqualTo(prompt);
                assertThat(row.get("label").asText()).isEqualTo(TinyRun.ROWS[i][1] + "\n");
                // Each prompt alone, unpadded, generates what its row of the padded batch generated.
                int[] ids = tok.encode(prompt, false);
                GenerationOutput single = alone.generate(
                        ids, GenerationSettings.fromArguments(config.generating(), ids.length, List.of(258)));
                assertThat(row.get("predict").asText()).as("row %d", i).isEqualTo(tok.decode(single.tokens(), true));
                predictions.add(row.get("predict").asText());
                labels.add(row.get("label").asText());
            }
        }
        SimilarityMetrics expected = new SimilarityMetrics();
        expected.addAll(predictions, labels);
        Map<String, Double> sim = expected.metrics("predict");
        JsonNode saved = JSON.readTree(out.resolve("predict_results.json").toFile());
        assertThat(fieldNames(saved))
                .containsExactly(
                        "predict_bleu-4",
                        "predict_rouge-1",
                        "predict_rouge-2",
                        "predict_rouge-l",
                        "predict_runtime",
                        "predict_samples_per_second",
                        "predict_steps_per_second");
        for (String key : sim.keySet()) {
            assertThat(saved.get(key).asDouble()).as(key).isEqualTo(sim.get(key));
            assertThat(result.metric(key)).isEqualTo(sim.get(key));
        }
        double runtime = saved.get("predict_runtime").asDouble();
        assertThat(runtime).isPositive();
        assertThat(saved.get("predict_samples_per_second").asDouble())
                .isCloseTo(8 / runtime, within(0.01 + 0.01 * 8 / runtime));
        assertThat(saved.get("predict_steps_per_second").asDouble())
                .isCloseTo(3 / runtime, within(0.01 + 0.01 * 3 / runtime));
        assertThat(out.resolve("all_results.json")).exists();
        assertThat(result.samples()).isEqualTo(8);
        assertThat(result.generatedTokens()).isBetween(8L, 48L);
    }

    @Test
    void identicalPredictionsScoreOneHundredAndOthersLess() throws Exception {
        Path model = TinyRun.model("qwen3", tmp.resolve("model"));
        try (CausalLm m = DjlModelLoader.load(model, ComputePolicy.cpu());
                HfTokenizer raw = HfTokenizer.load(model)) {
            Tokenizer tok = TemplateRegistry.get("qwen3_nothink").fixSpecialTokens(raw);
            GeneratingArguments greedy = GeneratingArguments.builder()
                    .doSample(false)
                    .maxNewTokens(5)
                    .build();
            Predictor predictor = new Predictor(m, tok, greedy, 2);
            assertThat(predictor.stopTokenIds()).containsExactly(258);
            int[] p0 = tok.encode("<|im_start|>user\nabc<|im_end|>\n<|im_start|>assistant\n", false);
            int[] p1 = tok.encode("<|im_start|>user\nA longer question here<|im_end|>\n<|im_start|>assistant\n", false);
            // The model's own answers as references make a perfect score for those rows.
            int[] own0 = new Generator(m)
                    .generate(p0, GenerationSettings.fromArguments(greedy, p0.length, List.of(258)))
                    .tokens();
            List<EncodedPrompt> prompts = List.of(
                    new EncodedPrompt(p0, own0),
                    new EncodedPrompt(p1, tok.encode("completely unrelated reference words", false)));
            PredictionResult r = predictor.predict(prompts, tmp.resolve("out"), CancellationToken.never());
            List<String> lines = Files.readAllLines(tmp.resolve("out/generated_predictions.jsonl"));
            JsonNode first = JSON.readTree(lines.get(0));
            assertThat(first.get("predict").asText())
                    .isEqualTo(first.get("label").asText());
            SimilarityMetrics one = new SimilarityMetrics();
            one.add(first.get("predict").asText(), first.get("label").asText());
            System.out.println("row 0: '" + first.get("predict").asText() + "' -> "
                    + one.samples().get(0));
            assertThat(one.samples().get(0).bleu4()).isEqualTo(100.0);
            assertThat(r.metric("predict_bleu-4")).isLessThan(100.0).isGreaterThanOrEqualTo(50.0);

            CancellationToken cancelled = new CancellationToken();
            cancelled.cancel("stop now");
            assertThatThrownBy(() -> predictor.predict(prompts, tmp.resolve("out2"), cancelled))
                    .isInstanceOf(ChatCancelledException.class)
                    .hasMessageContaining("stop now");
        }
    }

    @Test
    void configurationsThatDoNotAskForGeneratedPredictionsAreRefused() {
        Path model = TinyRun.model("qwen3", tmp.resolve("model"));
        FineTuneConfig config = FineTuneConfig.parseYaml(
                "model_name_or_path: " + model + "\nstage: sft\n" + "finetuning_type: full\n", "x.yaml");
        assertThatThrownBy(() -> Predictor.run(config))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("predict_with_generate");
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
