package ai.llamafactory.peft.method;

import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.api.FineTune;
import ai.llamafactory.api.FreezeOptions;
import ai.llamafactory.api.LoraOptions;
import ai.llamafactory.api.config.LrSchedulerType;
import ai.llamafactory.api.run.TrainingListener;
import ai.llamafactory.api.run.TrainingResult;
import ai.llamafactory.core.engine.ComputePolicy;
import ai.llamafactory.core.loader.DjlModelLoader;
import ai.llamafactory.core.model.CausalLm;
import ai.llamafactory.peft.lora.LoraModel;
import ai.llamafactory.testing.TinyRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The core trainer runs LoRA (with DoRA and dropout) and freeze tuning through this module's methods. */
class PeftTrainingEndToEndTest {
    @TempDir
    Path tmp;

    @Test
    void loraSftLearnsAndWritesAPeftAdapterThatLoadsBack() {
        Path model = TinyRun.model("llama", tmp.resolve("model"));
        Path data = TinyRun.dataset(tmp.resolve("data"));
        Path out = tmp.resolve("out");
        List<Double> losses = new ArrayList<>();
        TrainingResult r = FineTune.model(model)
                .lora(LoraOptions.rank(8).dora().dropout(0.05).additionalTarget("lm_head"))
                .sft()
                .dataset("tiny")
                .datasetDir(data.toString())
                .template("chatml")
                .cutoffLen(64)
                .batchSize(8)
                .learningRate(1e-2)
                .maxSteps(20)
                .scheduler(LrSchedulerType.CONSTANT)
                .seed(42)
                .outputDir(out)
                .training(t -> t.loggingSteps(5).saveSteps(1000))
                .listener(TrainingListener.forSteps(e -> losses.add(e.loss())))
                .run();
        System.out.println("LoRA losses: first " + losses.get(0) + ", last " + losses.get(losses.size() - 1));
        assertThat(r.completed()).isTrue();
        assertThat(losses.get(losses.size() - 1)).isLessThan(0.6 * losses.get(0));
        assertThat(out.resolve("adapter_model.safetensors")).exists();
        assertThat(out.resolve("adapter_config.json")).exists();
        assertThat(out.resolve("model.safetensors")).doesNotExist();
        try (CausalLm base = DjlModelLoader.load(model, ComputePolicy.cpu())) {
            LoraModel lora = new LoraModel(base);
            lora.loadAdapter("default", out, false);
            assertThat(lora.adapter("default").config().useDora()).isTrue();
            assertThat(lora.adapter("default").config().rank()).isEqualTo(8);
            assertThat(lora.adapter("default").savedModulePaths()).containsExactly("lm_head");
        }
    }

    @Test
    void pissaConvertWritesTheInitialAndTheConvertedAdapter() {
        Path model = TinyRun.model("llama", tmp.resolve("model"));
        Path data = TinyRun.dataset(tmp.resolve("data"));
        Path out = tmp.resolve("out");
        FineTune.model(model)
                .lora(LoraOptions.rank(4).pissa(4).pissaConvert())
                .sft()
                .dataset("tiny")
                .datasetDir(data.toString())
                .template("chatml")
                .cutoffLen(64)
                .batchSize(8)
                .learningRate(1e-2)
                .maxSteps(3)
                .scheduler(LrSchedulerType.CONSTANT)
                .seed(42)
                .outputDir(out)
                .training(t -> t.loggingSteps(1).saveSteps(1000))
                .run();
        assertThat(out.resolve("pissa_init/adapter_model.safetensors")).exists();
        assertThat(out.resolve("pissa_converted/adapter_config.json")).content().contains("\"r\": 8");
        assertThat(out.resolve("adapter_model.safetensors")).exists();
    }

    @Test
    void freezeSftTrainsTheLastLayer() {
        Path model = TinyRun.model("llama", tmp.resolve("model"));
        Path data = TinyRun.dataset(tmp.resolve("data"));
        Path out = tmp.resolve("out");
        List<Double> losses = new ArrayList<>();
        TrainingResult r = FineTune.model(model)
                .freeze(FreezeOptions.layers(1))
                .sft()
                .dataset("tiny")
                .datasetDir(data.toString())
                .template("chatml")
                .cutoffLen(64)
                .batchSize(8)
                .learningRate(5e-3)
                .maxSteps(20)
                .scheduler(LrSchedulerType.CONSTANT)
                .seed(42)
                .outputDir(out)
                .training(t -> t.loggingSteps(5).saveSteps(1000))
                .listener(TrainingListener.forSteps(e -> losses.add(e.loss())))
                .run();
        assertThat(r.completed()).isTrue();
        assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0));
        assertThat(out.resolve("model.safetensors")).exists();
    }
}
