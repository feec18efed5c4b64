package ai.llamafactory.core.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Incremental detokenisation: split multi-byte characters, leading-space tokenizers, stop strings. */
class IncrementalDetokenizerTest {

    /** A byte-level vocabulary: every id stands for a byte sequence; decode is lossy UTF-8 (U+FFFD for broken bytes). */
    static final class ByteVocabulary implements Detokenizer {
        final List<byte[]> pieces = new ArrayList<>();

        int add(int... bytes) {
            byte[] b = new byte[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                b[i] = (byte) bytes[i];
            }
            pieces.add(b);
            return pieces.size() - 1;
        }

        int add(String text) {
            pieces.add(text.getBytes(StandardCharsets.UTF_8));
            return pieces.size() - 1;
        }

        @Override
        public String decode(int[] ids) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int id : ids) {
                out.writeBytes(pieces.get(id));
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    static List<String> stream(IncrementalDetokenizer d, int... ids) {
        List<String> out = new ArrayList<>();
        for (int id : ids) {
            out.add(d.push(id));
        }
        out.add(d.finish());
        return out;
    }

    @Test
    void multiByteCharactersSplitAcrossTokensAreHeldBackUntilComplete() {
        ByteVocabulary v = new ByteVocabulary();
        int a = v.add("a");
        int c3 = v.add(0xC3); // é = C3 A9
        int a9 = v.add(0xA9);
        int f09f = v.add(0xF0, 0x9F); // 😀 = F0 9F 98 80
        int b98 = v.add(0x98);
        int b80 = v.add(0x80);
        int euro = v.add("€");
        int e2 = v.add(0xE2); // ✓ = E2 9C 93
        int b9c93x = v.add(0x9C, 0x93, 'x');
        List<String> pieces =
                stream(new IncrementalDetokenizer(v, List.of()), a, c3, a9, f09f, b98, b80, euro, e2, b9c93x);
        assertThat(pieces).containsExactly("a", "", "é", "", "", "😀", "€", "", "✓x", "");
        for (String p : pieces) {
            assertThat(p).doesNotContain("\uFFFD");
        }
        assertThat(String.join("", pieces)).isEqualTo("aé😀€✓x");
    }

    @Test
    void anIncompleteCharacterAtTheEndIsReleasedByFinish() {
        ByteVocabulary v = new ByteVocabulary();
        int a = v.add("ok");
        int c3 = v.add(0xC3);
        IncrementalDetokenizer d = new IncrementalDetokenizer(v, List.of());
        assertThat(d.push(a)).isEqualTo("ok");
        assertThat(d.push(c3)).isEmpty();
        assertThat(d.finish()).isEqualTo("\uFFFD");
        assertThat(d.text()).isEqualTo("ok\uFFFD");
        assertThat(d.finish()).isEmpty();
        assertThatThrownBy(() -> d.push(a)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void invalidBytesAreReleasedAfterFourHeldTokens() {
        ByteVocabulary v = new ByteVocabulary();
        int bad = v.add(0xFF);
        int x = v.add("x");
        IncrementalDetokenizer d = new IncrementalDetokenizer(v, List.of());
        assertThat(d.push(bad)).isEmpty();
        assertThat(d.push(bad)).isEmpty();
        assertThat(d.push(bad)).isEmpty();
        assertThat(d.push(bad)).isEqualTo("\uFFFD\uFFFD\uFFFD\uFFFD");
        assertThat(d.push(x)).isEqualTo("x");
    }

    @Test
    void leadingSpaceOfAWordIsKeptWhenTheTokenizerStripsItFromTheFirstToken() {
        // SentencePiece-like: '▁' is a space, and decode drops the space that starts the decoded text.
        Map<Integer, String> vocab = Map.of(0, "▁Hello", 1, "▁world", 2, "!", 3, "▁again");
        Detokenizer sp = ids -> {
            StringBuilder s = new StringBuilder();
            for (int id : ids) {
                s.append(vocab.get(id).replace('▁', ' '));
            }
            return s.length() > 0 && s.charAt(0) == ' ' ? s.substring(1) : s.toString();
        };
        List<String> pieces = stream(new IncrementalDetokenizer(sp, List.of()), 0, 1, 2, 3);
        assertThat(pieces).containsExactly("Hello", " world", "!", " again", "");
        assertThat(String.join("", pieces)).isEqualTo(sp.decode(new int[] {0, 1, 2, 3}));
    }

    @Test
    void stopStringSpanningTokensCutsTheTextAndEndsTheStream() {
        ByteVocabulary v = new ByteVocabulary();
        int he = v.add("he");
        int llo = v.add("llo");
        int wor = v.add(" wor");
        int ld = v.add("ld");
        IncrementalDetokenizer d = new IncrementalDetokenizer(v, List.of("o w", "xyz"));
        assertThat(d.push(he)).isEqualTo("he");
        assertThat(d.push(llo)).isEqualTo("ll"); // "o" may start "o w"
        assertThat(d.matchedStop()).isNull();
        assertThat(d.push(wor)).isEqualTo("");
        assertThat(d.matchedStop()).isEqualTo("o w");
        assertThat(d.text()).isEqualTo("hell");
        assertThat(d.finish()).isEmpty();
        assertThatThrownBy(() -> d.push(ld)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aHeldBackStopPrefixIsReleasedWhenItCannotComplete() {
        ByteVocabulary v = new ByteVocabulary();
        int ab = v.add("ab ");
        int x = v.add("x");
        int y = v.add("y");
        int q = v.add("q");
        IncrementalDetokenizer d = new IncrementalDetokenizer(v, List.of("xyz"));
        assertThat(d.push(ab)).isEqualTo("ab ");
        assertThat(d.push(x)).isEmpty();
        assertThat(d.push(y)).isEmpty();
        assertThat(d.push(q)).isEqualTo("xyq");
        assertThat(d.push(x)).isEmpty();
        assertThat(d.finish()).isEqualTo("x"); // the end of the stream releases a held prefix
        assertThat(d.text()).isEqualTo("ab xyqx");
        assertThat(d.matchedStop()).isNull();
    }

    @Test
    void theEarliestOfSeveralStopStringsWins() {
        ByteVocabulary v = new ByteVocabulary();
        int t = v.add("one END two STOP");
        IncrementalDetokenizer d = new IncrementalDetokenizer(v, List.of("STOP", "END"));
        assertThat(d.push(t)).isEqualTo("one ");
        assertThat(d.matchedStop()).isEqualTo("END");
    }
}
