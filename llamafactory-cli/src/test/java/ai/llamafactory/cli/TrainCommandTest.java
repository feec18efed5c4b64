package ai.llamafactory.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.testing.TinyRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code llamafactory train} end to end on the qwen3 conformance model with the byte-level tokenizer and an 8-row
 * dataset, from a LLaMA-Factory YAML file (full SFT, chatml); and the configuration errors that exit with 2.
 */
class TrainCommandTest {
    @TempDir
    Path tmp;

    private Path yaml(String name, String extra) throws Exception {
        Path model = TinyRun.model("qwen3", tmp.resolve("model"));
        Path data = TinyRun.dataset(tmp.resolve("data"));
        String text =
                """
                ### model
                model_name_or_path: %s
                trust_remote_code: true

                ### method
                stage: sft
                do_train: true
                finetuning_type: full

                ### dataset
                dataset: tiny
                dataset_dir: %s
                template: chatml
                cutoff_len: 64
                preprocessing_num_workers: 16
                dataloader_num_workers: 4

                ### output
                output_dir: %s
                logging_steps: 5
                save_steps: 10
                plot_loss: true
                overwrite_output_dir: true
                save_only_model: false
                report_to: none  # choices: [none, wandb, tensorboard, swanlab, mlflow]

                ### train
                per_device_train_batch_size: 8
                gradient_accumulation_steps: 1
                learning_rate: 5.0e-3
                max_steps: 20
                lr_scheduler_type: constant
                seed: 42
                ddp_timeout: 180000000
                resume_from_checkpoint: null
                """
                                .formatted(model, data, tmp.resolve("out"))
                        + extra;
        return Files.writeString(tmp.resolve(name), text);
    }

    @Test
    void trainsFromAYamlWithOverridesAndWritesTheRunOutputs() throws Exception {
        Path config = yaml("tiny_full_sft.yaml", "");
        Path out = tmp.resolve("out");
        CliRun.Result r = CliRun.of("train", config.toString(), "max_steps=15", "learning_rate=4e-3");
        System.out.println(r.out());
        assertThat(r.exitCode()).as(r.err()).isZero();

        // progress: log lines (not a terminal) at steps 5, 10, 15 with the overridden step count
        // max_steps decides the epochs: 15 steps of 8 rows over 8 examples
        assertThat(r.out())
                .contains("Training 15 steps (15.0 epochs, 8 examples)")
                .contains("step 5/15 (33%) | loss ")
                .contains("step 10/15 (67%)")
                .contains("step 15/15 (100%)")
                .doesNotContain("\r")
                .contains("saved checkpoint at step 10: " + out.resolve("checkpoint-10"))
                .contains("Training finished after 15 steps in ")
                .contains("***** train metrics *****")
                .contains("  train_loss ")
                .contains("Outputs written to " + out);

        for (String f : new String[] {
            "model.safetensors",
            "config.json",
            "tokenizer.json",
            "tokenizer_config.json",
            "trainer_state.json",
            "train_results.json",
            "all_results.json",
            "README.md",
            "training_args.yaml",
            "training_loss.png",
            "checkpoint-10",
            "checkpoint-15"
        }) {
            assertThat(out.resolve(f)).as(f).exists();
        }
        // transformers saves at the last step too (save_strategy steps), 15 not being a multiple of save_steps 10
        assertThat(r.out()).contains("saved checkpoint at step 15: " + out.resolve("checkpoint-15"));

        // one throughput: the summary line and the metrics table print all_results.json's figure
        ObjectMapper json = new ObjectMapper();
        JsonNode all = json.readTree(out.resolve("all_results.json").toFile());
        double tokensPerSecond = all.get("train_tokens_per_second").asDouble();
        assertThat(tokensPerSecond).isPositive();
        assertThat(r.out())
                .contains(String.format(java.util.Locale.ROOT, " (%,.0f tok/s)%n", tokensPerSecond))
                .contains("  train_tokens_per_second  = "
                        + TrainCommand.format("train_tokens_per_second", tokensPerSecond) + "\n");
        // total_flos: 6 * input_ids elements * non-embedding parameters, the same in the state and results files
        double flos = all.get("total_flos").asDouble();
        assertThat(flos).isPositive();
        assertThat(json.readTree(out.resolve("trainer_state.json").toFile())
                        .get("total_flos")
                        .asDouble())
                .isEqualTo(flos);
        assertThat(json.readTree(out.resolve("train_results.json").toFile())
                        .get("total_flos")
                        .asDouble())
                .isEqualTo(flos);
        // the model card names the base model and the hyperparameters
        String card = Files.readString(out.resolve("README.md"));
        assertThat(card)
                .contains("\nbase_model: " + tmp.resolve("model") + "\n")
                .contains("\nlicense: other\n")
                .contains("The following hyperparameters were used during training:\n- learning_rate: 0.004\n"
                        + "- train_batch_size: 8\n")
                .contains("- lr_scheduler_type: constant\n- training_steps: 15\n")
                .doesNotContain("mixed_precision_training")
                .containsPattern("### Framework versions\n\n- DJL [0-9.]+\n- PyTorch [0-9.]+\n$");
        List<String> log = Files.readAllLines(out.resolve("trainer_log.jsonl"));
        assertThat(log).hasSize(3);
        JsonNode last = json.readTree(log.get(2));
        assertThat(last.get("current_steps").asInt()).isEqualTo(15);
        assertThat(last.get("total_steps").asInt()).isEqualTo(15);
        assertThat(last.get("lr").asDouble()).isEqualTo(4e-3);
        JsonNode first = json.readTree(log.get(0));
        // eight examples overfit at a constant 4e-3: the loss falls
        assertThat(last.get("loss").asDouble()).isLessThan(first.get("loss").asDouble());
        assertThat(Files.readString(out.resolve("training_args.yaml"))).contains("max_steps: 15");
    }

