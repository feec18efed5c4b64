package ai.llamafactory.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.llamafactory.api.run.EvaluationEvent;
import ai.llamafactory.api.run.LogEvent;
import ai.llamafactory.api.run.SaveEvent;
import ai.llamafactory.api.run.StepEvent;
import ai.llamafactory.api.run.TrainBeginEvent;
import ai.llamafactory.api.run.TrainingResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Rendering of the progress bar with a fake clock: log lines for CI, a bar redrawn in place on a terminal. */
class TrainingProgressBarTest {
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(0);
    private final StringWriter text = new StringWriter();

    private TrainingProgressBar bar(TrainingProgressBar.Mode mode) {
        return new TrainingProgressBar(new PrintWriter(text), mode, clock::get);
    }

    private static TrainBeginEvent begin(long maxSteps) {
        return new TrainBeginEvent(maxSteps, 3.0, 8, 1_000, 4_000, Path.of("saves", "tiny"));
    }

    /** Step i (from 1) at i seconds: loss 2 - 0.1 i, learning rate 1e-4, 500 tokens. */
    private void steps(TrainingProgressBar bar, long from, long to, long maxSteps) {
        for (long i = from; i <= to; i++) {
            clock.set(i * SECOND);
            bar.onStep(new StepEvent(i, maxSteps, i / 33.0, 2.0 - 0.1 * i, 1e-4, 0.5, 500));
        }
    }

