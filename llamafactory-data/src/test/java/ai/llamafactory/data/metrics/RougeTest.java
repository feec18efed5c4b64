package ai.llamafactory.data.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.llamafactory.data.json.PythonFloats;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ROUGE as rouge_chinese computes it (distinct n-grams for ROUGE-N, plain LCS for ROUGE-L,
 * F = 2 * (p * r) / (p + r + 1e-8)), on hand-counted examples.
 */
class RougeTest {
    private static final double EXACT = 0.0;

    private static double f(double p, double r) {
        return 2.0 * ((p * r) / (p + r + 1e-8));
    }

    @Test
    void englishWordsCountDistinctNgrams() {
        // words: the cat sat on the mat | the cat is on the mat (jieba's space tokens collapse when re-split)
        RougeScores s = Rouge.scoreTokens(
                JiebaTokenizer.defaultTokenizer().cut("the cat sat on the mat"),
                JiebaTokenizer.defaultTokenizer().cut("the cat is on the mat"));
        // ROUGE-1: distinct {the, cat, sat, on, mat} vs {the, cat, is, on, mat}: 4 shared of 5 and 5 -> p = r = 0.8
        // (counting repeats would give 5/6: rouge_chinese's default exclusive=True uses sets)
        assertThat(s.rouge1().p()).isEqualTo(0.8);
        assertThat(s.rouge1().r()).isEqualTo(0.8);
        assertThat(s.rouge1().f()).isCloseTo(f(0.8, 0.8), within(EXACT));
        // ROUGE-2: {the cat, cat sat, sat on, on the, the mat} vs {the cat, cat is, is on, on the, the mat}: 3 of 5
        assertThat(s.rouge2().p()).isEqualTo(0.6);
        assertThat(s.rouge2().r()).isEqualTo(0.6);
        // ROUGE-L: LCS "the cat on the mat" = 5 words of 6 and 6
        assertThat(s.rougeL().p()).isEqualTo(5.0 / 6);
        assertThat(s.rougeL().r()).isEqualTo(5.0 / 6);
        // x100 rounded to 4 decimals as LLaMA-Factory reports: 79.9999995 -> 80.0, 59.9999994 -> 60.0, 83.3333
        assertThat(PythonFloats.round(s.rouge1().f() * 100, 4)).isEqualTo(80.0);
        assertThat(PythonFloats.round(s.rouge2().f() * 100, 4)).isEqualTo(60.0);
        assertThat(PythonFloats.round(s.rougeL().f() * 100, 4)).isEqualTo(83.3333);
    }

    @Test
    void chineseWordsFromJieba() {
        // jieba: 我 / 爱 / 北京 / 天安门 against 我 / 爱 / 北京
        RougeScores s = Rouge.scoreTokens(List.of("我", "爱", "北京", "天安门"), List.of("我", "爱", "北京"));
        // ROUGE-1: 3 shared, p = 3/4, r = 3/3 -> F = 2 * 0.75 / 1.75 = 0.857142852...
        assertThat(s.rouge1().p()).isEqualTo(0.75);
        assertThat(s.rouge1().r()).isEqualTo(1.0);
        assertThat(s.rouge1().f()).isEqualTo(f(0.75, 1.0)).isCloseTo(6.0 / 7, within(1e-8));
        // ROUGE-2: {我爱, 爱北京, 北京天安门} vs {我爱, 爱北京}: p = 2/3, r = 1 -> F = 0.8
        assertThat(s.rouge2().p()).isEqualTo(2.0 / 3);
        assertThat(s.rouge2().f()).isEqualTo(f(2.0 / 3, 1.0)).isCloseTo(0.8, within(1e-8));
        // ROUGE-L: LCS 3 of 4 and 3
        assertThat(s.rougeL().f()).isEqualTo(s.rouge1().f());
        assertThat(PythonFloats.round(s.rouge1().f() * 100, 4)).isEqualTo(85.7143);
        assertThat(PythonFloats.round(s.rouge2().f() * 100, 4)).isEqualTo(80.0);
    }

