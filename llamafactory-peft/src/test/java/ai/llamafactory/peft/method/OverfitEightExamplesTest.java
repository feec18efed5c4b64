package ai.llamafactory.peft.method;

import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.api.FineTune;
import ai.llamafactory.api.config.LrSchedulerType;
import ai.llamafactory.api.run.TrainingListener;
import ai.llamafactory.testing.TinyRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SFT on a conformance model overfits eight examples to a training loss below 0.05 with LoRA and with freeze. */
class OverfitEightExamplesTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"lora", "freeze"})
    void overfits(String method) {
        Path model = TinyRun.model("llama", tmp.resolve("model"));
        Path data = TinyRun.dataset(tmp.resolve("data"));
        List<Double> losses = new ArrayList<>();
        FineTune run = FineTune.model(model);
        // The conformance models are random: their frozen output projection gives near-uniform logits (loss ~ln 512)
        // that the layers alone cannot sharpen, so lm_head adapts too: LoRA on lm_head besides every linear layer
        // (untied llama), or lm_head as a freeze extra module.
        run = method.equals("lora")
                ? run.lora(16).method(m -> m.loraAlpha(32)
                        .loraTarget("q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj,lm_head"))
                : run.freeze(2).method(m -> m.freezeExtraModules("lm_head"));
        run.sft()
                .dataset("tiny")
                .datasetDir(data.toString())
                .template("chatml")
                .cutoffLen(64)
                .batchSize(8)
                .learningRate(5e-3)
                .maxSteps(method.equals("lora") ? 200 : 120)
                .scheduler(LrSchedulerType.CONSTANT)
                .seed(42)
                .outputDir(tmp.resolve("out"))
                .training(t -> t.loggingSteps(20).saveSteps(1000))
                .listener(TrainingListener.forSteps(e -> losses.add(e.loss())))
                .run();
        System.out.printf(
                "%s: %d steps, loss %.4f -> %.4f%n",
                method, losses.size(), losses.get(0), losses.get(losses.size() - 1));
        assertThat(losses.get(losses.size() - 1)).isLessThan(0.05);
    }
}
