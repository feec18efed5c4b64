package ai.llamafactory.core.generate;

/**
 * Edits the next-token logits of one row before sampling filters apply (after the repetition penalty, before the
 * temperature), like a transformers {@code LogitsProcessor}: forbid tokens (set them to negative infinity), force a
 * token, constrain to a grammar. Called on the generating thread.
 */
@FunctionalInterface
public interface LogitsProcessor {

    /**
     * @param row index of the prompt in the request
     * @param prompt the row's prompt ids (do not modify)
     * @param generated the ids generated for the row so far (do not modify)
     * @param logits the vocabulary logits of the next token, fp32, edited in place
     */
    void process(int row, int[] prompt, int[] generated, float[] logits);
}
