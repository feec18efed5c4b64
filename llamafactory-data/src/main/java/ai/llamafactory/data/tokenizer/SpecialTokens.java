package ai.llamafactory.data.tokenizer;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The named special tokens of a tokenizer ({@code bos_token}, {@code eos_token}, {@code pad_token},
 * {@code unk_token}, {@code additional_special_tokens}) with their ids. A token that the tokenizer does not define is
 * absent; its id is then absent too.
 *
 * @param bos the beginning-of-sequence token
 * @param eos the end-of-sequence token
 * @param pad the padding token
 * @param unk the unknown-word token
 * @param additional the {@code additional_special_tokens}, in declaration order
 */
public record SpecialTokens(
        Optional<TokenAndId> bos,
        Optional<TokenAndId> eos,
        Optional<TokenAndId> pad,
        Optional<TokenAndId> unk,
        List<TokenAndId> additional) {

    /** Checks for nulls and copies the list. */
    public SpecialTokens {
        Objects.requireNonNull(bos, "bos");
        Objects.requireNonNull(eos, "eos");
        Objects.requireNonNull(pad, "pad");
        Objects.requireNonNull(unk, "unk");
        additional = List.copyOf(Objects.requireNonNull(additional, "additional"));
    }

    /**
     * One special token and its id in the vocabulary.
     *
     * @param token the token text, e.g. {@code <|im_end|>}
     * @param id its id
     */
    public record TokenAndId(String token, int id) {
        /** Checks for null. */
        public TokenAndId {
            Objects.requireNonNull(token, "token");
        }
    }

    /** @return the bos token id, absent when the tokenizer has no bos token */
    public OptionalInt bosId() {
        return bos.map(t -> OptionalInt.of(t.id())).orElse(OptionalInt.empty());
    }

    /** @return the eos token id, absent when the tokenizer has no eos token */
    public OptionalInt eosId() {
        return eos.map(t -> OptionalInt.of(t.id())).orElse(OptionalInt.empty());
    }

    /** @return the pad token id, absent when the tokenizer has no pad token */
    public OptionalInt padId() {
        return pad.map(t -> OptionalInt.of(t.id())).orElse(OptionalInt.empty());
    }

    /**
     * @param newBos the replacement bos token, or absent
     * @return a copy with another bos token
     */
    public SpecialTokens withBos(Optional<TokenAndId> newBos) {
        return new SpecialTokens(newBos, eos, pad, unk, additional);
    }

    /**
     * @param newEos the replacement eos token, or absent
     * @return a copy with another eos token
     */
    public SpecialTokens withEos(Optional<TokenAndId> newEos) {
        return new SpecialTokens(bos, newEos, pad, unk, additional);
    }

    /**
     * @param newPad the replacement pad token, or absent
     * @return a copy with another pad token
     */
    public SpecialTokens withPad(Optional<TokenAndId> newPad) {
        return new SpecialTokens(bos, eos, newPad, unk, additional);
    }

    /**
     * @param newAdditional the replacement additional special tokens
     * @return a copy with other additional special tokens
     */
    public SpecialTokens withAdditional(List<TokenAndId> newAdditional) {
        return new SpecialTokens(bos, eos, pad, unk, newAdditional);
    }
}
