package ai.llamafactory.data.dataset;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a load did, dataset by dataset: rows read, kept, dropped by reason, used.
 *
 * @param datasets one report per training and evaluation dataset, in load order
 */
public record LoadReport(List<DatasetLoadReport> datasets) {
    /** Copies the list. */
    public LoadReport {
        datasets = List.copyOf(datasets);
    }

    /** @return rows read over all datasets */
    public long rowsRead() {
        return datasets.stream().mapToLong(DatasetLoadReport::rowsRead).sum();
    }

    /** @return rows kept over all datasets */
    public long rowsKept() {
        return datasets.stream().mapToLong(DatasetLoadReport::rowsKept).sum();
    }

    /** @return rows dropped over all datasets */
    public long rowsDropped() {
        return datasets.stream().mapToLong(DatasetLoadReport::rowsDropped).sum();
    }

    /** @return dropped rows by reason over all datasets */
    public Map<DropReason, Long> droppedByReason() {
        Map<DropReason, Long> m = new EnumMap<>(DropReason.class);
        for (DatasetLoadReport d : datasets) {
            d.dropped().forEach((k, v) -> m.merge(k, v, Long::sum));
        }
        return m;
    }

    /**
     * @param name a dataset name
     * @return its training-side report (or its evaluation report when it was only loaded for evaluation)
     * @throws IllegalArgumentException when the dataset was not loaded
     */
    public DatasetLoadReport dataset(String name) {
        return datasets.stream()
                .filter(d -> d.dataset().equals(name) && !d.evaluation())
                .findFirst()
                .or(() ->
                        datasets.stream().filter(d -> d.dataset().equals(name)).findFirst())
                .orElseThrow(() -> new IllegalArgumentException("no dataset '" + name + "' in this report"));
    }

    /** @return one line per dataset */
    public String summary() {
        return datasets.stream().map(DatasetLoadReport::summary).collect(Collectors.joining("\n"));
    }

    @Override
    public String toString() {
        return summary();
    }
}