    @Test
    void identicalTextsReachOneHundredAfterRounding() {
        RougeScores s = Rouge.score("今天 天气 很 好", "今天 天气 很 好");
        // p = r = 1 -> F = 2 / (2 + 1e-8) = 0.999999995, x100 = 99.9999995 -> round(., 4) = 100.0
        assertThat(s.rouge1().f()).isEqualTo(2.0 / (2.0 + 1e-8));
        assertThat(PythonFloats.round(s.rouge1().f() * 100, 4)).isEqualTo(100.0);
        assertThat(PythonFloats.round(s.rouge2().f() * 100, 4)).isEqualTo(100.0);
        assertThat(PythonFloats.round(s.rougeL().f() * 100, 4)).isEqualTo(100.0);
    }

    @Test
    void repeatedWordsCountOnceForRougeNButTwiceForRougeL() {
        // hyp a a b, ref a b: distinct unigrams {a, b} both shared -> p = r = 1
        RougeScores s = Rouge.score("a a b", "a b");
        assertThat(s.rouge1().p()).isEqualTo(1.0);
        assertThat(s.rouge1().r()).isEqualTo(1.0);
        // bigrams {a a, a b} vs {a b}: p = 1/2, r = 1
        assertThat(s.rouge2().p()).isEqualTo(0.5);
        assertThat(s.rouge2().r()).isEqualTo(1.0);
        // LCS (a b) = 2 over 3 hypothesis words and 2 reference words
        assertThat(s.rougeL().p()).isEqualTo(2.0 / 3);
        assertThat(s.rougeL().r()).isEqualTo(1.0);
    }

    @Test
    void noSharedWordScoresZero() {
        RougeScores s = Rouge.score("红 色", "蓝 天");
        assertThat(s.rouge1().f()).isEqualTo(0.0);
        assertThat(s.rouge2().f()).isEqualTo(0.0);
        assertThat(s.rougeL().f()).isEqualTo(0.0);
    }

    @Test
    void singleWordHasNoBigram() {
        // one word on each side: 0 bigrams -> p = r = 0 -> F = 0, while ROUGE-1 is perfect
        RougeScores s = Rouge.score("好", "好");
        assertThat(s.rouge2()).isEqualTo(new RougeScore(0.0, 0.0, 0.0));
        assertThat(s.rouge1().p()).isEqualTo(1.0);
    }

    @Test
    void sentencesAreCutAtChinesePunctuationAndBlankLinesLeaveAnEmptyWord() {
        // "a \n \n b" -> pieces "a ", " ", " b" (all non-empty) -> normalised "a", "", "b"
        // -> words a, "", b: the empty word is a unigram of its own, as in Python
        assertThat(Rouge.sentences("a \n \n b")).containsExactly("a", "", "b");
        RougeScores s = Rouge.score("a \n \n b", "a b");
        // ROUGE-1: {a, "", b} vs {a, b}: p = 2/3, r = 1
        assertThat(s.rouge1().p()).isEqualTo(2.0 / 3);
        assertThat(s.rouge1().r()).isEqualTo(1.0);
        // 。 followed by anything but a closing quote ends a sentence; the whitespace runs collapse
        assertThat(Rouge.sentences("你好 。 世界   很 大 ！ 对")).containsExactly("你好 。", "世界 很 大 ！", "对");
        assertThat(Rouge.sentences("他说 ：“ 好 。” 然后")).containsExactly("他说 ：“ 好 。”", "然后");
        // six dots end a sentence (jieba keeps "......." as one token, which the cut splits)
        assertThat(Rouge.sentences("等等.......了")).containsExactly("等等......", ".了");
    }

    @Test
    void emptySideIsAnError() {
        // rouge_chinese raises ValueError; LLaMA-Factory avoids the call (see SimilarityMetrics)
        assertThatThrownBy(() -> Rouge.score("", "a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hypothesis");
        assertThatThrownBy(() -> Rouge.score("a", "   "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reference");
    }
}
