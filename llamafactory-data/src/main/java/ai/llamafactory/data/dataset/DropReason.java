package ai.llamafactory.data.dataset;

/** Why a row was not turned into an example. Counted per dataset in the {@link LoadReport}. */
public enum DropReason {
    /** The record is not valid JSON (a JSON-lines line) or not a JSON object. */
    UNREADABLE_ROW("unreadable row"),
    /** A column the formatting needs is absent or null (e.g. {@code conversations}, a message's {@code value}). */
    MISSING_FIELD("missing field"),
    /** A value has the wrong JSON type (e.g. a number where text is expected, an object where a list is). */
    WRONG_TYPE("wrong type"),
    /** An alpaca {@code history} entry is not a {@code [query, answer]} pair of strings. */
    INVALID_HISTORY("invalid history"),
    /** Nothing to learn from: an empty conversation, or an alpaca row with neither prompt nor response text. */
    EMPTY_ROW("empty row"),
    /** A role value that matches none of the dataset's tags. */
    UNKNOWN_ROLE("unknown role"),
    /** A known role at the wrong position: user/observation turns must alternate with assistant/function turns. */
    INVALID_ROLE("role out of order"),
    /** An even number of turns for SFT (the last must be the model's) or an odd number for pairwise data. */
    INVALID_MESSAGE_COUNT("invalid message count"),
    /** A ranking row without chosen and rejected answers of the right type and role. */
    INVALID_PREFERENCE("invalid preference pair"),
    /** A KTO tag that is not a boolean. */
    INVALID_KTO_TAG("invalid kto tag"),
    /** The example's shape does not suit the training stage (e.g. a prompt-only row for SFT). */
    STAGE_MISMATCH("not usable for the stage");

    private final String label;

    DropReason(String label) {
        this.label = label;
    }

    /** @return a short human-readable label */
    public String label() {
        return label;
    }
}
