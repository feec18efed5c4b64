package ai.llamafactory.core.generate;

import ai.llamafactory.api.chat.FinishReason;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * What was generated for one prompt.
 *
 * <p>{@link #tokens()} holds every generated id, the end-of-sequence id that finished the row included (as
 * transformers' {@code generate} returns it); {@link #text()} is decoded from the ids before that end-of-sequence id
 * and cut before a matched stop string (as OpenAI's API returns it). Without a {@link Detokenizer} the text is empty.
 */
public final class GenerationOutput {
    private final int row;
    private final int promptLength;
    private final int[] tokens;
    private final String text;
    private final FinishReason finishReason;
    private final String stopString;

    /**
     * @param row index of the prompt in the request
     * @param promptLength number of prompt tokens
     * @param tokens the generated ids (copied)
     * @param text the decoded text
     * @param finishReason why the row stopped ({@link FinishReason#STOP} for the eos token and for a stop string)
     * @param stopString the stop string that matched, or null
     */
    public GenerationOutput(
            int row, int promptLength, int[] tokens, String text, FinishReason finishReason, String stopString) {
        this.row = row;
        this.promptLength = promptLength;
        this.tokens = tokens.clone();
        this.text = Objects.requireNonNull(text, "text");
        this.finishReason = Objects.requireNonNull(finishReason, "finishReason");
        this.stopString = stopString;
    }

    /** @return index of the prompt in the request */
    public int row() {
        return row;
    }

    /** @return the number of prompt tokens */
    public int promptLength() {
        return promptLength;
    }

    /** @return the generated token ids (a copy) */
    public int[] tokens() {
        return tokens.clone();
    }

    /** @return the number of generated tokens */
    public int tokenCount() {
        return tokens.length;
    }

    /** @return the generated text (empty without a detokenizer) */
    public String text() {
        return text;
    }

    /** @return why the row stopped */
    public FinishReason finishReason() {
        return finishReason;
    }

    /** @return the stop string that ended the row, when one did */
    public Optional<String> stopString() {
        return Optional.ofNullable(stopString);
    }

    @Override
    public String toString() {
        return "GenerationOutput{row=" + row + ", tokens=" + Arrays.toString(tokens) + ", text=" + text + ", finish="
                + finishReason + (stopString == null ? "" : ", stop=" + stopString) + "}";
    }
}