    @Test
    void ctrlCStopsAtAStepBoundaryAndWritesTheOutputs() throws Exception {
        Path config = yaml("long.yaml", "");
        Path out = tmp.resolve("out");
        CliRun run = new CliRun();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> LlamaFactoryCli.run(
                run.context(),
                "train",
                config.toString(),
                "max_steps=100000",
                "logging_steps=1",
                "save_steps=1000000"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!run.out.toString().contains("step 3/100,000") && System.nanoTime() < deadline && !exit.isDone()) {
            Thread.sleep(20);
        }
        assertThat(run.out.toString()).as(run.err.toString()).contains("step 3/100,000");
        run.shutdown.fire();
        assertThat(exit.get(120, TimeUnit.SECONDS))
                .as("a cancelled run exits 1")
                .isEqualTo(1);
        assertThat(run.err.toString()).contains("llamafactory: interrupted: stopping at the next step");
        assertThat(run.out.toString()).containsPattern("Training cancelled after [0-9,]+ steps in ");
        assertThat(out.resolve("model.safetensors")).exists();
        assertThat(out.resolve("train_results.json")).exists();
    }

    @Test
    void unknownKeyExits2WithTheClosestKey() throws Exception {
        Path config = yaml("typo.yaml", "learnig_rate: 1.0e-4\n");
        CliRun.Result r = CliRun.of("train", config.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE_ERROR);
        assertThat(r.err())
                .startsWith("llamafactory: error: ")
                .contains("typo.yaml")
                .contains("learnig_rate")
                .contains("did you mean 'learning_rate'?")
                .doesNotContain("\tat ");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void unknownOverrideKeyExits2WithTheClosestKey() throws Exception {
        Path config = yaml("ok.yaml", "");
        CliRun.Result r = CliRun.of("train", config.toString(), "num_train_epoch=2");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE_ERROR);
        assertThat(r.err()).contains("num_train_epoch").contains("did you mean 'num_train_epochs'?");
    }

