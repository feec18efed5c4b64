package ai.llamafactory.core.train.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossPlotterTest {
    @TempDir
    Path temp;

    @Test
    void smoothingEqualsLlamaFactorysPlotLoss() {
        // Python: extras/ploting.py smooth([3.0, 2.5, 2.7, 1.9, 1.2])
        assertThat(LossPlotter.smooth(new double[] {3.0, 2.5, 2.7, 1.9, 1.2}))
                .containsExactly(3.0, 2.5559588507972184, 2.6838792456462035, 1.9877299635003038, 1.2881609269920233);
        double[] xs = series(40);
        double[] smoothed = LossPlotter.smooth(xs);
        assertThat(smoothed[10]).isEqualTo(1.1666034592692143);
        assertThat(smoothed[39]).isEqualTo(0.4873582126728071);
        assertThat(LossPlotter.smooth(new double[0])).isEmpty();
    }

    private static double[] series(int n) {
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = 2.0 / (1 + 0.1 * i) + 0.3 * Math.sin(i);
        }
        return xs;
    }

    @Test
    void writesTheLossPlotsThatHaveValues() throws IOException {
        TrainerStateRecorder recorder =
                new TrainerStateRecorder(TrainerState.builder().maxSteps(40).build(), "out", null);
        double[] losses = series(40);
        for (int step = 1; step <= 40; step++) {
            recorder.advance(step, step / 20.0);
            recorder.logTraining(losses[step - 1], 1.0, 1e-4);
            if (step % 10 == 0) {
                recorder.logEvaluation(ResultsWriter.evalMetrics(2.0 - step / 40.0, null, 0.1, 4, 2));
            }
        }
        recorder.snapshot().write(temp.resolve(TrainerState.FILE_NAME));

        List<Path> written = LossPlotter.plot(temp, LossPlotter.DEFAULT_KEYS);

        // No eval_accuracy was logged: that plot is skipped, as LLaMA-Factory does.
        assertThat(written).containsExactly(temp.resolve("training_loss.png"), temp.resolve("training_eval_loss.png"));
        for (Path png : written) {
            assertThat(Files.size(png)).isGreaterThan(20_000);
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image.getWidth()).isEqualTo(1920);
            assertThat(image.getHeight()).isEqualTo(1440);
            int blue = 0;
            Set<Integer> colors = new HashSet<>();
            for (int y = 0; y < image.getHeight(); y += 2) {
                for (int x = 0; x < image.getWidth(); x += 2) {
                    int rgb = image.getRGB(x, y) & 0xffffff;
                    colors.add(rgb);
                    if (rgb == 0x1f77b4) {
                        blue++;
                    }
                }
            }
            // The smoothed curve is drawn in matplotlib's first colour; the raw one translucent over white.
            assertThat(blue).as("pixels of the smoothed curve in " + png).isGreaterThan(1000);
            assertThat(colors.size()).as("distinct colours in " + png).isGreaterThan(50);
        }
    }

    @Test
    void singlePointAndNonFiniteValuesStillPlot() {
        TrainerState state = TrainerState.builder()
                .addLog(LogEntry.training(1, 0.5, Double.NaN, null, 1e-4))
                .addLog(LogEntry.training(2, 1.0, 0.7, null, 1e-4))
                .build();
        List<Path> written = LossPlotter.plot(temp, state, List.of("loss", "eval_loss"));
        assertThat(written).containsExactly(temp.resolve("training_loss.png"));
    }

    @Test
    void annotationUsesLlamaFactorysNumberFormat() {
        assertThat(LossPlotter.formatMetric(0.30005))
                .isEqualTo("0.3"); // f"{v:.4f}" rounds the binary value 0.30004999...
        assertThat(LossPlotter.formatMetric(1.00005)).isEqualTo("1.0001");
        assertThat(LossPlotter.formatMetric(1.5)).isEqualTo("1.5");
        assertThat(LossPlotter.formatMetric(2.0)).isEqualTo("2");
    }
}
