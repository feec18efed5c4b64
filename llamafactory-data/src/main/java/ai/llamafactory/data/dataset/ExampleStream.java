package ai.llamafactory.data.dataset;

import ai.llamafactory.data.AlignedExample;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Training examples read lazily from files: one pass over the mixed datasets, holding only the rows in flight (and
 * the shuffle buffer). Close it to release the files; {@link #report()} tells what has been read so far.
 */
public final class ExampleStream implements Iterator<AlignedExample>, AutoCloseable {
    private final Iterator<AlignedExample> source;
    private final List<AutoCloseable> resources;
    private final Supplier<LoadReport> report;
    private boolean closed;

    ExampleStream(Iterator<AlignedExample> source, List<AutoCloseable> resources, Supplier<LoadReport> report) {
        this.source = source;
        this.resources = resources;
        this.report = report;
    }

    @Override
    public boolean hasNext() {
        if (closed) {
            return false;
        }
        boolean has = source.hasNext();
        if (!has) {
            close();
        }
        return has;
    }

    @Override
    public AlignedExample next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return source.next();
    }

    /** @return the examples as a sequential stream; closing the stream closes this */
    public Stream<AlignedExample> stream() {
        return StreamSupport.stream(
                        Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(this::close);
    }

    /** @return the counts so far (final once the stream is exhausted) */
    public LoadReport report() {
        return report.get();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception ignored) {
                // files opened only for reading
            }
        }
    }
}
