package ai.llamafactory.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.api.spi.Plugins;
import ai.llamafactory.testing.TinyRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop on the command line with the real chat model: {@code train} overfits the eight tiny examples (full
 * SFT, chatml), then {@code chat} and {@code api} on the output folder answer a training question with its trained
 * answer (greedy decoding). Fails when no {@code ChatModelProvider} is on the class path.
 */
class TrainedModelChatTest {
    @TempDir
    static Path tmp;

    static Path trained;

    @BeforeAll
    static void train() throws Exception {
        assertThat(Plugins.chatModelProviders(TrainedModelChatTest.class.getClassLoader()))
                .as("ai.llamafactory.api.spi.ChatModelProvider on the class path (the DJL chat model of "
                        + "llamafactory-core, a dependency of the cli)")
                .isNotEmpty();
        Path model = TinyRun.model("qwen3", tmp.resolve("model"));
        Path data = TinyRun.dataset(tmp.resolve("data"));
        trained = tmp.resolve("out");
        Path yaml = Files.writeString(
                tmp.resolve("full_sft.yaml"),
                """
                model_name_or_path: %s
                stage: sft
                do_train: true
                finetuning_type: full
                dataset: tiny
                dataset_dir: %s
                template: chatml
                cutoff_len: 64
                output_dir: %s
                logging_steps: 20
                save_steps: 1000
                overwrite_output_dir: true
                per_device_train_batch_size: 8
                learning_rate: 5.0e-3
                max_steps: 80
                lr_scheduler_type: constant
                seed: 42
                """
                        .formatted(model, data, trained));
        CliRun.Result r = CliRun.of("train", yaml.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    /** LLaMA-Factory's examples/inference/qwen3_full_sft.yaml on the training output. */
    private static Path inferenceYaml() throws Exception {
        return Files.writeString(
                tmp.resolve("infer.yaml"),
                """
                model_name_or_path: %s
                template: chatml
                infer_backend: huggingface
                trust_remote_code: true
                do_sample: false
                max_new_tokens: 16
                """
                        .formatted(trained));
    }

    @Test
    void chatAnswersWithTheTrainedReply() throws Exception {
        CliRun.Result r = new CliRun()
                .input("Capital of France?\nclear\nLargest planet?\nexit\n")
                .run("chat", inferenceYaml().toString());
        System.out.println(r.out());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("\nUser: Assistant: Paris.\n").contains("\nUser: Assistant: Jupiter.\n");
    }

    @Test
    void apiAnswersWithTheTrainedReply() throws Exception {
        CliRun run = new CliRun();
        Path config = inferenceYaml();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                () -> LlamaFactoryCli.run(run.context(), "api", config.toString(), "--port", "0"));
        Pattern serving = Pattern.compile("at (http://\\S+)/v1");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String base = null;
        while (base == null && System.nanoTime() < deadline && !exit.isDone()) {
            Matcher m = serving.matcher(run.out.toString());
            if (m.find()) {
                base = m.group(1);
            } else {
                Thread.sleep(20);
            }
        }
        assertThat(base).as(run.err.toString()).isNotNull();
        try {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> reply = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                            .timeout(Duration.ofSeconds(60))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"model\": \"x\", \"messages\": [{\"role\": \"user\","
                                            + " \"content\": \"Color of grass?\"}], \"temperature\": 0}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
            JsonNode body = new ObjectMapper().readTree(reply.body());
            assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Green.");
            assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        } finally {
            run.shutdown.fire();
        }
        assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
    }
}
