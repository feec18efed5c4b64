package ai.llamafactory.data.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * LLaMA-Factory's per-sample scores (x100, rounded to 4 decimals) and their np.mean, on pairs whose ROUGE and BLEU
 * values are derived by hand in {@link RougeTest} and {@link BleuTest}.
 */
class SimilarityMetricsTest {
    @Test
    void perSampleScores() {
        JiebaTokenizer jieba = JiebaTokenizer.defaultTokenizer();
        // ROUGE on 我/爱/北京/天安门 vs 我/爱/北京: 85.7143, 80.0, 85.7143; BLEU (1/35)^(1/4) -> 41.1134
        assertThat(SimilarityMetrics.score("我爱北京天安门", "我爱北京", jieba))
                .isEqualTo(new SampleScores(85.7143, 80.0, 85.7143, 41.1134));
        // ROUGE 4/5, 3/5, 5/6 -> 80.0, 60.0, 83.3333; BLEU 78.392
        assertThat(SimilarityMetrics.score("the cat sat on the mat", "the cat is on the mat", jieba))
                .isEqualTo(new SampleScores(80.0, 60.0, 83.3333, 78.392));
        // identical: everything 100
        assertThat(SimilarityMetrics.score("模型微调完成了。", "模型微调完成了。", jieba))
                .isEqualTo(new SampleScores(100.0, 100.0, 100.0, 100.0));
    }

    @Test
    void emptyOrBlankPredictionScoresZero() {
        JiebaTokenizer jieba = JiebaTokenizer.defaultTokenizer();
        assertThat(SimilarityMetrics.score("", "我爱北京", jieba)).isEqualTo(new SampleScores(0.0, 0.0, 0.0, 0.0));
        // whitespace only: jieba yields space tokens, " ".join(...).split() is empty -> ROUGE zeros; no BLEU unigram
        assertThat(SimilarityMetrics.score(" \n ", "我爱北京", jieba)).isEqualTo(new SampleScores(0.0, 0.0, 0.0, 0.0));
        assertThat(SimilarityMetrics.score("我爱北京", "", jieba)).isEqualTo(new SampleScores(0.0, 0.0, 0.0, 0.0));
    }

    @Test
    void averagesAreNumpyMeansOfTheRoundedScores() {
        SimilarityMetrics metrics = new SimilarityMetrics();
        metrics.addAll(
                List.of("我爱北京天安门", "the cat sat on the mat", ""), List.of("我爱北京", "the cat is on the mat", "我爱北京"));
        assertThat(metrics.size()).isEqualTo(3);
        Map<SimilarityMetric, Double> averages = metrics.averages();
        // (85.7143 + 80.0 + 0.0) / 3 in float64 = 55.238099999999996 (np.mean prints the same)
        assertThat(averages.get(SimilarityMetric.ROUGE_1)).isEqualTo(55.238099999999996);
        // (80.0 + 60.0 + 0.0) / 3
        assertThat(averages.get(SimilarityMetric.ROUGE_2)).isEqualTo(46.666666666666664);
        // (85.7143 + 83.3333 + 0.0) / 3
        assertThat(averages.get(SimilarityMetric.ROUGE_L)).isEqualTo(56.349199999999996);
        // (41.1134 + 78.392 + 0.0) / 3
        assertThat(averages.get(SimilarityMetric.BLEU_4)).isEqualTo(39.83513333333333);
        assertThat(metrics.metrics("predict"))
                .containsExactly(
                        Map.entry("predict_rouge-1", 55.238099999999996),
                        Map.entry("predict_rouge-2", 46.666666666666664),
                        Map.entry("predict_rouge-l", 56.349199999999996),
                        Map.entry("predict_bleu-4", 39.83513333333333));
    }

    @Test
    void noSampleNoAverage() {
        assertThatThrownBy(() -> new SimilarityMetrics().averages()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new SimilarityMetrics().addAll(List.of("a"), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 predictions, 0 labels");
    }
}
