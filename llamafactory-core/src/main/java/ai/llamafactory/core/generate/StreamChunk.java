package ai.llamafactory.core.generate;

import ai.llamafactory.api.chat.FinishReason;

/**
 * One streaming event: a token generated for one prompt, the text it completed, and whether it ended the sequence.
 *
 * <p>For every row, the concatenation of the {@code text} of its chunks equals the final
 * {@link GenerationOutput#text()}. Text is held back while it ends inside a multi-byte character or could be the
 * beginning of a stop string, so a chunk's text may be empty; the last chunk of a row carries whatever was held back
 * (cut before the stop string when one matched).
 *
 * @param row index of the prompt in the request
 * @param tokenId the generated token, or {@link #NO_TOKEN} for the last chunk of a cancelled row
 * @param step number of tokens generated for this row so far, this one included
 * @param text newly completed text (never a broken character), possibly empty
 * @param finishReason non-null on the row's last chunk
 */
public record StreamChunk(int row, int tokenId, int step, String text, FinishReason finishReason) {
    /** The token id of a chunk that carries no token (the last chunk of a cancelled row). */
    public static final int NO_TOKEN = -1;

    /** @return true when this chunk ends its row */
    public boolean isLast() {
        return finishReason != null;
    }
}
