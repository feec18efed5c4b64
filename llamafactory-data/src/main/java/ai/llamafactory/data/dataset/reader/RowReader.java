package ai.llamafactory.data.dataset.reader;

import java.nio.file.Path;

/** Opens a dataset file as a stream of rows. */
@FunctionalInterface
public interface RowReader {
    /**
     * Opens a file. Nothing beyond the first row is read until asked for.
     *
     * @param file the file
     * @return its rows
     * @throws ai.llamafactory.api.exception.DatasetException when the file cannot be opened or is not of the expected
     *     kind, naming the file
     */
    RowIterator open(Path file);

    /**
     * @param type a file type
     * @return the reader for it
     * @throws ai.llamafactory.api.exception.DatasetException for {@link FileType#ARROW}
     */
    static RowReader forType(FileType type) {
        return switch (type) {
            case JSON -> new JsonRowReader();
            case JSONL -> new JsonLinesRowReader();
            case CSV -> new CsvRowReader();
            case PARQUET -> new ParquetRowReader();
            case TXT -> new TextRowReader();
            case ARROW -> file -> {
                throw new ai.llamafactory.api.exception.DatasetException(
                        file + ": Arrow files are not supported; save the dataset as parquet or jsonl instead");
            };
        };
    }
}
