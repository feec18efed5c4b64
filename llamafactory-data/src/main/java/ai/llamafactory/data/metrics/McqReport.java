package ai.llamafactory.data.metrics;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.data.json.PythonFloats;
import ai.llamafactory.data.json.PythonJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The results of a multiple-choice evaluation: per subject, per category and on average, and the two files
 * LLaMA-Factory's evaluator writes.
 *
 * <ul>
 *   <li>{@value #RESULTS_JSON}: <code>{"subject": {"0": "A", "1": "C", ...}, ...}</code>, the predicted letter per
 *       question, {@code json.dump(results, indent=2)} (ASCII-escaped, no final new line);</li>
 *   <li>{@value #RESULTS_LOG}: one line per non-empty group in the order {@code Average}, {@code STEM},
 *       {@code Social Sciences}, {@code Humanities}, {@code Other}, formatted {@code "{:>15}: {:.2f}"} with the
 *       accuracy in percent, no final new line.</li>
 * </ul>
 */
public final class McqReport {
    /** Predictions file name. */
    public static final String RESULTS_JSON = "results.json";
    /** Accuracy summary file name. */
    public static final String RESULTS_LOG = "results.log";
    /** The label of the overall accuracy in {@value #RESULTS_LOG}. */
    public static final String AVERAGE = "Average";

    private final List<McqSubjectResult> subjects;

    /**
     * @param subjects the per-subject results in evaluation order
     */
    public McqReport(List<McqSubjectResult> subjects) {
        this.subjects = List.copyOf(Objects.requireNonNull(subjects, "subjects"));
    }

    /**
     * @return per-subject results in evaluation order
     */
    public List<McqSubjectResult> subjects() {
        return subjects;
    }

    /**
     * @return the number of questions evaluated
     */
    public int total() {
        return subjects.stream().mapToInt(McqSubjectResult::total).sum();
    }

    /**
     * @return the number answered right
     */
    public int correctCount() {
        return subjects.stream().mapToInt(McqSubjectResult::correctCount).sum();
    }

    /**
     * @return accuracy over all questions in percent, empty if there were none
     */
    public OptionalDouble averageAccuracy() {
        int total = total();
        return total == 0 ? OptionalDouble.empty() : OptionalDouble.of(100 * ((double) correctCount() / total));
    }

    /**
     * @return accuracy in percent per category that has questions, in LLaMA-Factory's order
     */
    public Map<SubjectCategory, Double> categoryAccuracies() {
        Map<SubjectCategory, int[]> counts = new EnumMap<>(SubjectCategory.class);
        for (McqSubjectResult result : subjects) {
            SubjectCategory category = result.subject().category();
            if (category != null && result.total() > 0) {
                int[] c = counts.computeIfAbsent(category, k -> new int[2]);
                c[0] += result.correctCount();
                c[1] += result.total();
            }
        }
        Map<SubjectCategory, Double> accuracies = new EnumMap<>(SubjectCategory.class);
        counts.forEach((category, c) -> accuracies.put(category, 100 * ((double) c[0] / c[1])));
        return accuracies;
    }

    /**
     * @return accuracy in percent per subject id, in evaluation order
     */
    public Map<String, Double> subjectAccuracies() {
        Map<String, Double> accuracies = new LinkedHashMap<>();
        for (McqSubjectResult result : subjects) {
            if (result.total() > 0) {
                accuracies.put(result.subject().id(), result.accuracy());
            }
        }
        return accuracies;
    }

    /**
     * @return the text of {@value #RESULTS_LOG} (also what LLaMA-Factory prints)
     */
    public String resultsLog() {
        List<String> lines = new ArrayList<>();
        averageAccuracy().ifPresent(a -> lines.add(scoreLine(AVERAGE, a)));
        categoryAccuracies().forEach((category, a) -> lines.add(scoreLine(category.label(), a)));
        return String.join("\n", lines);
    }

    /**
     * @return the text of {@value #RESULTS_JSON}
     */
    public String resultsJson() {
        Map<String, Object> results = new LinkedHashMap<>();
        for (McqSubjectResult result : subjects) {
            Map<String, Object> predictions = new LinkedHashMap<>();
            for (int i = 0; i < result.predictions().size(); i++) {
                predictions.put(Integer.toString(i), result.predictions().get(i));
            }
            results.put(result.subject().id(), predictions);
        }
        return PythonJson.builder().indent(2).build().dumps(results);
    }

    /**
     * Creates the folder and writes {@value #RESULTS_JSON} and {@value #RESULTS_LOG} into it.
     *
     * @param saveDir a folder that does not exist yet (LLaMA-Factory refuses to overwrite results)
     * @throws CheckpointException naming the folder if it exists already or a file cannot be written
     */
    public void write(Path saveDir) {
        Objects.requireNonNull(saveDir, "saveDir");
        if (Files.exists(saveDir)) {
            throw new CheckpointException("evaluation save_dir " + saveDir + " already exists; choose a new folder");
        }
        try {
            Files.createDirectories(saveDir);
            Files.writeString(saveDir.resolve(RESULTS_JSON), resultsJson(), StandardCharsets.UTF_8);
            Files.writeString(saveDir.resolve(RESULTS_LOG), resultsLog(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CheckpointException("cannot write evaluation results to " + saveDir + ": " + e.getMessage(), e);
        }
    }

    private static String scoreLine(String label, double accuracy) {
        String padded = label.length() >= 15 ? label : " ".repeat(15 - label.length()) + label;
        return padded + ": " + PythonFloats.formatFixed(accuracy, 2);
    }
}
