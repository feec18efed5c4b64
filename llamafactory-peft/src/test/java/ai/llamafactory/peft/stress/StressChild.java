package ai.llamafactory.peft.stress;

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
 * One training run of the native-memory stress harness, run as a child JVM that the harness may kill at any moment:
 * {@code StressChild <stage pt|sft> <method full|lora> <model> <data> <output_dir> <step file>}. Every optimizer step
 * appends {@code step<TAB>loss bits<TAB>grad-norm bits} to the step file. With {@code -Dstress.gc_storm_millis=N} a
 * daemon thread also calls {@code System.gc()} every N ms, so that the collector runs at arbitrary points of a step
 * (also with library versions that lack the {@code llamafactory.debug.native_memory} switch).
 */
public final class StressChild {
    /** Optimizer steps of every run. */
    static final int STEPS = 8;
    /** Checkpoint interval. */
    static final int SAVE_STEPS = 2;

    private StressChild() {}

    /**
     * @param args stage, method, model folder, dataset folder, output folder, step file
     */
    public static void main(String[] args) {
        long stormMillis = Long.getLong("stress.gc_storm_millis", 0);
        if (stormMillis > 0) {
            Thread storm = new Thread(
                    () -> {
                        while (true) {
                            System.gc();
                            try {
                                Thread.sleep(stormMillis);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    },
                    "gc-storm");
            storm.setDaemon(true);
            storm.start();
        }
        run(args[0], args[1], Paths.get(args[2]), Paths.get(args[3]), Paths.get(args[4]), Paths.get(args[5]));
    }

    static void run(String stage, String method, Path model, Path data, Path out, Path stepFile) {
        FineTune f = FineTune.model(model);
        f = method.equals("lora") ? f.lora(4).method(m -> m.loraTarget("all")) : f.full();
        f = stage.equals("pt") ? f.pt().dataset("tiny_text") : f.sft().dataset("tiny");
        f.datasetDir(data.toString())
                .template("chatml")
                .cutoffLen(48)
                .batchSize(2)
                .gradientAccumulation(2)
                .learningRate(method.equals("lora") ? 1e-2 : 2e-3)
                .maxSteps(STEPS)
                .scheduler(LrSchedulerType.COSINE)
                .warmupRatio(0.1)
                .seed(11)
                .outputDir(out)
                .training(t ->
                        t.loggingSteps(3).saveSteps(SAVE_STEPS).maxGradNorm(1.0).weightDecay(0.01))
                .listener(TrainingListener.forSteps(e -> {
                    try {
                        Files.writeString(
                                stepFile,
                                e.step() + "\t" + Double.doubleToLongBits(e.loss()) + "\t"
                                        + Double.doubleToLongBits(e.gradNorm()) + "\n",
                                StandardCharsets.UTF_8,
                                StandardOpenOption.CREATE,
                                StandardOpenOption.APPEND);
                    } catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    }
                }))
                .run();
    }
}
