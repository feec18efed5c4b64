package ai.llamafactory.api.chat;

import java.util.Objects;

/**
 * A piece of streamed reply text. Pieces are whole characters: a model never splits a UTF-8 sequence or a surrogate
 * pair across two deltas, so the concatenation of all deltas is the reply text.
 *
 * @param text the new text, never empty
 * @param tokens how many generated tokens this piece covers (0 when it only completes text held back earlier)
 */
public record ChatDelta(String text, int tokens) {
    /** Checks the values. */
    public ChatDelta {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            throw new IllegalArgumentException("a delta carries at least one character");
        }
        if (tokens < 0) {
            throw new IllegalArgumentException("tokens must be >= 0, got " + tokens);
        }
    }
}
