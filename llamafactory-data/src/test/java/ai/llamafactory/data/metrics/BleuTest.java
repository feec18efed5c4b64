package ai.llamafactory.data.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.llamafactory.data.json.PythonFloats;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sentence BLEU-4 with NLTK's method-3 smoothing on characters, checked against values derived by hand from the
 * formulas: modified precisions p_n = clipped matches / hypothesis n-grams, the k-th order without a match replaced
 * by 1/(2^k * denominator), brevity penalty BP = exp(1 - r/c) when c <= r, BLEU = BP * (p1 p2 p3 p4)^(1/4). The x100
 * values rounded to 4 decimals are what LLaMA-Factory reports; they were also confirmed with NLTK 3.8.
 */
class BleuTest {
    /** The raw score may differ from NLTK's in the last bit (JVM vs C library exp/log); the reported value may not. */
    private static final double ULPS = 1e-15;

    @Test
    void oneWrongLastCharacter() {
        // hyp a b c d, ref a b c e
        // p1 = 3/4 (a, b, c), p2 = 2/3 (ab, bc of ab bc cd), p3 = 1/2 (abc of abc bcd), p4 = 0/1 -> 1/(2^1 * 1) = 1/2
        // c = r = 4 -> BP = exp(0) = 1; BLEU = (3/4 * 2/3 * 1/2 * 1/2)^(1/4) = (1/8)^(1/4) = 2^(-3/4)
        BleuScore score = Bleu.characterBleu("abcd", "abce");
        assertThat(score.matches()).containsExactly(3, 2, 1, 0);
        assertThat(score.totals()).containsExactly(4, 3, 2, 1);
        assertThat(score.precisions()).containsExactly(0.75, 2.0 / 3, 0.5, 0.5);
        assertThat(score.brevityPenalty()).isEqualTo(1.0);
        assertThat(score.score()).isCloseTo(Math.pow(2, -0.75), within(ULPS)).isCloseTo(0.5946035575, within(1e-10));
        assertThat(PythonFloats.round(score.score() * 100, 4)).isEqualTo(59.4604);
    }

    @Test
    void shortPredictionIsPenalisedForBrevity() {
        // hyp "hello" (5 chars) is a prefix of ref "hello world" (11 chars): every n-gram matches, p_n = 1
        // BP = exp(1 - 11/5) = exp(-1.2) = 0.301194211912202; BLEU = BP
        BleuScore score = Bleu.characterBleu("hello", "hello world");
        assertThat(score.matches()).containsExactly(5, 4, 3, 2);
        assertThat(score.totals()).containsExactly(5, 4, 3, 2);
        assertThat(score.hypothesisLength()).isEqualTo(5);
        assertThat(score.referenceLength()).isEqualTo(11);
        assertThat(score.brevityPenalty()).isCloseTo(Math.exp(-1.2), within(ULPS));
        assertThat(score.score()).isCloseTo(0.301194211912202, within(ULPS));
        assertThat(PythonFloats.round(score.score() * 100, 4)).isEqualTo(30.1194);
    }

    @Test
    void chineseCharactersAreTheTokens() {
        // hyp 我爱北京 (4 chars) against ref 我爱北京天安门 (7): p_n = 1 for n = 1..4
        // BP = exp(1 - 7/4) = exp(-0.75) = 0.4723665527410147
        BleuScore score = Bleu.characterBleu("我爱北京", "我爱北京天安门");
        assertThat(score.precisions()).containsExactly(1.0, 1.0, 1.0, 1.0);
        assertThat(score.score()).isCloseTo(Math.exp(-0.75), within(ULPS));
        assertThat(PythonFloats.round(score.score() * 100, 4)).isEqualTo(47.2367);

        // the other way round the hypothesis is longer (c = 7 > r = 4): BP = 1
        // p1 = 4/7, p2 = 3/6, p3 = 2/5, p4 = 1/4; BLEU = (24/840)^(1/4) = (1/35)^(1/4) = 0.41113361690051975
        BleuScore longer = Bleu.characterBleu("我爱北京天安门", "我爱北京");
        assertThat(longer.matches()).containsExactly(4, 3, 2, 1);
        assertThat(longer.totals()).containsExactly(7, 6, 5, 4);
        assertThat(longer.brevityPenalty()).isEqualTo(1.0);
        assertThat(longer.score()).isCloseTo(Math.pow(35, -0.25), within(ULPS));
        assertThat(PythonFloats.round(longer.score() * 100, 4)).isEqualTo(41.1134);
    }

