package ai.llamafactory.core.train;

import ai.llamafactory.api.FineTune;
import ai.llamafactory.api.config.LrSchedulerType;
import ai.llamafactory.api.run.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

/**
 * The training run used by the resume tests, runnable in-process or as a child JVM that the test kills with
 * SIGKILL: {@code ResumeChild <model> <data> <out> <lossFile>}. Every step's loss is appended to the loss file as
 * {@code step<TAB>exact double bits}.
 */
public final class ResumeChild {
    static final int STEPS = 12;
    static final int SAVE_STEPS = 4;

    private ResumeChild() {}

    /**
     * @param args model folder, dataset folder, output folder, loss file
     */
    public static void main(String[] args) {
        run(Paths.get(args[0]), Paths.get(args[1]), Paths.get(args[2]), Paths.get(args[3]), 0);
    }

    static void run(Path model, Path data, Path out, Path lossFile, int slowStepMillis) {
        FineTune.model(model)
                .full()
                .sft()
                .dataset("tiny")
                .datasetDir(data.toString())
                .template("chatml")
                .cutoffLen(64)
                .batchSize(2)
                .gradientAccumulation(2)
                .learningRate(2e-3)
                .maxSteps(STEPS)
                .scheduler(LrSchedulerType.COSINE)
                .warmupRatio(0.1)
                .seed(7)
                .outputDir(out)
                .training(t ->
                        t.loggingSteps(1).saveSteps(SAVE_STEPS).maxGradNorm(1.0).weightDecay(0.01))
                .listener(TrainingListener.forSteps(e -> {
                    try {
                        Files.writeString(
                                lossFile,
                                e.step() + "\t" + Double.doubleToLongBits(e.loss()) + "\t" + e.tokens() + "\n",
                                StandardCharsets.UTF_8,
                                StandardOpenOption.CREATE,
                                StandardOpenOption.APPEND);
                        if (slowStepMillis > 0) {
                            Thread.sleep(slowStepMillis);
                        }
                    } catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                }))
                .run();
    }
}
