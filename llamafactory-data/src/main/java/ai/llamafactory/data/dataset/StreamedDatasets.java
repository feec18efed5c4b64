package ai.llamafactory.data.dataset;

import ai.llamafactory.data.AlignedExample;
import java.util.List;
import java.util.Map;

/**
 * Training data as a stream (for corpora larger than memory) and evaluation sets in memory.
 *
 * @param train the training examples, read lazily; close it when done
 * @param eval evaluation sets, keyed as in {@link LoadedDatasets#eval()}: a counted {@code val_size} is taken from
 *     the head of the (shuffled) stream
 */
public record StreamedDatasets(ExampleStream train, Map<String, List<AlignedExample>> eval) implements AutoCloseable {
    /** Copies the map. */
    public StreamedDatasets {
        eval = Map.copyOf(eval);
    }

    @Override
    public void close() {
        train.close();
    }
}