    @Test
    void spacesAreCharactersToo() {
        // hyp a b ' ' c d, ref a b ' ' d c
        // p1 = 5/5; bigrams ab, "b ", " c", cd vs ab, "b ", " d", dc -> p2 = 2/4
        // trigrams "ab ", "b c", " cd" vs "ab ", "b d", " dc" -> p3 = 1/3; p4 = 0/2 -> 1/(2 * 2) = 1/4
        // BP = 1; BLEU = (1 * 1/2 * 1/3 * 1/4)^(1/4) = (1/24)^(1/4) = 0.4518010018049224
        BleuScore score = Bleu.characterBleu("ab cd", "ab dc");
        assertThat(score.matches()).containsExactly(5, 2, 1, 0);
        assertThat(score.totals()).containsExactly(5, 4, 3, 2);
        assertThat(score.precisions().get(3)).isEqualTo(0.25);
        assertThat(score.score()).isCloseTo(Math.pow(24, -0.25), within(ULPS));
        assertThat(PythonFloats.round(score.score() * 100, 4)).isEqualTo(45.1801);
    }

    @Test
    void smoothingGrowsGeometricallyForEachOrderWithoutMatch() {
        // hyp a b c (3), ref a b d x (4)
        // p1 = 2/3, p2 = 1/2 (ab of ab bc), p3 = 0/1 -> k=1: 1/(2*1) = 1/2, p4: no 4-gram, 0/max(1,0) -> k=2: 1/(4*1)
        // BP = exp(1 - 4/3); BLEU = exp(-1/3) * (2/3 * 1/2 * 1/2 * 1/4)^(1/4) = exp(-1/3) * (1/24)^(1/4)
        //      = 0.7165313105737893 * 0.4518010018049224 = 0.32372956394183194
        BleuScore score = Bleu.characterBleu("abc", "abdx");
        assertThat(score.matches()).containsExactly(2, 1, 0, 0);
        assertThat(score.totals()).containsExactly(3, 2, 1, 1);
        assertThat(score.precisions()).containsExactly(2.0 / 3, 0.5, 0.5, 0.25);
        assertThat(score.score()).isCloseTo(Math.exp(1 - 4.0 / 3) * Math.pow(24, -0.25), within(ULPS));
        assertThat(PythonFloats.round(score.score() * 100, 4)).isEqualTo(32.373);
    }

    @Test
    void repeatedCharactersAreClippedToTheReferenceCount() {
        // hyp a a a a, ref a a: unigram a x4 clipped to 2 -> p1 = 2/4; bigram aa x3 clipped to 1 -> p2 = 1/3
        // p3 = 0/2 -> 1/(2*2) = 1/4; p4 = 0/1 -> 1/(4*1) = 1/4; c = 4 > r = 2 -> BP = 1
        // BLEU = (1/2 * 1/3 * 1/4 * 1/4)^(1/4) = (1/96)^(1/4) = 0.31947155212313627
        BleuScore score = Bleu.characterBleu("aaaa", "aa");
        assertThat(score.matches()).containsExactly(2, 1, 0, 0);
        assertThat(score.totals()).containsExactly(4, 3, 2, 1);
        assertThat(score.score()).isCloseTo(Math.pow(96, -0.25), within(ULPS));
        assertThat(PythonFloats.round(score.score() * 100, 4)).isEqualTo(31.9472);
    }

