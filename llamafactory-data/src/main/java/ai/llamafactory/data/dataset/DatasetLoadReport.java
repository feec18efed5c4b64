package ai.llamafactory.data.dataset;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What happened to one dataset: rows read, kept and dropped (by reason), the first problems, and how many rows were
 * used after {@code num_samples} and {@code max_samples}.
 *
 * @param dataset the dataset name
 * @param evaluation true for an {@code eval_dataset}
 * @param files the files read
 * @param rowsRead rows read from the files
 * @param rowsKept rows converted and valid for the stage
 * @param dropped dropped rows by reason, in {@link DropReason} order (reasons with no row are absent)
 * @param firstProblems the first dropped rows, explained (at most {@link #MAX_PROBLEMS})
 * @param rowsUsed rows handed on after sampling and truncation (for a stream: rows delivered so far)
 */
public record DatasetLoadReport(
        String dataset,
        boolean evaluation,
        List<String> files,
        long rowsRead,
        long rowsKept,
        Map<DropReason, Long> dropped,
        List<RowProblem> firstProblems,
        long rowsUsed) {

    /** How many problems are kept per dataset. */
    public static final int MAX_PROBLEMS = 20;

    /** Copies the collections. */
    public DatasetLoadReport {
        files = List.copyOf(files);
        dropped =
                dropped.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.EnumMap<>(dropped));
        firstProblems = List.copyOf(firstProblems);
    }

    /** @return rows dropped for any reason */
    public long rowsDropped() {
        return dropped.values().stream().mapToLong(Long::longValue).sum();
    }

    /** @return e.g. {@code alpaca: read 100, kept 98, dropped 2 (2 wrong type), used 50} */
    public String summary() {
        String reasons = dropped.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getValue() + " " + e.getKey().label())
                .collect(Collectors.joining(", "));
        return dataset + (evaluation ? " (eval)" : "") + ": read " + rowsRead + ", kept " + rowsKept + ", dropped "
                + rowsDropped() + (reasons.isEmpty() ? "" : " (" + reasons + ")") + ", used " + rowsUsed;
    }
}
