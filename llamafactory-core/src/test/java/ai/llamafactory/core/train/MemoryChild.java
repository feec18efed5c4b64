package ai.llamafactory.core.train;

import ai.llamafactory.api.FineTune;
import ai.llamafactory.api.run.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

/**
 * The 1,000-step run of the memory test, in its own JVM: {@code MemoryChild <model> <data> <out> <samples>}. Every
 * 100 steps it appends {@code step<TAB>live arrays<TAB>RSS KiB}.
 */
public final class MemoryChild {
    private MemoryChild() {}

    /**
     * @param args model folder, dataset folder, output folder, samples file
     */
    public static void main(String[] args) {
        Path samples = Paths.get(args[3]);
        FineTune.model(Paths.get(args[0]))
                .full()
                .sft()
                .dataset("tiny")
                .datasetDir(args[1])
                .template("chatml")
                .cutoffLen(64)
                .batchSize(2)
                .learningRate(1e-4)
                .maxSteps(1000)
                .outputDir(Paths.get(args[2]))
                .training(t -> t.loggingSteps(100).saveSteps(400).saveTotalLimit(1))
                .listener(TrainingListener.forSteps(e -> {
                    if (e.step() % 100 == 0) {
                        try {
                            Files.writeString(
                                    samples,
                                    e.step() + "\t" + TrainerSafetyTest.liveArraysNow() + "\t"
                                            + TrainerSafetyTest.rssNow() + "\n",
                                    StandardCharsets.UTF_8,
                                    StandardOpenOption.CREATE,
                                    StandardOpenOption.APPEND);
                        } catch (IOException ex) {
                            throw new UncheckedIOException(ex);
                        }
                    }
                }))
                .run();
    }
}
