package ai.llamafactory.api.data;

import java.util.List;
import java.util.Objects;

/**
 * The encoded examples of one split ({@code train}, {@code validation} or {@code validation_<dataset>}), all of one
 * {@link EncodedRecord.Kind}. Immutable. Use the typed accessor that fits the stage:
 *
 * <pre>{@code
 * for (EncodedSequence s : data.train().sequences()) { ... }   // pt, sft
 * for (EncodedPair p : data.train().pairs()) { ... }           // rm, dpo
 * }</pre>
 */
public final class EncodedSplit {
    private final String name;
    private final EncodedRecord.Kind kind;
    private final List<EncodedRecord> records;
    private final long tokenCount;
    private final long labelCount;

    /**
     * @param name the split name, e.g. {@code train}
     * @param kind the record type
     * @param records the records, all of that type
     * @throws IllegalArgumentException when a record is of another kind
     */
    public EncodedSplit(String name, EncodedRecord.Kind kind, List<? extends EncodedRecord> records) {
        this.name = Objects.requireNonNull(name, "name");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.records = List.copyOf(records);
        long tokens = 0;
        long labels = 0;
        for (EncodedRecord r : this.records) {
            if (r.kind() != kind) {
                throw new IllegalArgumentException("split '" + name + "' holds " + kind.key() + " records, got a "
                        + r.kind().key() + " record");
            }
            tokens += r.tokenCount();
            labels += r.labelCount();
        }
        this.tokenCount = tokens;
        this.labelCount = labels;
    }

    /**
     * @param name the split name
     * @param kind the record type
     * @return a split without records
     */
    public static EncodedSplit empty(String name, EncodedRecord.Kind kind) {
        return new EncodedSplit(name, kind, List.of());
    }

    /** @return the split name, e.g. {@code train} or {@code validation} */
    public String name() {
        return name;
    }

    /** @return the type of every record */
    public EncodedRecord.Kind kind() {
        return kind;
    }

    /** @return the number of records (rows: a packed row counts once) */
    public int size() {
        return records.size();
    }

    /** @return whether the split has no record */
    public boolean isEmpty() {
        return records.isEmpty();
    }

    /** @return the sum of {@link EncodedRecord#tokenCount()} */
    public long tokenCount() {
        return tokenCount;
    }

    /** @return the sum of {@link EncodedRecord#labelCount()}: the tokens a loss is taken on */
    public long labelCount() {
        return labelCount;
    }

    /** @return the records, in order */
    public List<EncodedRecord> records() {
        return records;
    }

    /**
     * @return the records as sequences
     * @throws IllegalStateException when the split holds another kind
     */
    public List<EncodedSequence> sequences() {
        return typed(EncodedRecord.Kind.SEQUENCE);
    }

    /**
     * @return the records as preference pairs
     * @throws IllegalStateException when the split holds another kind
     */
    public List<EncodedPair> pairs() {
        return typed(EncodedRecord.Kind.PAIR);
    }

    /**
     * @return the records as KTO examples
     * @throws IllegalStateException when the split holds another kind
     */
    public List<EncodedFeedback> feedback() {
        return typed(EncodedRecord.Kind.FEEDBACK);
    }

    /**
     * @return the records as prompts
     * @throws IllegalStateException when the split holds another kind
     */
    public List<EncodedPrompt> prompts() {
        return typed(EncodedRecord.Kind.PROMPT);
    }

    @SuppressWarnings("unchecked")
    private <T extends EncodedRecord> List<T> typed(EncodedRecord.Kind wanted) {
        if (kind != wanted) {
            throw new IllegalStateException(
                    "split '" + name + "' holds " + kind.key() + " records, not " + wanted.key() + " records");
        }
        return (List<T>) (List<?>) records;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncodedSplit s && name.equals(s.name) && kind == s.kind && records.equals(s.records);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, kind, records);
    }

    @Override
    public String toString() {
        return "EncodedSplit[" + name + ", " + records.size() + " " + kind.key() + " records, " + tokenCount
                + " tokens]";
    }
}
