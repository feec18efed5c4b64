package ai.llamafactory.data.dataset;

import ai.llamafactory.data.AlignedExample;
import java.util.List;
import java.util.Map;

/**
 * Datasets loaded in memory, mixed and split.
 *
 * @param train the training examples (empty when only evaluation datasets were named)
 * @param eval evaluation sets: {@code validation} (hold-out or merged {@code eval_dataset}), or
 *     {@code validation_<name>} per evaluation dataset with {@code eval_on_each_dataset}
 * @param report what was read, kept and dropped
 */
public record LoadedDatasets(List<AlignedExample> train, Map<String, List<AlignedExample>> eval, LoadReport report) {
    /** The key of the single evaluation set. */
    public static final String VALIDATION = "validation";

    /** Copies the collections. */
    public LoadedDatasets {
        train = List.copyOf(train);
        eval = Map.copyOf(eval);
    }

    /** @return the single evaluation set, or an empty list when there is none */
    public List<AlignedExample> validation() {
        return eval.getOrDefault(VALIDATION, List.of());
    }
}
