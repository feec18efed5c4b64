package ai.llamafactory.data.dataset;

import ai.llamafactory.api.config.Stage;
import ai.llamafactory.api.exception.DatasetException;
import ai.llamafactory.data.AlignedExample;
import ai.llamafactory.data.dataset.reader.RawRow;
import ai.llamafactory.data.dataset.reader.RowIterator;
import ai.llamafactory.data.dataset.reader.RowReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The valid examples of one dataset, read lazily file after file: rows are converted, checked against the stage,
 * and counted; malformed rows are dropped (or stop the load in strict mode). A column that {@code dataset_info.json}
 * names explicitly and that no row of a file holds stops the load with a {@link DatasetException}.
 */
final class DatasetPipeline implements Iterator<AlignedExample>, AutoCloseable {
    /**
     * The column keys that carry each formatting's text and must be in some row when declared. Context columns
     * ({@code system}, {@code tools}, {@code history}) are left out: a shared dataset_info.json entry often names them
     * for files whose rows have none, which simply means no system prompt, tools or history. Media columns are checked
     * when used (see {@link RowConverter}).
     */
    private static final List<String> ALPACA_KEYS =
            List.of("prompt", "query", "response", "chosen", "rejected", "kto_tag");

    private static final List<String> CONVERSATION_KEYS = List.of("messages", "chosen", "rejected", "kto_tag");
    private static final int COLUMNS_SHOWN = 20;
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
    /** Declared column key to column name, for the keys the formatting reads. */
    private final Map<String, String> declared = new LinkedHashMap<>();
    /** Declared keys no parsed row of the current file has held yet. */
    private final Set<String> unseen = new LinkedHashSet<>();
    /** Column names of the current file's first rows, for messages. */
    private final Set<String> fileColumns = new LinkedHashSet<>();

    private long parsedInFile;
    private Path currentFile;

    /**
     * @param counter where rows are counted; counts are only taken when {@code firstPass} is true (a dataset
     *     restarted by oversampling is not counted twice)
     */
    DatasetPipeline(
            DatasetInfo info,
            DatasetFiles files,
            Stage stage,
            boolean strict,
            ReportCounter counter,
            boolean firstPass) {
        this.info = info;
        this.files = files;
        this.stage = stage;
        this.strict = strict;
        this.counter = firstPass ? counter : new ReportCounter(info.name(), counter.evaluation);
        this.countFiles = firstPass;
        this.converter = RowConverter.forInfo(info);
        this.reader = RowReader.forType(files.type());
        Map<String, String> all = info.columns().asMap();
        for (String key : info.formatting() == DatasetFormatting.ALPACA ? ALPACA_KEYS : CONVERSATION_KEYS) {
            if (info.declares(key)) {
                declared.put(key, all.get(key));
            }
        }
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
                currentFile = f;
                parsedInFile = 0;
                unseen.clear();
                unseen.addAll(declared.keySet());
                fileColumns.clear();
            }
            if (!rows.hasNext()) {
                checkDeclaredColumns(true);
                rows.close();
                rows = null;
                continue;
            }
            RawRow row = rows.next();
            counter.read();
            if (row.fields() != null) {
                parsedInFile++;
                if (!unseen.isEmpty()) {
                    unseen.removeIf(k -> row.fields().has(declared.get(k)));
                    Iterator<String> names = row.fields().fieldNames();
                    while (names.hasNext() && fileColumns.size() < COLUMNS_SHOWN) {
                        fileColumns.add(names.next());
                    }
                }
            }
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

    /**
     * Checks the file being read, for a caller that stops before its end ({@code max_samples}): a declared column
     * that none of the rows read so far holds is an error, as at the end of a file.
     *
     * @throws DatasetException naming the dataset, the file, the column key and the column
     */
    void checkDeclaredColumnsSoFar() {
        if (rows != null) {
            checkDeclaredColumns(false);
        }
    }

    /**
     * A column that {@code dataset_info.json} names and no row of a file holds would train on the other columns alone
     * (LLaMA-Factory raises a KeyError): refused, naming the dataset, file, key and column.
     */
    private void checkDeclaredColumns(boolean wholeFile) {
        if (parsedInFile == 0 || unseen.isEmpty()) {
            return;
        }
        List<String> missing = new ArrayList<>();
        String hint = "";
        for (String key : unseen) {
            String column = declared.get(key);
            missing.add("'" + column + "' (columns." + key + ")");
            if (hint.isEmpty()) {
                hint = Suggestions.didYouMean(column, fileColumns);
            }
        }
        close();
        throw new DatasetException("Dataset " + info.describe() + ": dataset_info.json names column"
                + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing) + ", but "
                + (wholeFile
                        ? "none of the " + parsedInFile + " rows of "
                        : "none of the first " + parsedInFile + " rows read from ")
                + currentFile + " " + (missing.size() == 1 ? "has it" : "has them")
                + "; the rows have " + fileColumns + hint + ". Correct the name in dataset_info.json (or remove the "
                + "key to use the default), or add the column to the file");
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
            case SFT -> r == 1
                    ? null
                    : "stage sft needs exactly one response, the row has " + r
                            + (r == 0 ? " (a prompt-only row)" : " (a preference pair)");
            case RM, DPO -> r == 2
                    ? null
                    : "stage " + stage.key() + " needs a chosen and a rejected response, the row " + "has " + r;
            case KTO -> r == 1 && e.ktoTag() != null
                    ? null
                    : "stage kto needs one response with a kto_tag"
                            + (e.ktoTag() == null ? "; the row has no tag" : "; the row has " + r + " responses");
        };
    }
}
