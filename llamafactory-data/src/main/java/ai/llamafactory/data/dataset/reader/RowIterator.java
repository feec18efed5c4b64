package ai.llamafactory.data.dataset.reader;

import java.util.Iterator;

/**
 * Rows read lazily from one file; close it to release the file.
 * {@link ai.llamafactory.api.exception.DatasetException} is thrown from {@link #hasNext()} or {@link #next()} when
 * the file itself is broken (not valid JSON, a truncated Parquet file).
 */
public interface RowIterator extends Iterator<RawRow>, AutoCloseable {
    /** Releases the file. Never throws. */
    @Override
    void close();
}