    @Test
    void outOfRangeValueExits2NamingTheKey() throws Exception {
        Path config = yaml("bad.yaml", "");
        CliRun.Result r = CliRun.of("train", config.toString(), "learning_rate=-1");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE_ERROR);
        assertThat(r.err()).contains("learning_rate").contains("-1");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "use_galore: true          | use_galore: not supported by LlamaFactory for Java yet (the GaLore optimizer "
                        + "is not implemented yet; use finetuning_type lora, or full/freeze with optim adamw_torch), got true",
                "use_badam: true           | use_badam: not supported by LlamaFactory for Java yet (the BAdam optimizer is "
                        + "not implemented yet; use finetuning_type freeze to train a subset of layers, or lora), got true",
                "quantization_bit: 4       | quantization_bit: not supported by LlamaFactory for Java yet (quantized loading "
                        + "(QLoRA) is not implemented yet; remove quantization_bit to train LoRA on the full-precision "
                        + "model), got 4",
                "quantization_method: hqq  | quantization_method: not supported by LlamaFactory for Java yet (only used with "
                        + "quantization_bit, which is not supported yet), got 'hqq'",
                "double_quantization: false | double_quantization: not supported by LlamaFactory for Java yet (only used "
                        + "with quantization_bit, which is not supported yet), got false",
                "use_apollo: true          | use_apollo: not supported by LlamaFactory for Java (the APOLLO optimizer is not "
                        + "implemented; use optim), got true"
            })
    void aSettingThatIsNotImplementedExits2BeforeLoadingAnything(String line, String message) throws Exception {
        Path config = yaml("unsupported.yaml", line + "\n");
        CliRun.Result r = CliRun.of("train", config.toString());
        System.out.println("llamafactory train with `" + line + "`:\n" + r.err());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.USAGE_ERROR);
        assertThat(r.err())
                .startsWith("llamafactory: error: ")
                .contains("unsupported.yaml line ")
                .contains(message)
                .doesNotContain("\tat ");
        assertThat(r.out()).doesNotContain("Training ");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void aStageNoTrainerSupportsExits2() throws Exception {
        Path config = yaml("dpo.yaml", "");
        CliRun.Result r = CliRun.of("train", config.toString(), "stage=dpo");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.USAGE_ERROR);
        assertThat(r.err())
                .contains("llamafactory: error: no trainer supports stage dpo with finetuning_type full")
                .doesNotContain("\tat ");
    }

    @Test
    void aDatasetTheStageCannotUseExits2() throws Exception {
        Path config = yaml("ranking.yaml", "");
        Path pairs = Files.createDirectories(tmp.resolve("pairs"));
        Files.writeString(
                pairs.resolve("pairs.json"),
                "[{\"instruction\": \"Say hi.\", \"chosen\": \"Hi!\", " + "\"rejected\": \"No.\"}]");
        Files.writeString(
                pairs.resolve("dataset_info.json"),
                "{\"pairs\": {\"file_name\": \"pairs.json\", "
                        + "\"ranking\": true, \"columns\": {\"prompt\": \"instruction\", \"chosen\": \"chosen\", "
                        + "\"rejected\": \"rejected\"}}}");
        CliRun.Result r = CliRun.of("train", config.toString(), "dataset=pairs", "dataset_dir=" + pairs);
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.USAGE_ERROR);
        assertThat(r.err())
                .contains("llamafactory: error: Dataset 'pairs'")
                .contains("does not suit stage sft: a ranking dataset only suits stages rm and dpo")
                .doesNotContain("\tat ");
    }

    @Test
    void missingDatasetIsARuntimeFailureExiting1() throws Exception {
        Path config = yaml("nodata.yaml", "");
        CliRun.Result r = CliRun.of("train", config.toString(), "dataset=absent_dataset");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.RUNTIME_FAILURE);
        assertThat(r.err())
                .contains("llamafactory: error: Unknown dataset 'absent_dataset'")
                .contains("tiny")
                .doesNotContain("\tat ");
    }
}
