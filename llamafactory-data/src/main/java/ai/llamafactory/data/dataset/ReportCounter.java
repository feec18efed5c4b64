package ai.llamafactory.data.dataset;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Mutable counts for one dataset while it is read; {@link #snapshot()} gives the immutable report. */
final class ReportCounter {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetLoader.class);
    private static final int LOGGED_PROBLEMS = 5;

    final String dataset;
    final boolean evaluation;
    final List<String> files = new ArrayList<>();
    long rowsRead;
    long rowsKept;
    long rowsUsed;
    final Map<DropReason, Long> dropped = new EnumMap<>(DropReason.class);
    final List<RowProblem> problems = new ArrayList<>();

    ReportCounter(String dataset, boolean evaluation) {
        this.dataset = dataset;
        this.evaluation = evaluation;
    }

    synchronized void read() {
        rowsRead++;
    }

    synchronized void kept() {
        rowsKept++;
    }

    synchronized void used(long n) {
        rowsUsed += n;
    }

    synchronized void drop(RowProblem p) {
        long n = dropped.merge(p.reason(), 1L, Long::sum);
        if (problems.size() < DatasetLoadReport.MAX_PROBLEMS) {
            problems.add(p);
        }
        long total = dropped.values().stream().mapToLong(Long::longValue).sum();
        if (total <= LOGGED_PROBLEMS) {
            LOG.warn("Dropped invalid row: {}", p.message());
        } else if (total == LOGGED_PROBLEMS + 1) {
            LOG.warn(
                    "Dataset '{}': more invalid rows are being dropped; see the load report for counts by reason",
                    dataset);
        } else if (n == 1) {
            LOG.warn("Dropped invalid row (first of its kind): {}", p.message());
        }
    }

    synchronized DatasetLoadReport snapshot() {
        return new DatasetLoadReport(dataset, evaluation, files, rowsRead, rowsKept, dropped, problems, rowsUsed);
    }
}
