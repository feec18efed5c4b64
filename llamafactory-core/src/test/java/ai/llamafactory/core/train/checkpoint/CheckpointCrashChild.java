package ai.llamafactory.core.train.checkpoint;

import ai.llamafactory.core.train.output.LogEntry;
import ai.llamafactory.core.train.output.TrainerState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Random;

/**
 * Child process of {@link CheckpointCrashTest}: writes {@code checkpoint-<step>} into a folder and, at the requested
 * phase, creates a signal file and waits to be killed (the parent sends SIGKILL).
 *
 * <p>Arguments: {@code <output_dir> <step> <pause: none|content|renamed> <signal file>}.
 */
public final class CheckpointCrashChild {
    private CheckpointCrashChild() {}

    /**
     * Entry point.
     *
     * @param args output_dir, step, pause phase, signal file
     * @throws Exception on failure (exit code 1)
     */
    public static void main(String[] args) throws Exception {
        Path outputDir = Paths.get(args[0]);
        int step = Integer.parseInt(args[1]);
        String pause = args[2];
        Path signal = Paths.get(args[3]);
        CheckpointWriteListener listener = new CheckpointWriteListener() {
            @Override
            public void renamed(Path folder) {
                if (pause.equals("renamed")) {
                    waitForKill(signal);
                }
            }
        };
        new CheckpointWriter(outputDir, CheckpointCrashTest.FINGERPRINT, listener).write(step, files -> {
            writeContent(files, step);
            if (pause.equals("content")) {
                waitForKill(signal);
            }
        });
    }

    /**
     * What every checkpoint of these tests holds: 256 KiB of "weights", the trainer state and the position.
     *
     * @param files the folder being written
     * @param step the step
     * @throws IOException on failure
     */
    static void writeContent(CheckpointFiles files, int step) throws IOException {
        byte[] weights = new byte[256 * 1024];
        new Random(step).nextBytes(weights);
        files.writeBytes("adapter_model.safetensors", weights);
        files.writeTrainerState(TrainerState.builder()
                .globalStep(step)
                .maxSteps(100)
                .addLog(LogEntry.training(step, step / 100.0, 1.0, null, 1e-4))
                .build());
        files.writeTrainingPosition(new TrainingPosition(step, 0, step * 4L, step * 8L, step * 100L, 42));
    }

    private static void waitForKill(Path signal) {
        try {
            Files.writeString(signal, "ready");
            Thread.sleep(120_000); // the parent kills us long before; the timeout bounds a forgotten child
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
        System.exit(3);
    }
}
