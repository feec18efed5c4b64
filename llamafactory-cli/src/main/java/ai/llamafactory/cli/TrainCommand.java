package ai.llamafactory.cli;

import ai.llamafactory.api.FineTune;
import ai.llamafactory.api.TrainingHandle;
import ai.llamafactory.api.config.FineTuneConfig;
import ai.llamafactory.api.run.TrainingResult;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * {@code llamafactory train <config> [key=value...]}: trains as the configuration says, drawing a
 * {@link TrainingProgressBar}, then prints the final metrics as transformers' {@code log_metrics} does. Ctrl-C stops
 * the run at the next step boundary and lets the trainer write its outputs before the process exits.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train a model from a LLaMA-Factory configuration (stage pt or sft; rm, dpo, kto and ppo with "
                + "llamafactory-rlhf).",
        footer = {"", "Example:", "  llamafactory train examples/train_lora/qwen3_lora_sft.yaml learning_rate=5e-5"})
final class TrainCommand implements Callable<Integer> {
    /** How long Ctrl-C waits for the trainer to stop at a step boundary and write its outputs. */
    static final Duration STOP_GRACE = Duration.ofMinutes(5);

    @ParentCommand
    private LlamaFactoryCli root;

    @Mixin
    private ConfigArguments arguments;

    @Override
    public Integer call() throws InterruptedException {
        CliContext ctx = root.context();
        FineTuneConfig config = arguments.load();
        TrainingProgressBar bar = new TrainingProgressBar(
                ctx.out(),
                ctx.terminal() ? TrainingProgressBar.Mode.TERMINAL : TrainingProgressBar.Mode.LOG_LINES,
                ctx.nanoClock());
        TrainingHandle handle = FineTune.from(config).listener(bar).start();
        TrainingResult result;
        // Ctrl-C asks the run to stop without shutting the JVM down, so the outputs (loss plot included) are written
        // as after a finished run and the command exits with its own code.
        try (ShutdownHooks.Registration hook =
                ctx.shutdownHooks().onInterrupt("llamafactory-train-interrupt", () -> stop(handle, ctx.err()))) {
            result = handle.await();
        }
        printMetrics(ctx.out(), result.metrics());
        ctx.out().println("Outputs written to " + result.outputDir());
        ctx.out().flush();
        return result.stopReason() == TrainingResult.StopReason.CANCELLED
                ? ExitCodes.RUNTIME_FAILURE
                : ExitCodes.SUCCESS;
    }

    private static void stop(TrainingHandle handle, PrintWriter err) {
        if (handle.isDone()) {
            return;
        }
        err.println();
        err.println("llamafactory: interrupted: stopping at the next step and writing the outputs (up to "
                + STOP_GRACE.toMinutes() + " min); interrupt again to quit at once");
        err.flush();
        handle.cancel();
        try {
            handle.await(STOP_GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException failure) {
            err.println("llamafactory: error while stopping: " + failure.getMessage());
            err.flush();
        }
    }

    /** Prints metrics as transformers' {@code Trainer.log_metrics}: a header, then sorted {@code key = value} rows. */
    static void printMetrics(PrintWriter out, Map<String, Double> metrics) {
        if (metrics.isEmpty()) {
            return;
        }
        out.println("***** train metrics *****");
        int width = metrics.keySet().stream().mapToInt(String::length).max().orElse(0);
        metrics.keySet().stream()
                .sorted()
                .forEach(k -> out.println(
                        String.format(Locale.ROOT, "  %-" + width + "s = %s", k, format(k, metrics.get(k)))));
    }

    /** @return whether a metric counts something (an int in Python): total_tokens, total_flos ... */
    private static boolean isCount(String key) {
        return key.startsWith("total_")
                || key.endsWith("_tokens")
                || key.endsWith("_tokens_seen")
                || key.equals("global_step");
    }

    /**
     * Formats a metric as transformers prints it: runtimes as {@code H:MM:SS.ss}, {@code total_flos} in GF
     * ({@code int(v) >> 30}), other numbers rounded to 4 decimals ({@code 3.0}, {@code 0.0123}), counts as integers.
     */
    static String format(String key, double value) {
        if (!Double.isFinite(value)) {
            return Double.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
        }
        if (key.equals("total_flos")) {
            return ((long) value >> 30) + "GF";
        }
        if (key.endsWith("_runtime")) {
            long centis = Math.round(value * 100);
            return String.format(
                    Locale.ROOT,
                    "%d:%02d:%02d.%02d",
                    centis / 360_000,
                    centis / 6000 % 60,
                    centis / 100 % 60,
                    centis % 100);
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15 && isCount(key)) {
            return Long.toString((long) value);
        }
        String text = new BigDecimal(value)
                .setScale(4, RoundingMode.HALF_EVEN)
                .stripTrailingZeros()
                .toPlainString();
        return text.contains(".") ? text : text + ".0";
    }
}
