package ai.llamafactory.data.metrics;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.data.json.PythonJson;
import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Writes the prediction outputs of a {@code do_predict} run as LLaMA-Factory does.
 *
 * <ul>
 *   <li>{@value #PREDICTIONS_FILE}: one line per example,
 *       {@code json.dumps({"prompt": ..., "predict": ..., "label": ...}, ensure_ascii=False)} plus {@code "\n"},
 *       UTF-8, so the separators are {@code ", "} and {@code ": "} and non-ASCII text is written as is;</li>
 *   <li>{@value #PREDICT_RESULTS_FILE}: the metrics, {@code json.dump(metrics, indent=4, sort_keys=True)} (non-ASCII
 *       escaped, floats as Python's {@code repr}, no final new line), what the Hugging Face Trainer's
 *       {@code save_metrics("predict", ...)} writes.</li>
 * </ul>
 *
 * <p>Rows are streamed: open the writer, {@link #write} each prediction as it is produced, then {@link #close}. The
 * file is replaced, not appended to.
 */
public final class GeneratedPredictionsWriter implements Closeable {
    /** LLaMA-Factory's file of generated predictions. */
    public static final String PREDICTIONS_FILE = "generated_predictions.jsonl";
    /** The Trainer's file of prediction metrics. */
    public static final String PREDICT_RESULTS_FILE = "predict_results.json";

    private final Path file;
    private final Writer writer;
    private long rows;

    private GeneratedPredictionsWriter(Path file, Writer writer) {
        this.file = file;
        this.writer = writer;
    }

    /**
     * Creates (or truncates) {@value #PREDICTIONS_FILE} in a directory, creating the directory if needed.
     *
     * @param outputDir the run's {@code output_dir}
     * @return the writer
     * @throws CheckpointException naming the file if it cannot be created
     */
    public static GeneratedPredictionsWriter open(Path outputDir) {
        Objects.requireNonNull(outputDir, "outputDir");
        Path file = outputDir.resolve(PREDICTIONS_FILE);
        try {
            Files.createDirectories(outputDir);
            return new GeneratedPredictionsWriter(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CheckpointException("cannot create " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes all rows to {@value #PREDICTIONS_FILE} in a directory.
     *
     * @param outputDir the run's {@code output_dir}
     * @param predictions the rows in order
     * @return the file written
     * @throws CheckpointException naming the file if it cannot be written
     */
    public static Path writeAll(Path outputDir, Iterable<GeneratedPrediction> predictions) {
        try (GeneratedPredictionsWriter writer = open(outputDir)) {
            for (GeneratedPrediction prediction : predictions) {
                writer.write(prediction);
            }
            return writer.file();
        }
    }

    /**
     * The line written for one prediction, without its new line.
     *
     * @param prediction the row
     * @return {@code {"prompt": "...", "predict": "...", "label": "..."}}
     */
    public static String toJsonLine(GeneratedPrediction prediction) {
        StringBuilder line = new StringBuilder(prediction.prompt().length()
                + prediction.predict().length()
                + prediction.label().length()
                + 48);
        line.append("{\"prompt\": ");
        PythonJson.appendString(line, prediction.prompt(), false);
        line.append(", \"predict\": ");
        PythonJson.appendString(line, prediction.predict(), false);
        line.append(", \"label\": ");
        PythonJson.appendString(line, prediction.label(), false);
        return line.append('}').toString();
    }

    /**
     * Appends one row.
     *
     * @param prompt the decoded model input
     * @param predict the generated text
     * @param label the reference answer
     * @throws CheckpointException naming the file if it cannot be written
     */
    public void write(String prompt, String predict, String label) {
        write(new GeneratedPrediction(prompt, predict, label));
    }

    /**
     * Appends one row.
     *
     * @param prediction the row
     * @throws CheckpointException naming the file if it cannot be written
     */
    public void write(GeneratedPrediction prediction) {
        Objects.requireNonNull(prediction, "prediction");
        try {
            writer.write(toJsonLine(prediction));
            writer.write('\n');
            rows++;
        } catch (IOException e) {
            throw new CheckpointException("cannot write row " + (rows + 1) + " of " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @return rows written so far
     */
    public long rowsWritten() {
        return rows;
    }

    /**
     * @return the file being written
     */
    public Path file() {
        return file;
    }

    /**
     * Flushes and closes the file.
     *
     * @throws CheckpointException naming the file if the last rows cannot be written
     */
    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new CheckpointException("cannot finish " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@value #PREDICT_RESULTS_FILE} as {@code json.dump(metrics, f, indent=4, sort_keys=True)}. Values may be
     * numbers, strings, booleans or nulls; {@link SimilarityMetrics#metrics(String)} with prefix {@code predict} gives
     * the similarity part, to which the caller adds {@code predict_runtime} and the rates.
     *
     * @param outputDir the run's {@code output_dir}
     * @param metrics metric name to value
     * @return the file written
     * @throws CheckpointException naming the file if it cannot be written
     */
    public static Path writePredictResults(Path outputDir, Map<String, ?> metrics) {
        Objects.requireNonNull(outputDir, "outputDir");
        Path file = outputDir.resolve(PREDICT_RESULTS_FILE);
        String json = PythonJson.builder().indent(4).sortKeys(true).build().dumps(new LinkedHashMap<>(metrics));
        try {
            Files.createDirectories(outputDir);
            Files.writeString(file, json, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CheckpointException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }
}
