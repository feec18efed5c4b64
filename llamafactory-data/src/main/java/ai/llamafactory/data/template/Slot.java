package ai.llamafactory.data.template;

import java.util.Objects;

/**
 * One piece of a template slot (LLaMA-Factory's {@code SLOTS} elements): a text with {@code {{content}}} /
 * {@code {{idx}}} placeholders, the tokenizer's bos or eos token, or a literal token looked up by its text. Each text
 * piece is tokenized on its own, so slot boundaries are token boundaries.
 */
public sealed interface Slot permits Slot.Text, Slot.BosToken, Slot.EosToken, Slot.LiteralToken {

    /**
     * @param text text, possibly with placeholders
     * @return a text slot
     */
    static Slot text(String text) {
        return new Text(text);
    }

    /** @return the tokenizer's bos token (nothing when the tokenizer has none) */
    static Slot bos() {
        return BosToken.INSTANCE;
    }

    /** @return the tokenizer's eos token (nothing when the tokenizer has none) */
    static Slot eos() {
        return EosToken.INSTANCE;
    }

    /**
     * @param token a token text that must be in the vocabulary, e.g. {@code <reserved_102>}
     * @return a literal token slot
     */
    static Slot token(String token) {
        return new LiteralToken(token);
    }

    /**
     * Text, tokenized on its own.
     *
     * @param text the text
     */
    record Text(String text) implements Slot {
        /** Checks for null. */
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /** The bos token of the tokenizer. */
    final class BosToken implements Slot {
        static final BosToken INSTANCE = new BosToken();

        private BosToken() {}

        @Override
        public String toString() {
            return "{bos_token}";
        }
    }

    /** The eos token of the tokenizer. */
    final class EosToken implements Slot {
        static final EosToken INSTANCE = new EosToken();

        private EosToken() {}

        @Override
        public String toString() {
            return "{eos_token}";
        }
    }

    /**
     * A token given by its text.
     *
     * @param token the token text
     */
    record LiteralToken(String token) implements Slot {
        /** Checks for null. */
        public LiteralToken {
            Objects.requireNonNull(token, "token");
        }
    }
}
