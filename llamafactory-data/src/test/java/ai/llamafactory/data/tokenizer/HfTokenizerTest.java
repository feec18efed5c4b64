package ai.llamafactory.data.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.data.TestTokenizers;
import ai.llamafactory.testing.Conformance;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour of {@link HfTokenizer} beyond the golden cases. */
class HfTokenizerTest {

    @Test
    void longInputsAreNeverTruncated() {
        HfTokenizer tok = TestTokenizers.qwen3();
        String text = String.join(" ", java.util.Collections.nCopies(3000, "word"));
        int[] ids = tok.encode(text, true);
        assertThat(ids.length).isEqualTo(3000); // "word", then " word" 2999 times: one token each, none cut at 512
        assertThat(tok.decode(ids, false)).isEqualTo(text);
    }

    @Test
    void specialAndAddedTokensAndLookups() {
        HfTokenizer tok = TestTokenizers.qwen3();
        assertThat(tok.tokenToId("<|im_end|>")).hasValue(151645);
        assertThat(tok.tokenToId("<think>")).hasValue(151667);
        assertThat(tok.idToToken(151644)).contains("<|im_start|>");
        assertThat(tok.tokenToId("Hello")).hasValue(9707);
        assertThat(tok.tokenToId("no such token")).isEmpty();
        assertThat(tok.idToToken(-1)).isEmpty();
        assertThat(tok.vocabSize()).isEqualTo(151669);
        assertThat(tok.isSpecialId(151645)).isTrue();
        assertThat(tok.isSpecialId(9707)).isFalse();
        assertThat(tok.specialTokens().additional())
                .extracting(SpecialTokens.TokenAndId::token)
                .startsWith("<|im_start|>", "<|im_end|>");
        assertThat(tok.specialTokens().bos()).isEmpty();
        int[] ids = tok.encode("<|im_start|>user\nHi<|im_end|>", false);
        assertThat(tok.decode(ids, true)).isEqualTo("user\nHi");
        assertThat(tok.decode(ids, false)).isEqualTo("<|im_start|>user\nHi<|im_end|>");
    }

    @Test
    void specialTokenViewsShareTheVocabularyAndRejectUnknownIds() {
        HfTokenizer tok = TestTokenizers.qwen3();
        SpecialTokens st = tok.specialTokens().withPad(tok.specialTokens().eos());
        Tokenizer view = tok.withSpecialTokens(st);
        assertThat(view.specialTokens().padId()).hasValue(151645);
        assertThat(view.encode("Hi", false)).containsExactly(tok.encode("Hi", false));
        assertThatThrownBy(() -> tok.withSpecialTokens(
                        tok.specialTokens().withPad(java.util.Optional.of(new SpecialTokens.TokenAndId("<pad>", 5)))))
                .hasMessageContaining("'<pad>'");
    }

    @Test
    void chatTemplateListFormAndJinjaFile(@TempDir Path dir) throws Exception {
        Path source = Conformance.requireFolder("tokenizers/qwen3");
        Files.createSymbolicLink(
                dir.resolve("tokenizer.json"), source.resolve("tokenizer.json").toAbsolutePath());
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode)
                json.readTree(source.resolve("tokenizer_config.json").toFile());
        config.set(
                "chat_template",
                json.readTree("[{\"name\": \"default\", \"template\": \"D{{ messages|length }}\"},"
                        + " {\"name\": \"tool_use\", \"template\": \"T\"}]"));
        config.put("eos_token", "<|endoftext|>");
        config.put("model_max_length", 16);
        Files.writeString(dir.resolve("tokenizer_config.json"), json.writeValueAsString(config));
        try (HfTokenizer tok = HfTokenizer.load(dir)) {
            assertThat(tok.chatTemplate()).contains("D{{ messages|length }}");
            assertThat(tok.namedChatTemplates()).containsKeys("default", "tool_use");
            assertThat(tok.specialTokens().eosId()).hasValue(151643);
            // model_max_length is not a truncation limit either
            assertThat(tok.encode(String.join(" ", java.util.Collections.nCopies(100, "word")), true))
                    .hasSize(100);
        }
        Files.writeString(dir.resolve("chat_template.jinja"), "J{{ messages|length }}");
        try (HfTokenizer tok = HfTokenizer.load(dir)) {
            assertThat(tok.chatTemplate()).contains("J{{ messages|length }}");
        }
    }

    @Test
    void addedSpecialTokensGetNewIds() {
        HfTokenizer tok = TestTokenizers.qwen3();
        try (HfTokenizer extended = tok.withAddedSpecialTokens(List.of("<|new_stop|>", "<|im_end|>"))) {
            assertThat(extended.tokenToId("<|new_stop|>")).hasValue(151669);
            assertThat(extended.tokenToId("<|im_end|>")).hasValue(151645);
            assertThat(extended.encode("a<|new_stop|>", false)).endsWith(151669);
            assertThat(extended.vocabSize()).isEqualTo(151670);
        }
    }

    @Test
    void missingTokenizerJsonNamesTheFolder(@TempDir Path dir) {
        assertThatThrownBy(() -> HfTokenizer.load(dir))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("No tokenizer.json in " + dir.toAbsolutePath());
    }
}
