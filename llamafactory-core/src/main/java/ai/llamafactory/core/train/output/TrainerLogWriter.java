package ai.llamafactory.core.train.output;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.data.json.PythonFloats;
import ai.llamafactory.data.json.PythonJson;
import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Appends {@code trainer_log.jsonl} in {@code output_dir} as LLaMA-Factory's {@code LogCallback.on_log} does: one
 * {@code json.dumps} line per logged entry with, in this order and leaving out absent values, {@code current_steps,
 * total_steps, loss, eval_loss, predict_loss, reward, accuracy, lr, epoch, percentage, elapsed_time, remaining_time},
 * then {@code throughput} and {@code total_tokens} once tokens are counted. The times are Python
 * {@code str(timedelta)}: {@code 0:01:23}, {@code 1 day, 2:03:04}.
 *
 * <p>Two deliberate differences from LLaMA-Factory, both about resumed runs: the remaining time is estimated from
 * the steps done since this writer started (LLaMA-Factory divides the time since the resume by all steps, including
 * those done before it), and {@code throughput} is tokens per second since this writer started. On resume the lines
 * of the interrupted run after the resumed step are dropped ({@link #open}), so the file describes the run the
 * checkpoint continues.
 */
public final class TrainerLogWriter implements Closeable {
    /** File name of the log in {@code output_dir}. */
    public static final String FILE_NAME = "trainer_log.jsonl";

    private final Path file;
    private final int totalSteps;
    private final int startStep;
    private final long startTokens;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private final Writer writer;

    private TrainerLogWriter(Path file, int totalSteps, int startStep, long startTokens, LongSupplier nanoClock)
            throws IOException {
        this.file = file;
        this.totalSteps = totalSteps;
        this.startStep = startStep;
        this.startTokens = startTokens;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.writer = Files.newBufferedWriter(
                file,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
    }

    /**
     * Opens the log for a run. A fresh run ({@code startStep == 0}) starts an empty file; a resumed run keeps the lines
     * up to {@code startStep} and drops later ones (they belong to the interrupted attempt).
     *
     * @param outputDir the run's {@code output_dir} (created if missing)
     * @param totalSteps {@code max_steps}
     * @param startStep the global step the run starts from (0, or the resumed checkpoint's step)
     * @param startTokens {@code num_input_tokens_seen} at the start (0, or the checkpoint's)
     * @return the writer
     * @throws CheckpointException naming the file if it cannot be prepared
     */
    public static TrainerLogWriter open(Path outputDir, int totalSteps, int startStep, long startTokens) {
        return open(outputDir, totalSteps, startStep, startTokens, System::nanoTime);
    }

    /**
     * {@link #open(Path, int, int, long)} with a clock, for tests.
     *
     * @param outputDir the run's {@code output_dir}
     * @param totalSteps {@code max_steps}
     * @param startStep the global step the run starts from
     * @param startTokens tokens seen at the start
     * @param nanoClock monotonic nanoseconds
     * @return the writer
     */
    public static TrainerLogWriter open(
            Path outputDir, int totalSteps, int startStep, long startTokens, LongSupplier nanoClock) {
        if (totalSteps < 0 || startStep < 0 || startTokens < 0) {
            throw new IllegalArgumentException("total steps, start step and start tokens must be >= 0, got "
                    + totalSteps + ", " + startStep + ", " + startTokens);
        }
        Path file = outputDir.resolve(FILE_NAME);
        try {
            Files.createDirectories(outputDir);
            if (startStep == 0) {
                Files.deleteIfExists(file);
            } else if (Files.exists(file)) {
                keepLinesUpTo(file, startStep);
            }
            return new TrainerLogWriter(file, totalSteps, startStep, startTokens, Objects.requireNonNull(nanoClock));
        } catch (IOException e) {
            throw new CheckpointException("cannot open trainer log " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The LLaMA-Factory line for a log entry, without writing it.
     *
     * @param entry the entry just appended to {@code log_history}
     * @param numInputTokensSeen {@code num_input_tokens_seen} now (0 when tokens are not counted)
     * @return the fields in LLaMA-Factory's order
     */
    public Map<String, Object> line(LogEntry entry, long numInputTokensSeen) {
        int current = entry.step();
        double elapsed = (nanoClock.getAsLong() - startNanos) / 1e9;
        int stepsThisRun = current - startStep;
        double remaining = stepsThisRun > 0 ? (totalSteps - current) * (elapsed / stepsThisRun) : 0.0;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("current_steps", current);
        m.put("total_steps", totalSteps);
        copy(entry, "loss", m, "loss");
        copy(entry, "eval_loss", m, "eval_loss");
        copy(entry, "predict_loss", m, "predict_loss");
        copy(entry, "reward", m, "reward");
        copy(entry, "rewards/accuracies", m, "accuracy");
        copy(entry, "learning_rate", m, "lr");
        copy(entry, "epoch", m, "epoch");
        m.put(
                "percentage",
                totalSteps != 0 ? (Object) PythonFloats.round((double) current / totalSteps * 100, 2) : 100);
        m.put("elapsed_time", timedelta(elapsed));
        m.put("remaining_time", timedelta(Math.max(0.0, remaining)));
        if (numInputTokensSeen > 0) {
            long tokensThisRun = numInputTokensSeen - startTokens;
            m.put("throughput", PythonFloats.round(elapsed > 0 ? tokensThisRun / elapsed : 0.0, 2));
            m.put("total_tokens", numInputTokensSeen);
        }
        return m;
    }

    /**
     * Appends the line for a log entry and flushes it.
     *
     * @param entry the entry just appended to {@code log_history}
     * @param numInputTokensSeen {@code num_input_tokens_seen} now (0 when tokens are not counted)
     * @return the fields written
     * @throws CheckpointException naming the file if the line cannot be written
     */
    public Map<String, Object> append(LogEntry entry, long numInputTokensSeen) {
        Map<String, Object> m = line(entry, numInputTokensSeen);
        try {
            writer.write(PythonJson.DEFAULTS.dumps(m));
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            throw new CheckpointException("cannot append to trainer log " + file + ": " + e.getMessage(), e);
        }
        return m;
    }

    /**
     * The log file.
     *
     * @return {@code <output_dir>/trainer_log.jsonl}
     */
    public Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new CheckpointException("cannot close trainer log " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Python's {@code str(timedelta(seconds=int(seconds)))}.
     *
     * @param seconds a duration, at least 0
     * @return {@code H:MM:SS}, or {@code N day(s), H:MM:SS} from one day on
     */
    public static String timedelta(double seconds) {
        long total = (long) seconds; // int() truncates toward zero
        long days = total / 86_400;
        long rest = total % 86_400;
        String clock = String.format(Locale.ROOT, "%d:%02d:%02d", rest / 3600, (rest % 3600) / 60, rest % 60);
        if (days == 0) {
            return clock;
        }
        return days + (days == 1 ? " day, " : " days, ") + clock;
    }

    private static void copy(LogEntry entry, String from, Map<String, Object> to, String as) {
        entry.get(from).ifPresent(v -> to.put(as, v));
    }

    private static void keepLinesUpTo(Path file, int step) throws IOException {
        List<String> kept = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            Object parsed;
            try {
                parsed = PythonJson.parse(line);
            } catch (IllegalArgumentException e) {
                continue; // a line torn by the crash that interrupted the previous attempt
            }
            if (parsed instanceof Map<?, ?> m && m.get("current_steps") instanceof Number n && n.longValue() <= step) {
                kept.add(line);
            }
        }
        DurableFiles.writeAtomically(file, kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
    }
}
