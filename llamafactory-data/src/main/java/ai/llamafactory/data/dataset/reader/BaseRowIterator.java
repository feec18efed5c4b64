package ai.llamafactory.data.dataset.reader;

import ai.llamafactory.api.exception.DatasetException;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.NoSuchElementException;

/** Look-ahead iterator over one file: subclasses produce the next row or null at the end. */
abstract class BaseRowIterator implements RowIterator {
    private final Closeable resource;
    private RawRow next;
    private boolean done;

    BaseRowIterator(Closeable resource) {
        this.resource = resource;
    }

    /**
     * @return the next row, or null when the file is exhausted
     * @throws IOException on a read failure (turned into a {@link DatasetException} naming the file)
     */
    protected abstract RawRow readNext() throws IOException;

    /** @return the file name for messages */
    protected abstract String fileName();

    @Override
    public final boolean hasNext() {
        if (next != null) {
            return true;
        }
        if (done) {
            return false;
        }
        try {
            next = readNext();
        } catch (Utf8FileReader.InvalidUtf8Exception e) {
            close();
            throw new DatasetException(e.getMessage(), e);
        } catch (IOException | UncheckedIOException e) {
            close();
            throw new DatasetException("Cannot read " + fileName() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        if (next == null) {
            close();
        }
        return next != null;
    }

    @Override
    public final RawRow next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        RawRow r = next;
        next = null;
        return r;
    }

    @Override
    public final void close() {
        if (done) {
            return;
        }
        done = true;
        try {
            resource.close();
        } catch (IOException ignored) {
            // closing a file we only read: nothing to recover
        }
    }
}
