package ai.llamafactory.core.train.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The expected card follows transformers' {@code TrainingSummary.to_model_card} for the arguments LLaMA-Factory's
 * {@code create_modelcard_and_push} passes (license {@code other}, tags {@code llama-factory} + method, datasets), as
 * published LLaMA-Factory LoRA cards show it.
 */
class ModelCardWriterTest {
    @TempDir
    Path temp;

    private static final String LORA_CARD =
            """
            ---
            library_name: peft
            license: other
            base_model: Qwen/Qwen3-4B-Instruct-2507
            tags:
            - llama-factory
            - lora
            - generated_from_trainer
            metrics:
            - accuracy
            model-index:
            - name: sft
              results: []
            ---

            <!-- This model card has been generated automatically according to the information the Trainer had access to. You
            should probably proofread and complete it, then remove this comment. -->

            # sft

            This model is a fine-tuned version of [Qwen/Qwen3-4B-Instruct-2507](https://huggingface.co/Qwen/Qwen3-4B-Instruct-2507) on the identity and the alpaca_en_demo datasets.
            It achieves the following results on the evaluation set:
            - Loss: 2.1
            - Accuracy: 0.25

            ## Model description

            More information needed

            ## Intended uses & limitations

            More information needed

            ## Training and evaluation data

            More information needed

            ## Training procedure

            ### Training hyperparameters

            The following hyperparameters were used during training:
            - learning_rate: 0.0001
            - train_batch_size: 1
            - eval_batch_size: 1
            - seed: 42
            - gradient_accumulation_steps: 8
            - total_train_batch_size: 8
            - optimizer: Use adamw_torch with betas=(0.9,0.999) and epsilon=1e-08 and optimizer_args=No additional optimizer arguments
            - lr_scheduler_type: cosine
            - lr_scheduler_warmup_ratio: 0.1
            - num_epochs: 3.0

            ### Training results

            | Training Loss | Epoch | Step | Validation Loss | Accuracy |
            |:-------------:|:-----:|:----:|:---------------:|:--------:|
            | 2.3457        | 1.5   | 3    | 2.1             | 0.25     |


            ### Framework versions

            - LlamaFactory for Java 0.1.0
            - DJL 0.35.1
            """;

    @Test
    void loraCardMatchesTheTrainersLayout() throws IOException {
        ModelCard card = ModelCard.builder("sft", ModelCard.Method.LORA)
                .baseModel("Qwen/Qwen3-4B-Instruct-2507")
                .license("other")
                .datasets(List.of("identity", "alpaca_en_demo"))
                .hyperparameters(new ModelCard.Hyperparameters()
                        .learningRate(1e-4)
                        .trainBatchSize(1)
                        .evalBatchSize(1)
                        .seed(42)
                        .gradientAccumulationSteps(8)
                        .optimizer("adamw_torch", 0.9, 0.999, 1e-8, null)
                        .lrSchedulerType("cosine")
                        .warmup(0.1, 0)
                        .duration(-1, 3.0)
                        .toMap())
                .logHistory(TrainerStateTest.recordedRun().snapshot().logHistory())
                .frameworkVersion("LlamaFactory for Java 0.1.0")
                .frameworkVersion("DJL 0.35.1")
                .build();
        Path file = ModelCardWriter.write(temp, card);
        assertThat(file.getFileName().toString()).isEqualTo("README.md");
        assertThat(Files.readString(file)).isEqualTo(LORA_CARD);
    }

    @Test
    void fullRunWithoutEvaluationFromALocalModel() {
        TrainerStateRecorder recorder =
                new TrainerStateRecorder(TrainerState.builder().maxSteps(2).build(), "out", null);
        recorder.advance(1, 0.5);
        recorder.logTraining(1.234567, 2.0, 1e-5);
        recorder.advance(2, 1.0);
        recorder.logTrainEnd(2.0, 4, null, 1.1);
        ModelCard card = ModelCard.builder("full-run", ModelCard.Method.FULL)
                .baseModel("/models/my-llama")
                .datasets(List.of("identity"))
                .tag("djl")
                .hyperparameters(new ModelCard.Hyperparameters()
                        .learningRate(1e-5)
                        .trainBatchSize(2)
                        .evalBatchSize(8)
                        .optimizer("sgd", 0.9, 0.999, 1e-8, "momentum=0.9")
                        .duration(100, 3.0)
                        .toMap())
                .logHistory(recorder.snapshot().logHistory())
                .build();
        String text = ModelCardWriter.render(card);
        assertThat(text)
                .startsWith(
                        """
                ---
                library_name: transformers
                base_model: /models/my-llama
                tags:
                - llama-factory
                - full
                - djl
                - generated_from_trainer
                model-index:
                - name: full-run
                  results: []
                ---
                """);
        assertThat(text)
                .contains("This model is a fine-tuned version of /models/my-llama on the identity dataset.\n\n"
                        + "## Model description")
                .contains("- optimizer: Use sgd and the args are:\nmomentum=0.9\n- lr_scheduler_type: linear\n"
                        + "- training_steps: 100\n")
                .contains("### Training results\n\n\n\n### Framework versions\n\n")
                .doesNotContain("It achieves")
                .doesNotContain("license");
    }

    @Test
    void numbersAreRoundedLikeTransformers() {
        assertThat(ModelCardWriter.maybeRound(0.123456)).isEqualTo("0.1235");
        assertThat(ModelCardWriter.maybeRound(0.1234)).isEqualTo("0.1234");
        assertThat(ModelCardWriter.maybeRound(1.5e-05)).isEqualTo("0.0000");
        assertThat(ModelCardWriter.maybeRound(1e-05)).isEqualTo("1e-05");
        assertThat(ModelCardWriter.maybeRound(3)).isEqualTo("3");
        assertThat(ModelCardWriter.maybeRound("No log")).isEqualTo("No log");
    }

    @Test
    void yamlScalarsAreQuotedOnlyWhenNeeded() {
        assertThat(ModelCardWriter.yamlScalar("sft")).isEqualTo("sft");
        assertThat(ModelCardWriter.yamlScalar("Qwen/Qwen3-4B-Instruct-2507")).isEqualTo("Qwen/Qwen3-4B-Instruct-2507");
        assertThat(ModelCardWriter.yamlScalar("yes")).isEqualTo("'yes'");
        assertThat(ModelCardWriter.yamlScalar("123")).isEqualTo("'123'");
        assertThat(ModelCardWriter.yamlScalar("a: b")).isEqualTo("'a: b'");
        assertThat(ModelCardWriter.yamlScalar("it's")).isEqualTo("'it''s'");
    }
}
