package ai.llamafactory.core.generate;

/**
 * Turns token ids into text: a tokenizer's {@code decode}, e.g. {@code ids -> tokenizer.decode(ids, true)}.
 *
 * <p>It is called on windows of the generated ids, not only on whole sequences, and must be a pure function of the
 * ids it is given. Where the ids end inside a multi-byte character it returns what tokenizers return: the text with a
 * trailing U+FFFD replacement character (or a dangling high surrogate); streaming holds such text back until the
 * character is complete.
 */
@FunctionalInterface
public interface Detokenizer {

    /**
     * @param ids token ids, in a fresh array the callee may keep
     * @return their text
     */
    String decode(int[] ids);
}
