package ai.llamafactory.cli;

import ai.llamafactory.api.run.EvaluationEvent;
import ai.llamafactory.api.run.LogEvent;
import ai.llamafactory.api.run.SaveEvent;
import ai.llamafactory.api.run.StepEvent;
import ai.llamafactory.api.run.TrainBeginEvent;
import ai.llamafactory.api.run.TrainingListener;
import ai.llamafactory.api.run.TrainingResult;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Shows a training's progress on the console: step/total, percentage, loss, learning rate, tokens per second,
 * elapsed time and the estimated time left.
 *
 * <ul>
 *   <li>{@link Mode#TERMINAL}: a bar redrawn in place after every optimizer step (carriage return, no escape codes),
 *       with the logged metrics, evaluations and checkpoints printed as lines above it;</li>
 *   <li>{@link Mode#LOG_LINES}: no bar, one plain line every {@code logging_steps} (and for each evaluation and
 *       checkpoint), for CI logs and files.</li>
 * </ul>
 *
 * <p>Throughput and ETA count from the first step this process trained, so a resumed run estimates from its own speed.
 * Throughput is the non-padding tokens trained ({@link StepEvent#tokens()}, summed) over the wall time: the definition
 * of {@code train_tokens_per_second} in {@code all_results.json}, whose value the final line prints when the result
 * carries it.
 * The clock is injected (nanoseconds, monotonic) so rendering is testable. Listener methods run on the training
 * thread; the instance is thread-safe.
 */
public final class TrainingProgressBar implements TrainingListener {
    /** How progress is drawn. */
    public enum Mode {
        /** An interactive terminal: a bar redrawn in place. */
        TERMINAL,
        /** A log file or a CI console: one plain line per logging step. */
        LOG_LINES
    }

    private static final int BAR_WIDTH = 24;

    private final PrintWriter out;
    private final Mode mode;
    private final LongSupplier nanoClock;

    private long startNanos = -1;
    private long firstStep = -1;
    private long maxSteps;
    private long step;
    private double loss = Double.NaN;
    private double learningRate = Double.NaN;
    private long tokens;
    private int drawnWidth;

    /**
     * @param out where to draw
     * @param mode a redrawn bar or log lines
     * @param nanoClock a monotonic clock in nanoseconds, e.g. {@code System::nanoTime}
     */
    public TrainingProgressBar(PrintWriter out, Mode mode, LongSupplier nanoClock) {
        this.out = Objects.requireNonNull(out, "out");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** @return how this bar draws */
    public Mode mode() {
        return mode;
    }

    @Override
    public synchronized void onTrainBegin(TrainBeginEvent event) {
        maxSteps = event.maxSteps();
        startNanos = nanoClock.getAsLong();
        String examples = event.trainExamples() < 0 ? "streamed examples" : group(event.trainExamples()) + " examples";
        double percent =
                event.totalParameters() > 0 ? 100.0 * event.trainableParameters() / event.totalParameters() : 0;
        printLine(String.format(
                Locale.ROOT,
                "Training %s steps (%s epochs, %s); trainable params: %s || all params:"
                        + " %s || trainable%%: %.4f; output: %s",
                group(maxSteps),
                trim(event.epochs()),
                examples,
                group(event.trainableParameters()),
                group(event.totalParameters()),
                percent,
                event.outputDir()));
    }

    @Override
    public synchronized void onStep(StepEvent event) {
        long now = nanoClock.getAsLong();
        if (startNanos < 0) {
            startNanos = now;
        }
        if (firstStep < 0) {
            firstStep = event.step() - 1;
        }
        step = event.step();
        maxSteps = event.maxSteps();
        loss = event.loss();
        learningRate = event.learningRate();
        tokens += Math.max(0, event.tokens());
        if (mode == Mode.TERMINAL) {
            draw(now);
        }
    }

    @Override
    public synchronized void onLog(LogEvent event) {
        long now = nanoClock.getAsLong();
        Map<String, Double> m = event.metrics();
        double loggedLoss = m.getOrDefault("loss", loss);
        double loggedLr = m.getOrDefault("learning_rate", learningRate);
        StringBuilder line = new StringBuilder(String.format(
                Locale.ROOT,
                "step %s/%s (%s) | loss %s | lr %s",
                group(event.step()),
                group(maxSteps),
                percent(event.step()),
                number(loggedLoss),
                rate(loggedLr)));
        Double gradNorm = m.get("grad_norm");
        if (gradNorm != null && Double.isFinite(gradNorm)) {
            line.append(" | grad_norm ").append(number(gradNorm));
        }
        Double epoch = m.get("epoch");
        if (epoch != null) {
            line.append(" | epoch ").append(String.format(Locale.ROOT, "%.2f", epoch));
        }
        line.append(" | ")
                .append(throughput(now))
                .append(" | elapsed ")
                .append(duration(elapsed(now)))
                .append(" | eta ")
                .append(eta(now));
        printLine(line.toString());
    }

    @Override
    public synchronized void onEvaluate(EvaluationEvent event) {
        StringBuilder line =
                new StringBuilder("eval at step ").append(group(event.step())).append(':');
        String sep = " ";
        for (Map.Entry<String, Double> e : event.metrics().entrySet()) {
            line.append(sep).append(e.getKey()).append(' ').append(number(e.getValue()));
            sep = ", ";
        }
        printLine(line.toString());
    }

    @Override
    public synchronized void onSave(SaveEvent event) {
        printLine("saved checkpoint at step " + group(event.step()) + ": " + event.checkpointDir());
    }

    @Override
    public synchronized void onTrainEnd(TrainingResult result) {
        long now = nanoClock.getAsLong();
        if (mode == Mode.TERMINAL && drawnWidth > 0) {
            draw(now);
            out.println();
            drawnWidth = 0;
        }
        String how =
                switch (result.stopReason()) {
                    case COMPLETED -> "finished";
                    case CANCELLED -> "cancelled";
                    case EARLY_STOPPED -> "stopped early";
                };
        // the figures of train_results.json / all_results.json when the trainer reports them, so both agree
        Double runtime = result.metrics().get("train_runtime");
        Double rate = result.metrics().get("train_tokens_per_second");
        String time = runtime != null ? duration((long) (runtime * 1e9)) : duration(elapsed(now));
        String speed = rate != null ? tokensPerSecond(rate) : throughput(now);
        out.println(String.format(
                Locale.ROOT, "Training %s after %s steps in %s (%s)", how, group(result.globalSteps()), time, speed));
        out.flush();
    }

    /** Prints a line above the bar: the bar is cleared, the line printed, the bar drawn again below it. */
    private void printLine(String line) {
        if (mode == Mode.TERMINAL && drawnWidth > 0) {
            out.print('\r');
            out.print(pad(line, drawnWidth));
            out.println();
            drawnWidth = 0;
            draw(nanoClock.getAsLong());
        } else {
            out.println(line);
            out.flush();
        }
    }

    private void draw(long now) {
        if (step <= 0) {
            return;
        }
        String text = String.format(
                Locale.ROOT,
                "%s %s/%s %s | loss %s | lr %s | %s | %s<%s",
                bar(),
                group(step),
                group(maxSteps),
                percent(step),
                number(loss),
                rate(learningRate),
                throughput(now),
                duration(elapsed(now)),
                eta(now));
        out.print('\r');
        out.print(pad(text, drawnWidth));
        out.flush();
        drawnWidth = text.length();
    }

    private String bar() {
        int filled = maxSteps <= 0 ? 0 : (int) Math.min(BAR_WIDTH, BAR_WIDTH * step / maxSteps);
        StringBuilder b = new StringBuilder(BAR_WIDTH + 2).append('[');
        for (int i = 0; i < BAR_WIDTH; i++) {
            b.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        return b.append(']').toString();
    }

    private String percent(long atStep) {
        if (maxSteps <= 0) {
            return "?%";
        }
        return String.format(Locale.ROOT, "%.0f%%", 100.0 * atStep / maxSteps);
    }

    private long elapsed(long now) {
        return startNanos < 0 ? 0 : Math.max(0, now - startNanos);
    }

    private String throughput(long now) {
        double seconds = elapsed(now) / 1e9;
        if (seconds <= 0 || tokens == 0) {
            return "? tok/s";
        }
        return tokensPerSecond(tokens / seconds);
    }

    private static String tokensPerSecond(double rate) {
        return String.format(Locale.ROOT, "%,.0f tok/s", rate);
    }

    private String eta(long now) {
        long done = step - Math.max(firstStep, 0);
        if (done <= 0 || maxSteps <= 0) {
            return "?";
        }
        long remaining = Math.max(0, maxSteps - step);
        return duration((long) ((double) elapsed(now) / done * remaining));
    }

    /**
     * @param nanos a duration in nanoseconds
     * @return {@code MM:SS}, or {@code H:MM:SS} from one hour on
     */
    static String duration(long nanos) {
        long s = TimeUnit.NANOSECONDS.toSeconds(nanos);
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        return h > 0
                ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%02d:%02d", m, sec);
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "nan" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String rate(double v) {
        return Double.isNaN(v) ? "nan" : String.format(Locale.ROOT, "%.2e", v);
    }

    private static String group(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String pad(String text, int width) {
        if (text.length() >= width) {
            return text;
        }
        return text + " ".repeat(width - text.length());
    }
}
