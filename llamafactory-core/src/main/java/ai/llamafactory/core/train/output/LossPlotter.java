package ai.llamafactory.core.train.output;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.data.json.PythonFloats;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.AnnotationTextPanel;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Draws the loss curves LLaMA-Factory draws with {@code plot_loss: true} ({@code extras/ploting.py}): for each key
 * ({@code loss}, {@code eval_loss}, {@code eval_accuracy}) the values of {@code log_history} against {@code step},
 * raw (translucent) and smoothed with {@link #smooth}, titled {@code training <key> of <output_dir>}, saved as
 * {@code training_<key>.png} ({@code /} in a key becomes {@code _}). A key with no values is skipped with a warning,
 * as LLaMA-Factory does.
 *
 * <p>Images are 1920x1440 pixels (matplotlib's default 6.4x4.8 inch figure at the 300 dpi LLaMA-Factory saves with),
 * rendered with XChart in headless mode: {@code java.awt.headless} is set to {@code true} when this class loads unless
 * the application has set it.
 */
public final class LossPlotter {
    /** The keys LLaMA-Factory plots after SFT: training loss, evaluation loss and accuracy. */
    public static final List<String> DEFAULT_KEYS = List.of(LogEntry.LOSS, LogEntry.EVAL_LOSS, LogEntry.EVAL_ACCURACY);

    private static final Logger LOG = LoggerFactory.getLogger(LossPlotter.class);
    private static final int WIDTH = 640;
    private static final int HEIGHT = 480;
    private static final int SCALE = 3;
    private static final Color BLUE = new Color(0x1f, 0x77, 0xb4);
    private static final Color BLUE_TRANSLUCENT = new Color(0x1f, 0x77, 0xb4, 102);

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private LossPlotter() {}

    /**
     * LLaMA-Factory's smoothing: a TensorBoard-style exponential moving average started at the first value, whose
     * weight grows with the number of points: {@code 1.8 * (1 / (1 + exp(-0.05 * n)) - 0.5)}.
     *
     * @param values the raw series
     * @return the smoothed series, same length
     */
    public static double[] smooth(double[] values) {
        double[] smoothed = new double[values.length];
        if (values.length == 0) {
            return smoothed;
        }
        double weight = 1.8 * (1 / (1 + Math.exp(-0.05 * values.length)) - 0.5);
        double last = values[0];
        for (int i = 0; i < values.length; i++) {
            last = last * weight + (1 - weight) * values[i];
            smoothed[i] = last;
        }
        return smoothed;
    }

    /**
     * Reads {@code trainer_state.json} in a folder and plots the given keys there.
     *
     * @param outputDir the run's {@code output_dir}
     * @param keys the metrics to plot, e.g. {@link #DEFAULT_KEYS}
     * @return the images written, in key order
     * @throws CheckpointException naming the file if the state cannot be read or an image cannot be written
     */
    public static List<Path> plot(Path outputDir, List<String> keys) {
        return plot(outputDir, TrainerState.read(outputDir.resolve(TrainerState.FILE_NAME)), keys);
    }

    /**
     * Plots the given keys of a state's {@code log_history} into a folder.
     *
     * @param outputDir the folder receiving {@code training_<key>.png}
     * @param state the state whose history is drawn
     * @param keys the metrics to plot
     * @return the images written, in key order (keys without values are skipped)
     * @throws CheckpointException naming the file if an image cannot be written
     */
    public static List<Path> plot(Path outputDir, TrainerState state, List<String> keys) {
        List<Path> written = new ArrayList<>();
        for (String key : keys) {
            List<Double> steps = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            int skipped = 0;
            for (LogEntry entry : state.logHistory()) {
                if (entry.has(key)) {
                    double v = entry.number(key).orElse(Double.NaN);
                    if (Double.isFinite(v)) {
                        steps.add((double) entry.step());
                        values.add(v);
                    } else {
                        skipped++;
                    }
                }
            }
            if (skipped > 0) {
                LOG.warn(
                        "{}: {} non-finite or non-numeric value(s) of {} left out of the plot",
                        outputDir,
                        skipped,
                        key);
            }
            if (values.isEmpty()) {
                LOG.warn("No metric {} to plot.", key);
                continue;
            }
            Path file = outputDir.resolve("training_" + key.replace('/', '_') + ".png");
            writePng(file, render(key, "training " + key + " of " + outputDir, toArray(steps), toArray(values)));
            LOG.info("Figure saved at: {}", file);
            written.add(file);
        }
        return written;
    }

    /**
     * Draws one chart.
     *
     * @param key the metric (y-axis title)
     * @param title the chart title
     * @param steps x values
     * @param values y values, finite
     * @return a 1920x1440 RGB image
     */
    static BufferedImage render(String key, String title, double[] steps, double[] values) {
        XYChart chart = new XYChart(WIDTH, HEIGHT);
        chart.setTitle(title);
        chart.setXAxisTitle("step");
        chart.setYAxisTitle(key);
        XYStyler styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderColor(Color.DARK_GRAY);
        styler.setPlotGridLinesColor(new Color(0, 0, 0, 40));
        styler.setPlotGridLinesStroke(
                new BasicStroke(0.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {3f, 3f}, 0f));
        // matplotlib picks the emptiest corner for the legend; a curve ending low leaves the top right free, one
        // ending high (accuracy) the bottom right. The last-value note goes into the opposite left corner.
        boolean endsHigh = endsInUpperHalf(values);
        styler.setLegendPosition(endsHigh ? Styler.LegendPosition.InsideSE : Styler.LegendPosition.InsideNE);
        styler.setLegendBorderColor(new Color(0, 0, 0, 60));
        styler.setChartTitleBoxVisible(false);
        styler.setXAxisDecimalPattern("#,##0.#");
        styler.setAnnotationTextPanelBorderColor(new Color(0, 0, 0, 0));
        styler.setAnnotationTextPanelBackgroundColor(new Color(255, 255, 255, 0));
        styler.setAnnotationTextPanelFontColor(BLUE);
        styler.setAnnotationTextPanelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        styler.setAntiAlias(true);
        styler.setMarkerSize(values.length == 1 ? 8 : 0);

        XYSeries raw = chart.addSeries("original", steps, values);
        raw.setLineColor(BLUE_TRANSLUCENT);
        raw.setMarkerColor(BLUE_TRANSLUCENT);
        raw.setLineStyle(new BasicStroke(1.5f));
        raw.setMarker(values.length == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        XYSeries smoothed = chart.addSeries("smoothed", steps, smooth(values));
        smoothed.setLineColor(BLUE);
        smoothed.setMarkerColor(BLUE);
        smoothed.setLineStyle(new BasicStroke(1.5f));
        smoothed.setMarker(values.length == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);

        String last = key.replace('_', ' ') + ": " + formatMetric(values[values.length - 1]);
        chart.addAnnotation(new AnnotationTextPanel(last, 80, endsHigh ? HEIGHT - 90 : 50, true));

        BufferedImage image = new BufferedImage(WIDTH * SCALE, HEIGHT * SCALE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.scale(SCALE, SCALE);
            chart.paint(g, WIDTH, HEIGHT);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static boolean endsInUpperHalf(double[] values) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return values[values.length - 1] > (min + max) / 2;
    }

    /** LLaMA-Factory's {@code f"{value:.4f}".rstrip("0").rstrip(".")}. */
    static String formatMetric(double value) {
        String text = PythonFloats.formatFixed(value, 4);
        if (text.contains(".")) {
            int end = text.length();
            while (text.charAt(end - 1) == '0') {
                end--;
            }
            if (text.charAt(end - 1) == '.') {
                end--;
            }
            text = text.substring(0, end);
        }
        return text;
    }

    private static void writePng(Path file, BufferedImage image) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            if (!ImageIO.write(image, "png", bytes)) {
                throw new IOException("no PNG writer available");
            }
            DurableFiles.writeAtomically(file, bytes.toByteArray());
        } catch (IOException e) {
            throw new CheckpointException("cannot write plot " + file + ": " + e.getMessage(), e);
        }
    }

    private static double[] toArray(List<Double> values) {
        double[] a = new double[values.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = values.get(i);
        }
        return a;
    }
}
