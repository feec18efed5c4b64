package ai.llamafactory.data.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.exception.DatasetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Expected tokens are those of Python jieba 0.42.1's {@code list(jieba.cut(text))}. */
class JiebaTokenizerTest {
    private final JiebaTokenizer jieba = JiebaTokenizer.defaultTokenizer();

    @Test
    void dictionaryWords() {
        assertThat(jieba.cut("我来到北京清华大学")).containsExactly("我", "来到", "北京", "清华大学");
        assertThat(jieba.cut("我爱北京天安门")).containsExactly("我", "爱", "北京", "天安门");
        assertThat(jieba.cut("小明硕士毕业于中国科学院计算所，后在日本京都大学深造"))
                .containsExactly("小明", "硕士", "毕业", "于", "中国科学院", "计算所", "，", "后", "在", "日本京都大学", "深造");
    }

    @Test
    void unknownWordsComeFromTheHmm() {
        // 杭研 is not in the dictionary: the two single characters go to the HMM, which labels them B E
        assertThat(jieba.containsWord("杭研")).isFalse();
        assertThat(jieba.cut("他来到了网易杭研大厦")).containsExactly("他", "来到", "了", "网易", "杭研", "大厦");
    }

    @Test
    void englishWordsSpacesAndPunctuationAreSeparateTokens() {
        assertThat(jieba.cut("the cat sat on the mat"))
                .containsExactly("the", " ", "cat", " ", "sat", " ", "on", " ", "the", " ", "mat");
        assertThat(jieba.cut("Hello, world! LLaMA-Factory 3.14% v2.0"))
                .containsExactly(
                        "Hello", ",", " ", "world", "!", " ", "LLaMA", "-", "Factory", " ", "3.14%", " ", "v2.0");
        assertThat(jieba.cut("state-of-the-art模型")).containsExactly("state", "-", "of", "-", "the", "-", "art", "模型");
    }

    @Test
    void lineBreaksAreTokensWithCrLfKeptTogether() {
        assertThat(jieba.cut("第一行\r\n第二行\n\n")).containsExactly("第一行", "\r\n", "第二行", "\n", "\n");
    }

    @Test
    void caseAndWidthArePreserved() {
        // the jieba-analysis segmenter would lower-case and fold full-width letters; Python's jieba does not
        assertThat(jieba.cut("ＡＢＣ和ABC")).containsExactly("Ａ", "Ｂ", "Ｃ", "和", "ABC");
        assertThat(String.join("", jieba.cut("混合 Text，１２３。"))).isEqualTo("混合 Text，１２３。");
    }

    @Test
    void emptyText() {
        assertThat(jieba.cut("")).isEmpty();
    }

    @Test
    void customDictionary(@TempDir Path dir) throws Exception {
        Path dict = dir.resolve("dict.txt");
        Files.writeString(dict, "杭研 10 n\n大厦 10 n\n", StandardCharsets.UTF_8);
        JiebaTokenizer custom = JiebaTokenizer.withDictionary(dict);
        assertThat(custom.containsWord("杭研")).isTrue();
        assertThat(custom.cut("杭研大厦")).containsExactly("杭研", "大厦");
    }

    @Test
    void malformedDictionaryLineIsNamed(@TempDir Path dir) throws Exception {
        Path dict = dir.resolve("bad.txt");
        Files.writeString(dict, "好 3 a\n坏 many n\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> JiebaTokenizer.withDictionary(dict))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("bad.txt")
                .hasMessageContaining("line 2")
                .hasMessageContaining("坏 many n");
    }
}