    @Test
    void englishSentence() {
        // 22 characters against 21; clipped counts (by hand, confirmed with nltk's modified_precision):
        // p1 = 20/22 (one extra t and a, the s of "sat" matches the s of "is"), p2 = 17/21, p3 = 15/20, p4 = 13/19
        // BP = 1 (22 > 21); BLEU = (66300/175560)^(1/4) = 0.7839204411491599
        BleuScore score = Bleu.characterBleu("the cat sat on the mat", "the cat is on the mat");
        assertThat(score.matches()).containsExactly(20, 17, 15, 13);
        assertThat(score.totals()).containsExactly(22, 21, 20, 19);
        assertThat(score.score()).isCloseTo(Math.pow(66300.0 / 175560, 0.25), within(ULPS));
        assertThat(PythonFloats.round(score.score() * 100, 4)).isEqualTo(78.392);
    }

    @Test
    void identicalStringsScoreOneButOnlyFromFourCharacters() {
        assertThat(Bleu.characterBleu("abcd", "abcd").score()).isEqualTo(1.0);
        assertThat(Bleu.characterBleu("今天天气很好", "今天天气很好").score()).isEqualTo(1.0);
        // "ab" against itself: p1 = p2 = 1, p3 = 0/1 -> 1/2, p4 = 0/1 -> 1/4: (1/8)^(1/4), not 1
        BleuScore shortOne = Bleu.characterBleu("ab", "ab");
        assertThat(shortOne.precisions()).containsExactly(1.0, 1.0, 0.5, 0.25);
        assertThat(PythonFloats.round(shortOne.score() * 100, 4)).isEqualTo(59.4604);
    }

    @Test
    void emptyPredictionOrLabelScoresZero() {
        // no unigram matches -> NLTK returns 0 before smoothing
        assertThat(Bleu.characterBleu("", "abc").score()).isEqualTo(0.0);
        assertThat(Bleu.characterBleu("abc", "").score()).isEqualTo(0.0);
        assertThat(Bleu.characterBleu("", "").score()).isEqualTo(0.0);
        assertThat(Bleu.characterBleu("", "abc").brevityPenalty()).isEqualTo(0.0);
        assertThat(Bleu.characterBleu("xyz", "abc").score()).isEqualTo(0.0);
    }

    @Test
    void supplementaryCharactersAreSingleTokens() {
        // Python's list() yields code points: 4 emoji are 4 tokens, identical -> 1
        assertThat(Bleu.characterBleu("😀😁😂🤣", "😀😁😂🤣").score()).isEqualTo(1.0);
        assertThat(Bleu.characterBleu("😀😁😂🤣", "😀😁😂🤣").hypothesisLength())
                .isEqualTo(4);
    }

    @Test
    void closestReferenceLengthPrefersTheShorterOnATie() {
        List<String> hyp = Collections.nCopies(12, "a");
        // references of 13 and 11: both 1 away, the shorter (11) counts, so c = 12 > r = 11 and BP = 1
        BleuScore tie = Bleu.sentenceBleu(List.of(Collections.nCopies(13, "a"), Collections.nCopies(11, "a")), hyp);
        assertThat(tie.referenceLength()).isEqualTo(11);
        assertThat(tie.brevityPenalty()).isEqualTo(1.0);
        // references of 13 and 2: 13 is closest, BP = exp(1 - 13/12) = 0.9200444146293233 (NLTK's doctest: 0.9200...)
        BleuScore closest = Bleu.sentenceBleu(List.of(Collections.nCopies(13, "a"), Collections.nCopies(2, "a")), hyp);
        assertThat(closest.referenceLength()).isEqualTo(13);
        assertThat(closest.brevityPenalty()).isCloseTo(0.9200444146293233, within(ULPS));
        // every n-gram is "a..a" and is clipped by the 13-long reference: p_n = 1, BLEU = BP
        assertThat(closest.score()).isCloseTo(closest.brevityPenalty(), within(ULPS));
    }

    @Test
    void aReferenceIsRequired() {
        assertThatThrownBy(() -> Bleu.sentenceBleu(List.of(), List.of("a")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reference");
    }
}