    private static LogEvent log(long step) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", 1.5);
        m.put("grad_norm", 0.75);
        m.put("learning_rate", 9.5e-5);
        m.put("epoch", 0.3);
        return new LogEvent(step, m);
    }

    @Test
    void logLinesEveryLoggingStepWithThroughputAndEta() {
        TrainingProgressBar bar = bar(TrainingProgressBar.Mode.LOG_LINES);
        bar.onTrainBegin(begin(100));
        steps(bar, 1, 10, 100);
        bar.onLog(log(10));
        assertThat(text.toString())
                .isEqualTo(
                        "Training 100 steps (3.0 epochs, 8 examples); trainable params: 1,000 || all params: 4,000 || "
                                + "trainable%: 25.0000; output: " + Path.of("saves", "tiny") + "\n"
                                + "step 10/100 (10%) | loss 1.5000 | lr 9.50e-05 | grad_norm 0.7500 | epoch 0.30 | 500 tok/s"
                                + " | elapsed 00:10 | eta 01:30\n");
    }

    @Test
    void logLinesNeverUseCarriageReturns() {
        TrainingProgressBar bar = bar(TrainingProgressBar.Mode.LOG_LINES);
        bar.onTrainBegin(begin(20));
        steps(bar, 1, 10, 20);
        bar.onLog(log(10));
        steps(bar, 11, 20, 20);
        bar.onLog(log(20));
        bar.onEvaluate(new EvaluationEvent(20, Map.of("eval_loss", 1.25)));
        bar.onSave(new SaveEvent(20, Path.of("saves", "tiny", "checkpoint-20")));
        bar.onTrainEnd(
                TrainingResult.builder(Path.of("saves", "tiny")).globalSteps(20).build());
        String[] lines = text.toString().split("\n");
        assertThat(text.toString()).doesNotContain("\r");
        assertThat(lines).hasSize(6);
        assertThat(lines[1]).startsWith("step 10/20 (50%) |").endsWith("| elapsed 00:10 | eta 00:10");
        assertThat(lines[2]).startsWith("step 20/20 (100%) |").endsWith("| elapsed 00:20 | eta 00:00");
        assertThat(lines[3]).isEqualTo("eval at step 20: eval_loss 1.2500");
        assertThat(lines[4]).isEqualTo("saved checkpoint at step 20: " + Path.of("saves", "tiny", "checkpoint-20"));
        assertThat(lines[5]).isEqualTo("Training finished after 20 steps in 00:20 (500 tok/s)");
    }

    @Test
    void theSummaryShowsTheFiguresOfTheResultsFiles() {
        TrainingProgressBar bar = bar(TrainingProgressBar.Mode.LOG_LINES);
        bar.onTrainBegin(begin(20));
        steps(bar, 1, 20, 20);
        clock.set(25 * SECOND); // saving the model and plotting come after train_runtime ends
        bar.onTrainEnd(TrainingResult.builder(Path.of("saves", "tiny"))
                .globalSteps(20)
                .metrics(Map.of("train_runtime", 21.5, "train_tokens_per_second", 465.116))
                .build());
        assertThat(text.toString()).endsWith("Training finished after 20 steps in 00:21 (465 tok/s)\n");
    }

    @Test
    void throughputCountsTheTokensOfEachStepOnce() {
        TrainingProgressBar bar = bar(TrainingProgressBar.Mode.LOG_LINES);
        bar.onTrainBegin(begin(100));
        steps(bar, 1, 50, 100);
        bar.onLog(log(50));
        // 50 steps of 500 tokens in 50 s: 500 tok/s, not the growing sum of running totals
        assertThat(text.toString()).contains("| 500 tok/s | elapsed 00:50 |");
    }

    @Test
    void terminalBarIsRedrawnInPlace() {
        TrainingProgressBar bar = bar(TrainingProgressBar.Mode.TERMINAL);
        bar.onTrainBegin(begin(100));
        text.getBuffer().setLength(0);
        steps(bar, 1, 1, 100);
        assertThat(text.toString())
                .isEqualTo(
                        "\r[>                       ] 1/100 1% | loss 1.9000 | lr 1.00e-04 | 500 tok/s | 00:01<01:39");
        text.getBuffer().setLength(0);
        steps(bar, 2, 10, 100);
        String drawn = text.toString();
        assertThat(drawn).doesNotContain("\n");
        assertThat(drawn.split("\r", -1)).hasSize(10);
        assertThat(drawn.substring(drawn.lastIndexOf('\r')))
                .isEqualTo("\r[==>                     ] 10/100 10% | loss 1.0000 | lr 1.00e-04 | 500 tok/s | "
                        + "00:10<01:30");
    }

    @Test
    void terminalPrintsLogLinesAboveTheBarAndClearsLongerText() {
        TrainingProgressBar bar = bar(TrainingProgressBar.Mode.TERMINAL);
        bar.onTrainBegin(begin(100));
        steps(bar, 1, 10, 100);
        text.getBuffer().setLength(0);
        bar.onEvaluate(new EvaluationEvent(10, Map.of("eval_loss", 1.25)));
        String drawnBar = "[==>                     ] 10/100 10% | loss 1.0000 | lr 1.00e-04 | 500 tok/s | 00:10<01:30";
        String evalLine = "eval at step 10: eval_loss 1.2500";
        // the shorter line overwrites the bar with spaces, ends with a newline, and the bar is drawn below it
        assertThat(text.toString())
                .isEqualTo("\r" + evalLine + " ".repeat(drawnBar.length() - evalLine.length()) + "\n\r" + drawnBar);
    }

    @Test
    void terminalEndsTheBarWithANewLineBeforeTheSummary() {
        TrainingProgressBar bar = bar(TrainingProgressBar.Mode.TERMINAL);
        bar.onTrainBegin(begin(4));
        steps(bar, 1, 4, 4);
        clock.set(5 * SECOND);
        bar.onTrainEnd(TrainingResult.builder(Path.of("out"))
                .globalSteps(4)
                .stopReason(TrainingResult.StopReason.CANCELLED)
                .build());
        String all = text.toString();
        assertThat(all)
                .endsWith("[========================] 4/4 100% | loss 1.6000 | lr 1.00e-04 | 400 tok/s | "
                        + "00:05<00:00\nTraining cancelled after 4 steps in 00:05 (400 tok/s)\n");
    }

    @Test
    void resumedRunEstimatesFromItsOwnSteps() {
        TrainingProgressBar bar = bar(TrainingProgressBar.Mode.TERMINAL);
        bar.onTrainBegin(begin(100));
        clock.set(SECOND);
        bar.onStep(new StepEvent(51, 100, 1.5, 1.0, 1e-4, 0.5, 500));
        clock.set(2 * SECOND);
        bar.onStep(new StepEvent(52, 100, 1.5, 1.0, 1e-4, 0.5, 500));
        // two steps in two seconds, 48 left: 48 seconds
        assertThat(text.toString()).endsWith("52/100 52% | loss 1.0000 | lr 1.00e-04 | 500 tok/s | 00:02<00:48");
    }

    @Test
    void unknownValuesAreShownAsUnknown() {
        TrainingProgressBar bar = bar(TrainingProgressBar.Mode.LOG_LINES);
        bar.onTrainBegin(new TrainBeginEvent(0, 1.0, -1, 0, 0, Path.of("o")));
        bar.onLog(new LogEvent(0, Map.of()));
        assertThat(text.toString())
                .contains("(1.0 epochs, streamed examples)")
                .contains("trainable%: 0.0000")
                .contains("step 0/0 (?%) | loss nan | lr nan | ? tok/s | elapsed 00:00 | eta ?");
    }

    @Test
    void durationsSwitchToHoursAtOneHour() {
        assertThat(TrainingProgressBar.duration(59 * SECOND)).isEqualTo("00:59");
        assertThat(TrainingProgressBar.duration(3599 * SECOND)).isEqualTo("59:59");
        assertThat(TrainingProgressBar.duration(3600 * SECOND)).isEqualTo("1:00:00");
        assertThat(TrainingProgressBar.duration(90061 * SECOND)).isEqualTo("25:01:01");
    }

    @Test
    void metricsArePrintedAsTransformersLogMetrics() {
        StringWriter w = new StringWriter();
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("train_loss", 0.01234567);
        m.put("epoch", 3.0);
        m.put("train_runtime", 62.345);
        m.put("total_flos", 5.0e12);
        TrainCommand.printMetrics(new PrintWriter(w, true), m);
        assertThat(w.toString())
                .isEqualTo("***** train metrics *****\n"
                        + "  epoch         = 3.0\n"
                        + "  total_flos    = 4656GF\n"
                        + "  train_loss    = 0.0123\n"
                        + "  train_runtime = 0:01:02.35\n");
    }
}
