package ai.llamafactory.data.dataset;

import ai.llamafactory.api.config.Stage;
import ai.llamafactory.api.exception.DatasetException;
import ai.llamafactory.data.AlignedExample;
import ai.llamafactory.data.dataset.reader.RawRow;
import ai.llamafactory.data.dataset.reader.RowIterator;
import ai.llamafactory.data.dataset.reader.RowReader;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The valid examples of one dataset, read lazily file after file: rows are converted, checked against the stage,
 * and counted; malformed rows are dropped (or stop the load in strict mode).
 */
final class DatasetPipeline implements Iterator<AlignedExample>, AutoCloseable {
    private final DatasetInfo info;
    private final DatasetFiles files;
    private final Stage stage;
    private final boolean strict;
    private final ReportCounter counter;
    private final boolean countFiles;
    private final RowConverter converter;
    private final RowReader reader;
    private int fileIndex;
    private RowIterator rows;
    private AlignedExample next;
    private boolean closed;

    /**
     * @param counter where rows are counted; counts are only taken when {@code firstPass} is true (a dataset
     *     restarted by oversampling is not counted twice)
     */
    DatasetPipeline(DatasetInfo info, DatasetFiles files, Stage stage, boolean strict, ReportCounter counter,
            boolean firstPass) {
        this.info = info;
        this.files = files;
        this.stage = stage;
        this.strict = strict;
        this.counter = firstPass ? counter : new ReportCounter(info.name(), counter.evaluation);
        this.countFiles = firstPass;
        this.converter = RowConverter.forInfo(info);
        this.reader = RowReader.forType(files.type());
    }

    @Override
    public boolean hasNext() {
        while (next == null && !closed) {
            if (rows == null) {
                if (fileIndex >= files.files().size()) {
                    close();
                    break;
                }
                Path f = files.files().get(fileIndex++);
                if (countFiles) {
                    synchronized (counter) {
                        counter.files.add(f.toString());
                    }
                }
                rows = reader.open(f);
            }
            if (!rows.hasNext()) {
                rows.close();
                rows = null;
                continue;
            }
            RawRow row = rows.next();
            counter.read();
            RowConverter.Conversion c = converter.convert(row);
            RowProblem problem = c.problem();
            if (problem == null) {
                String stageIssue = stageProblem(c.example(), stage);
                if (stageIssue != null) {
                    problem = new RowProblem(info.name(), row.location(), DropReason.STAGE_MISMATCH, "", stageIssue);
                }
            }
            if (problem != null) {
                if (strict) {
                    close();
                    throw new DatasetException(problem.message() + " (strict_data: the first malformed row stops "
                            + "the load; turn it off to drop such rows and count them)");
                }
                counter.drop(problem);
                continue;
            }
            counter.kept();
            next = c.example();
        }
        return next != null;
    }

    @Override
    public AlignedExample next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        AlignedExample e = next;
        next = null;
        return e;
    }

    @Override
    public void close() {
        closed = true;
        if (rows != null) {
            rows.close();
            rows = null;
        }
    }

    /**
     * The shape checks LLaMA-Factory's processors make before encoding.
     *
     * @return why the example does not suit the stage, or null
     */
    static String stageProblem(AlignedExample e, Stage stage) {
        if (stage == null) {
            return null;
        }
        int p = e.prompt().size();
        int r = e.response().size();
        if (p % 2 != 1) {
            return "the prompt has " + p + " turns; it must have an odd number ending with a user turn";
        }
        return switch (stage) {
            case PT, PPO -> null;
            case SFT -> r == 1 ? null : "stage sft needs exactly one response, the row has " + r
                    + (r == 0 ? " (a prompt-only row)" : " (a preference pair)");
            case RM, DPO -> r == 2 ? null : "stage " + stage.key() + " needs a chosen and a rejected response, the row "
                    + "has " + r;
            case KTO -> r == 1 && e.ktoTag() != null ? null : "stage kto needs one response with a kto_tag"
                    + (e.ktoTag() == null ? "; the row has no tag" : "; the row has " + r + " responses");
        };
    }
}
