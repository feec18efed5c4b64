package ai.llamafactory.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.api.FineTune;
import ai.llamafactory.api.config.LrSchedulerType;
import ai.llamafactory.api.run.TrainingResult;
import ai.llamafactory.testing.TinyRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end SFT runs of the trainer on a conformance model with the byte-level tokenizer. */
class CausalLmTrainerTest {
    @TempDir
    Path tmp;

    @Test
    void fullSftOverfitsEightExamplesAndWritesOutputs() throws Exception {
        Path model = TinyRun.model("qwen3", tmp.resolve("model"));
        Path data = TinyRun.dataset(tmp.resolve("data"));
        Path out = tmp.resolve("out");
        List<Double> losses = new ArrayList<>();
        TrainingResult r = FineTune.model(model)
                .full()
                .sft()
                .dataset("tiny")
                .datasetDir(data.toString())
                .template("chatml")
                .cutoffLen(64)
                .batchSize(8)
                .learningRate(5e-3)
                .maxSteps(80)
                .scheduler(LrSchedulerType.CONSTANT)
                .seed(42)
                .outputDir(out)
                .training(t -> t.loggingSteps(10).saveSteps(1000))
                .listener(ai.llamafactory.api.run.TrainingListener.forSteps(e -> losses.add(e.loss())))
                .run();
        System.out.println("losses: first " + losses.get(0) + ", last " + losses.get(losses.size() - 1));
        assertThat(r.completed()).isTrue();
        assertThat(r.globalSteps()).isEqualTo(80);
        assertThat(losses.get(losses.size() - 1)).isLessThan(0.05);
        for (String f : new String[] {
            "model.safetensors",
            "config.json",
            "tokenizer.json",
            "tokenizer_config.json",
            "trainer_log.jsonl",
            "trainer_state.json",
            "train_results.json",
            "all_results.json",
            "README.md",
            "training_args.yaml"
        }) {
            assertThat(out.resolve(f)).as(f).exists();
        }
        assertThat(Files.readString(out.resolve("tokenizer_config.json"))).contains("chat_template");
        assertThat(Files.readAllLines(out.resolve("trainer_log.jsonl"))).hasSize(8);
    }
}
