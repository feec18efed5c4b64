package ai.llamafactory.api.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.config.Stage;
import ai.llamafactory.api.exception.DatasetException;
import ai.llamafactory.api.spi.Plugins;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine-free data types: counts, typed access, value equality, and discovery without an implementation. */
class PreparedDataTest {

    private static EncodedSequence seq(int n, int masked) {
        int[] ids = new int[n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = 100 + i;
            labels[i] = i < masked ? EncodedRecord.IGNORE_INDEX : ids[i];
        }
        return EncodedSequence.of(ids, labels);
    }

    @Test
    void splitsCountRecordsTokensAndLabels() {
        EncodedSplit train = new EncodedSplit("train", EncodedRecord.Kind.SEQUENCE, List.of(seq(10, 4), seq(6, 6)));
        assertThat(train.size()).isEqualTo(2);
        assertThat(train.tokenCount()).isEqualTo(16);
        assertThat(train.labelCount()).isEqualTo(6);
        assertThat(train.sequences().get(0).positionIds()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(train.sequences().get(0).attentionMask()).containsOnly(1);

        EncodedPair pair =
                new EncodedPair(new int[] {1, 2, 3}, new int[] {-100, 2, 3}, new int[] {1, 4}, new int[] {-100, 4});
        EncodedSplit pairs = new EncodedSplit("validation", EncodedRecord.Kind.PAIR, List.of(pair));
        assertThat(pairs.tokenCount()).isEqualTo(5);
        assertThat(pairs.labelCount()).isEqualTo(3);
        EncodedFeedback kto = new EncodedFeedback(
                new int[] {1, 2}, new int[] {-100, 2}, new int[] {1, 5, 6}, new int[] {-100, 5, 6}, true);
        assertThat(kto.tokenCount()).isEqualTo(5);
        assertThat(kto.labelCount()).isEqualTo(3);
        assertThat(new EncodedPrompt(new int[] {1, 2, 3}, new int[] {9}).tokenCount())
                .isEqualTo(3);
    }

    @Test
    void typedAccessRefusesTheWrongKindAndMixedSplits() {
        EncodedSplit train = new EncodedSplit("train", EncodedRecord.Kind.SEQUENCE, List.of(seq(3, 1)));
        assertThatThrownBy(train::pairs)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("split 'train' holds sequence records, not pair records");
        assertThatThrownBy(() -> new EncodedSplit("x", EncodedRecord.Kind.PROMPT, List.of(seq(3, 1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("split 'x' holds prompt records, got a sequence record");
        assertThatThrownBy(() -> new EncodedSequence(new int[2], new int[3], new int[2], new int[2]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("labels 3");
    }

    @Test
    void recordsCompareByContent() {
        assertThat(seq(5, 2)).isEqualTo(seq(5, 2)).hasSameHashCodeAs(seq(5, 2)).isNotEqualTo(seq(5, 3));
        assertThat(new EncodedPrompt(new int[] {1}, new int[0]))
                .isEqualTo(new EncodedPrompt(new int[] {1}, new int[0]));
    }

    @Test
    void preparedDataSumsItsSplitsAndSummarises() {
        Map<String, EncodedSplit> eval = new LinkedHashMap<>();
        eval.put("validation", new EncodedSplit("validation", EncodedRecord.Kind.SEQUENCE, List.of(seq(4, 1))));
        PreparedData data = PreparedData.builder(Stage.SFT)
                .templateName("qwen3_nothink")
                .train(new EncodedSplit("train", EncodedRecord.Kind.SEQUENCE, List.of(seq(10, 4), seq(6, 2))))
                .eval(eval)
                .dropped(3, Map.of("missing field", 3L), List.of("dataset 'a' a.json[#2]: missing field"))
                .source(PreparedData.Source.CACHE, Path.of("/cache/abc"))
                .tokens(151643, List.of(151645))
                .build();
        assertThat(data.trainCount()).isEqualTo(2);
        assertThat(data.evalCount()).isEqualTo(1);
        assertThat(data.trainTokens()).isEqualTo(16);
        assertThat(data.evalTokens()).isEqualTo(4);
        assertThat(data.validation()).isPresent();
        assertThat(data.cachePath()).contains(Path.of("/cache/abc"));
        assertThat(data.summary())
                .isEqualTo(
                        "stage sft, template qwen3_nothink: train 2 sequence records (16 "
                                + "tokens), validation 1 records (4 tokens), dropped 3 {missing field=3}; from the cache (/cache/abc)");
        assertThat(data.toBuilder().build().summary()).isEqualTo(data.summary());
        assertThat(PreparedData.builder(Stage.PT).build().train().isEmpty()).isTrue();
    }

    @Test
    void discoveryWithoutAnImplementationNamesTheMissingModule() {
        assertThat(Plugins.dataWorkers(getClass().getClassLoader())).isEmpty();
        assertThatThrownBy(Plugins::dataWorker)
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("llamafactory-data");
    }
}
