package ai.llamafactory.data.tokenizer;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What chat templates, encoders and the audit need from a tokenizer. Implementations never truncate: an input of any
 * length comes back whole. Implementations are safe to use from several threads at once.
 *
 * <p>Ids are {@code int}: every vocabulary in use is far below 2<sup>31</sup>.
 */
public interface Tokenizer {

    /**
     * Tokenizes a text.
     *
     * @param text the text; special tokens written in it (e.g. {@code <|im_end|>}) become their ids
     * @param addSpecialTokens whether to let the tokenizer add its own special tokens (e.g. a leading bos), as
     *     transformers' {@code add_special_tokens}
     * @return the token ids, never truncated
     */
    int[] encode(String text, boolean addSpecialTokens);

    /**
     * Turns ids back into text.
     *
     * @param ids token ids
     * @param skipSpecialTokens whether to drop special tokens from the text
     * @return the text
     */
    String decode(int[] ids, boolean skipSpecialTokens);

    /**
     * @param token a token as written in the vocabulary (e.g. {@code <|im_end|>} or {@code Ġthe})
     * @return its id, absent when the vocabulary does not contain it
     */
    OptionalInt tokenToId(String token);

    /**
     * @param id a token id
     * @return the token text as written in the vocabulary, absent when the id is out of range
     */
    Optional<String> idToToken(int id);

    /** @return the number of ids, added tokens included (the largest id + 1) */
    int vocabSize();

    /**
     * @return the id the tokenizer gives text its vocabulary cannot represent: by default the named
     *     {@code unk_token}; absent when there is none (byte-level vocabularies need none)
     */
    default OptionalInt unknownTokenId() {
        return specialTokens().unk().map(t -> OptionalInt.of(t.id())).orElse(OptionalInt.empty());
    }

    /** @return the named special tokens */
    SpecialTokens specialTokens();

    /**
     * @param id a token id
     * @return whether the id belongs to a special token (skipped by {@code decode(ids, true)})
     */
    boolean isSpecialId(int id);

    /**
     * @return the default Jinja chat template ({@code chat_template.jinja}, or {@code chat_template} of
     *     {@code tokenizer_config.json}: the string, or the entry named {@code default} of the list form), absent when
     *     the tokenizer has none
     */
    Optional<String> chatTemplate();

    /**
     * @return whether the tokenizer config asks for a bos token at the start of plain texts ({@code add_bos_token},
     *     used by pre-training)
     */
    default boolean addBosToken() {
        return false;
    }

    /** @return every named chat template (the list form of {@code chat_template}), possibly empty */
    Map<String, String> namedChatTemplates();

    /**
     * Returns a view of this tokenizer with other special tokens (what LLaMA-Factory's {@code fix_special_tokens}
     * does to a tokenizer in place). The view shares the vocabulary with this tokenizer.
     *
     * @param tokens the special tokens of the view; their ids must be in this vocabulary
     * @return the view
     */
    Tokenizer withSpecialTokens(SpecialTokens tokens);
}
