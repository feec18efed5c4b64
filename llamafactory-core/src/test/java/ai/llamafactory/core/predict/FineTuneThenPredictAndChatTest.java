package ai.llamafactory.core.predict;

import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.api.FineTune;
import ai.llamafactory.api.chat.ChatMessage;
import ai.llamafactory.api.chat.ChatRequest;
import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.config.LrSchedulerType;
import ai.llamafactory.api.run.TrainingResult;
import ai.llamafactory.api.spi.Plugins;
import ai.llamafactory.core.chat.DjlChatModel;
import ai.llamafactory.testing.TinyRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's path end to end: fine-tune on eight examples with prediction after training, predict again from the
 * output folder with a predict-only configuration, and chat with the fine-tuned model loaded from its output folder.
 */
class FineTuneThenPredictAndChatTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void aFineTunedModelPredictsAndChatsWhatItLearned() throws Exception {
        Path model = TinyRun.model("qwen3", tmp.resolve("model"));
        Path data = TinyRun.dataset(tmp.resolve("data"));
        Path out = tmp.resolve("out");
        TrainingResult trained = FineTune.model(model)
                .full()
                .sft()
                .dataset("tiny")
                .evalDataset("tiny")
                .datasetDir(data.toString())
                .template("chatml")
                .cutoffLen(64)
                .batchSize(8)
                .evalBatchSize(4)
                .learningRate(5e-3)
                .maxSteps(80)
                .scheduler(LrSchedulerType.CONSTANT)
                .seed(42)
                .outputDir(out)
                .training(
                        t -> t.loggingSteps(20).saveSteps(1000).doPredict(true).predictWithGenerate(true))
                .generation(g -> g.doSample(false).maxNewTokens(16))
                .run();
        assertThat(trained.completed()).isTrue();
        List<String> lines = Files.readAllLines(out.resolve("generated_predictions.jsonl"));
        assertThat(lines).hasSize(TinyRun.ROWS.length);
        int learned = 0;
        for (int i = 0; i < lines.size(); i++) {
            JsonNode row = JSON.readTree(lines.get(i));
            assertThat(row.get("label").asText()).isEqualTo(TinyRun.ROWS[i][1] + "\n");
            learned += row.get("predict").asText().equals(TinyRun.ROWS[i][1]) ? 1 : 0;
        }
        JsonNode all = JSON.readTree(out.resolve("all_results.json").toFile());
        System.out.println("learned " + learned + "/8; all_results: " + all);
        assertThat(learned).isGreaterThanOrEqualTo(7);
        assertThat(all.has("train_loss")).isTrue();
        assertThat(all.get("predict_bleu-4").asDouble()).isGreaterThan(80);

        // Predict-only run on the output folder, through the trainer SPI as `llamafactory train` does.
        Path predictOut = tmp.resolve("predict");
        FineTuneConfig predict = FineTuneConfig.parseYaml(
                "model_name_or_path: " + out + "\nstage: sft\n"
                        + "finetuning_type: full\ndo_predict: true\npredict_with_generate: true\neval_dataset: tiny\n"
                        + "dataset_dir: " + data + "\ntemplate: chatml\ncutoff_len: 64\nper_device_eval_batch_size: 8\n"
                        + "do_sample: false\nmax_new_tokens: 16\noutput_dir: " + predictOut + "\n",
                "predict.yaml");
        assertThat(Plugins.trainerProvider(predict, getClass().getClassLoader()))
                .isInstanceOf(PredictOnlyTrainerProvider.class);
        TrainingResult predicted = Plugins.trainerProvider(predict, getClass().getClassLoader())
                .create()
                .train(
                        predict,
                        ai.llamafactory.api.run.TrainingListeners.none(),
                        ai.llamafactory.api.run.CancellationToken.never());
        assertThat(predicted.metric("predict_bleu-4").orElseThrow())
                .isEqualTo(all.get("predict_bleu-4").asDouble());
        assertThat(predictOut.resolve("predict_results.json")).exists();
        assertThat(predictOut.resolve("training_args.yaml")).exists();

        // Chat with the fine-tuned model, template read from the tokenizer_config written at training time.
        try (DjlChatModel chat = DjlChatModel.fromFolder(out)) {
            String reply = chat.chat(ChatRequest.builder()
                            .addMessage(ChatMessage.user("Capital of France?"))
                            .doSample(false)
                            .maxTokens(16)
                            .build())
                    .text();
            System.out.println("fine-tuned model says: " + reply);
            assertThat(reply).isEqualTo("Paris.");
        }
    }
}
