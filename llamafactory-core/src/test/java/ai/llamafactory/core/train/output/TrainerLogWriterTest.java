package ai.llamafactory.core.train.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Expected lines are LLaMA-Factory's {@code LogCallback.on_log} output for the same values, produced in Python. */
class TrainerLogWriterTest {
    @TempDir
    Path temp;

    private static long seconds(double s) {
        return (long) (s * 1e9);
    }

    @Test
    void linesMatchLlamaFactory() throws IOException {
        AtomicLong clock = new AtomicLong(seconds(1000)); // arbitrary origin of the monotonic clock
        try (TrainerLogWriter log = TrainerLogWriter.open(temp, 6, 0, 0, clock::get)) {
            clock.addAndGet(seconds(83.7));
            log.append(LogEntry.training(2, 1.0, 2.3457, 1.5, 5e-05), 1000);
            clock.set(seconds(1000 + 90000.0));
            log.append(LogEntry.of(ResultsWriter.evalMetrics(2.1, 0.25, 1.0, 4, 2), 1.5, 3), 1500);
            clock.set(seconds(1000 + 90001.0));
            LogEntry end =
                    LogEntry.builder().put("train_runtime", 1.0).epoch(3.0).step(6);
            log.append(end, 0);
        }
        assertThat(Files.readAllLines(temp.resolve(TrainerLogWriter.FILE_NAME)))
                .containsExactly(
                        "{\"current_steps\": 2, \"total_steps\": 6, \"loss\": 2.3457, \"lr\": 5e-05, \"epoch\": 1.0, "
                                + "\"percentage\": 33.33, \"elapsed_time\": \"0:01:23\", \"remaining_time\": \"0:02:47\", "
                                + "\"throughput\": 11.95, \"total_tokens\": 1000}",
                        "{\"current_steps\": 3, \"total_steps\": 6, \"eval_loss\": 2.1, \"epoch\": 1.5, \"percentage\": 50.0, "
                                + "\"elapsed_time\": \"1 day, 1:00:00\", \"remaining_time\": \"1 day, 1:00:00\", "
                                + "\"throughput\": 0.02, \"total_tokens\": 1500}",
                        "{\"current_steps\": 6, \"total_steps\": 6, \"epoch\": 3.0, \"percentage\": 100.0, "
                                + "\"elapsed_time\": \"1 day, 1:00:01\", \"remaining_time\": \"0:00:00\"}");
    }

    @Test
    void timedeltaIsPythonStr() {
        assertThat(TrainerLogWriter.timedelta(0)).isEqualTo("0:00:00");
        assertThat(TrainerLogWriter.timedelta(59.99)).isEqualTo("0:00:59");
        assertThat(TrainerLogWriter.timedelta(83)).isEqualTo("0:01:23");
        assertThat(TrainerLogWriter.timedelta(3600)).isEqualTo("1:00:00");
        assertThat(TrainerLogWriter.timedelta(86399)).isEqualTo("23:59:59");
        assertThat(TrainerLogWriter.timedelta(86400)).isEqualTo("1 day, 0:00:00");
        assertThat(TrainerLogWriter.timedelta(2 * 86400 + 3723.9)).isEqualTo("2 days, 1:02:03");
    }

    @Test
    void freshRunStartsAnEmptyFileAndResumeDropsLinesAfterTheCheckpoint() throws IOException {
        Path file = temp.resolve(TrainerLogWriter.FILE_NAME);
        AtomicLong clock = new AtomicLong();
        try (TrainerLogWriter log = TrainerLogWriter.open(temp, 10, 0, 0, clock::get)) {
            for (int step = 1; step <= 7; step++) {
                clock.addAndGet(seconds(1));
                log.append(LogEntry.training(step, step / 10.0, 1.0 / step, null, 1e-4), 0);
            }
        }
        Files.writeString(file, Files.readString(file) + "{\"current_steps\": 8, \"tot"); // torn by a crash
        try (TrainerLogWriter log = TrainerLogWriter.open(temp, 10, 5, 0, clock::get)) {
            clock.addAndGet(seconds(2));
            log.append(LogEntry.training(6, 0.6, 0.1, null, 1e-4), 0);
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(6);
        assertThat(lines.get(4)).startsWith("{\"current_steps\": 5,");
        // After a resume at step 5, one step in 2 s: 4 steps left take 8 s.
        assertThat(lines.get(5))
                .startsWith("{\"current_steps\": 6,")
                .contains("\"elapsed_time\": \"0:00:02\", \"remaining_time\": \"0:00:08\"");

        try (TrainerLogWriter log = TrainerLogWriter.open(temp, 10, 0, 0, clock::get)) {
            assertThat(Files.readString(log.file())).isEmpty();
        }
    }
}
