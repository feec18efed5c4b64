package ai.llamafactory.core.train.output;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.data.json.PythonFloats;
import ai.llamafactory.data.json.PythonJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Writes the metric files of a run as the Hugging Face Trainer's {@code save_metrics} does: {@code train_results.json},
 * {@code eval_results.json} (or {@code predict_results.json}) with the metrics of that phase, and
 * {@code all_results.json} holding the union of all phases saved so far (later values win). Each file is
 * {@code json.dump(metrics, indent=4, sort_keys=True)}, without a final newline.
 *
 * <p>The metric maps themselves come from {@link #speedMetrics} and {@link #evalMetrics} (or from the log entries the
 * {@link TrainerStateRecorder} appends, through {@link #withoutStep}), so that names and rounding are those of
 * transformers: {@code train_runtime} rounded to 4 decimals, the per-second rates to 3.
 */
public final class ResultsWriter {
    /** Name of the combined metrics file. */
    public static final String ALL_RESULTS = "all_results.json";

    private ResultsWriter() {}

    /**
     * transformers' {@code speed_metrics}: {@code <split>_runtime} and, when the runtime is not zero, the rates that
     * were given counts.
     *
     * @param split the metric prefix, e.g. {@code train}
     * @param runtimeSeconds elapsed wall time
     * @param samples samples processed, or {@code null}
     * @param steps steps done, or {@code null}
     * @param tokens tokens processed, or {@code null}
     * @return an ordered, mutable map: runtime, samples_per_second, steps_per_second, tokens_per_second
     */
    public static Map<String, Object> speedMetrics(
            String split, double runtimeSeconds, Long samples, Long steps, Long tokens) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(split + "_runtime", PythonFloats.round(runtimeSeconds, 4));
        if (runtimeSeconds == 0) {
            return m;
        }
        if (samples != null) {
            m.put(split + "_samples_per_second", PythonFloats.round(samples / runtimeSeconds, 3));
        }
        if (steps != null) {
            m.put(split + "_steps_per_second", PythonFloats.round(steps / runtimeSeconds, 3));
        }
        if (tokens != null) {
            m.put(split + "_tokens_per_second", PythonFloats.round(tokens / runtimeSeconds, 3));
        }
        return m;
    }

    /**
     * The metrics of an evaluation pass in transformers' order: {@code eval_loss}, {@code eval_accuracy} (LLaMA-Factory's
     * {@code compute_accuracy}), then the speed metrics.
     *
     * @param loss mean loss over the evaluation set
     * @param accuracy mean token accuracy, or {@code null} when not computed
     * @param runtimeSeconds wall time of the pass
     * @param samples evaluation examples
     * @param steps evaluation batches
     * @return an ordered, mutable map
     */
    public static Map<String, Object> evalMetrics(
            double loss, Double accuracy, double runtimeSeconds, long samples, long steps) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eval_loss", loss);
        if (accuracy != null) {
            m.put("eval_accuracy", accuracy);
        }
        m.putAll(speedMetrics("eval", runtimeSeconds, samples, steps, null));
        return m;
    }

    /**
     * The metrics of a log entry without its {@code step}: what {@code Trainer.train} and {@code Trainer.evaluate}
     * return (they carry {@code epoch}, added when the metrics are logged).
     *
     * @param entry a log entry
     * @return an ordered, mutable map
     */
    public static Map<String, Object> withoutStep(LogEntry entry) {
        Map<String, Object> m = new LinkedHashMap<>(entry.values());
        m.remove(LogEntry.STEP);
        return m;
    }

    /**
     * Saves the metrics of one phase and merges them into {@code all_results.json}.
     *
     * @param outputDir the run's {@code output_dir}
     * @param split the phase
     * @param metrics the metrics
     * @return the {@code <split>_results.json} written
     * @throws CheckpointException naming the file if it cannot be written, or if an existing {@code all_results.json}
     *     cannot be read
     */
    public static Path save(Path outputDir, MetricsSplit split, Map<String, ?> metrics) {
        return save(outputDir, split, metrics, true);
    }

    /**
     * Saves the metrics of one phase.
     *
     * @param outputDir the run's {@code output_dir}
     * @param split the phase
     * @param metrics the metrics
     * @param combined whether to merge them into {@code all_results.json} too
     * @return the {@code <split>_results.json} written
     * @throws CheckpointException naming the file if it cannot be written or read
     */
    public static Path save(Path outputDir, MetricsSplit split, Map<String, ?> metrics, boolean combined) {
        Objects.requireNonNull(split, "split");
        Path file = outputDir.resolve(split.fileName());
        write(file, new LinkedHashMap<>(metrics));
        if (combined) {
            Path all = outputDir.resolve(ALL_RESULTS);
            Map<String, Object> merged = Files.exists(all) ? read(all) : new LinkedHashMap<>();
            merged.putAll(metrics);
            write(all, merged);
        }
        return file;
    }

    /**
     * Reads a results file.
     *
     * @param file e.g. {@code all_results.json}
     * @return the metrics in file order, ints as {@link Long} and floats as {@link Double}
     * @throws CheckpointException naming the file if it cannot be read or is not a JSON object
     */
    public static Map<String, Object> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CheckpointException("cannot read metrics file " + file + ": " + e.getMessage(), e);
        }
        Object value;
        try {
            value = PythonJson.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("metrics file " + file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new CheckpointException(
                    "metrics file " + file + " must hold a JSON object, got " + PythonJson.DEFAULTS.dumps(value));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        map.forEach((k, v) -> result.put((String) k, v));
        return result;
    }

    private static void write(Path file, Map<String, Object> metrics) {
        try {
            DurableFiles.writeAtomically(
                    file, PythonJson.builder().indent(4).sortKeys(true).build().dumps(metrics));
        } catch (IOException e) {
            throw new CheckpointException("cannot write metrics file " + file + ": " + e.getMessage(), e);
        }
    }
}
