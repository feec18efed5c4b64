package ai.llamafactory.data.encode;

import java.util.List;

/**
 * The result of encoding a list of examples: what was encoded and what was dropped (with reasons).
 *
 * @param examples the encoded examples, in input order
 * @param dropped the examples that were left out
 * @param <T> the encoded type
 */
public record EncodedDataset<T>(List<T> examples, List<DroppedExample> dropped) {
    /** Copies the lists. */
    public EncodedDataset {
        examples = List.copyOf(examples);
        dropped = List.copyOf(dropped);
    }
}
