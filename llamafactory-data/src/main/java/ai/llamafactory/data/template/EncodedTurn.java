package ai.llamafactory.data.template;

import java.util.Objects;

/**
 * One (source, target) pair of an encoded conversation: the prompt part of a turn (labels masked in SFT) and the
 * response part (labels learned).
 *
 * @param sourceIds the prompt tokens of the turn (for the first turn: prefix, system prompt and query)
 * @param targetIds the response tokens of the turn
 */
public record EncodedTurn(int[] sourceIds, int[] targetIds) {
    /** Checks for nulls. */
    public EncodedTurn {
        Objects.requireNonNull(sourceIds, "sourceIds");
        Objects.requireNonNull(targetIds, "targetIds");
    }
}
