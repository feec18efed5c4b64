package ai.llamafactory.data.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.exception.DatasetException;
import ai.llamafactory.data.AlignedExample;
import ai.llamafactory.data.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tokenizer whose vocabulary cannot represent the data is refused, naming the dataset and a sample. */
class VocabularyCheckTest {
    @TempDir
    Path dir;

    /** A WordLevel tokenizer with the given words and {@code [UNK]}, split on whitespace, no tokenizer_config.json. */
    private HfTokenizer wordLevel(String folder, String... words) throws Exception {
        StringBuilder vocab = new StringBuilder("\"[UNK]\": 0");
        for (int i = 0; i < words.length; i++) {
            vocab.append(", \"").append(words[i]).append("\": ").append(i + 1);
        }
        Path d = dir.resolve(folder);
        Files.createDirectories(d);
        Files.writeString(
                d.resolve("tokenizer.json"),
                """
                {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [
                  {"id": 0, "content": "[UNK]", "single_word": false, "lstrip": false, "rstrip": false,
                   "normalized": false, "special": true}],
                 "normalizer": null, "pre_tokenizer": {"type": "WhitespaceSplit"}, "post_processor": null,
                 "decoder": null,
                 "model": {"type": "WordLevel", "vocab": {%s}, "unk_token": "[UNK]"}}
                """
                        .formatted(vocab));
        return HfTokenizer.load(d);
    }

    private static AlignedExample row(String source, String prompt, String answer) {
        return new AlignedExample(
                List.of(Message.user(prompt)), List.of(Message.assistant(answer)), "", "", null, source);
    }

    @Test
    void oneTokenVocabularyIsRefusedNamingDatasetAndSample() throws Exception {
        try (HfTokenizer tok = wordLevel("one")) {
            assertThat(tok.vocabSize()).isEqualTo(1);
            assertThat(tok.unknownTokenId()).hasValue(0);
            List<AlignedExample> rows = List.of(
                    row("identity:/data/identity.json[#0] (line 2)", "Who are you?", "I am an assistant."),
                    row("identity:/data/identity.json[#1] (line 3)", "hi", "Hello there"));
            assertThatThrownBy(() -> VocabularyCheck.check(tok, rows, "tokenizer in " + tok.folder()))
                    .isInstanceOf(DatasetException.class)
                    .hasMessage("The tokenizer in " + tok.folder() + " cannot encode dataset 'identity': 100.0% of "
                            + "the non-whitespace characters of 2 sampled rows are not in its vocabulary (100.0% of "
                            + "the 10 tokens are the unknown token '[UNK]'); the limit is 10.0%. For example "
                            + "identity:/data/identity.json[#0] (line 2): 'Who are you? I am an assistant.' encodes "
                            + "to 7 tokens that decode to '[UNK] [UNK] [UNK] [UNK] [UNK] [UNK] [UNK]'. Training on it "
                            + "would learn unknown tokens: use the tokenizer that belongs to the model, or a model "
                            + "whose vocabulary covers this data");
        }
    }

    @Test
    void theFailingDatasetIsNamedAmongGoodOnes() throws Exception {
        try (HfTokenizer tok = wordLevel("en", "the", "cat", "sat", "on", "mat")) {
            List<AlignedExample> rows = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                rows.add(row("en_ok:e.jsonl:" + (i + 1), "the cat sat", "on the mat"));
                rows.add(row("zh_bad:z.jsonl:" + (i + 1), "猫 坐 在", "垫子 上"));
            }
            assertThatThrownBy(() -> VocabularyCheck.check(tok, rows, "tokenizer"))
                    .isInstanceOf(DatasetException.class)
                    .hasMessageStartingWith("The tokenizer cannot encode dataset 'zh_bad': 100.0% of the "
                            + "non-whitespace characters of 30 sampled rows")
                    .hasMessageContaining("For example zh_bad:z.jsonl:1: '猫 坐 在 垫子 上' encodes to 5 tokens that "
                            + "decode to '[UNK] [UNK] [UNK] [UNK] [UNK]'");
            List<VocabularyCheck.Coverage> measured = VocabularyCheck.measure(tok, rows);
            assertThat(measured).extracting(VocabularyCheck.Coverage::dataset).containsExactly("en_ok", "zh_bad");
            assertThat(measured.get(0).uncoveredFraction()).isZero();
        }
    }

    @Test
    void aFewUnknownWordsStayUnderTheLimit() throws Exception {
        try (HfTokenizer tok = wordLevel("en", "the", "cat", "sat", "on", "mat")) {
            List<AlignedExample> rows = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                rows.add(row("d:f:" + i, "the cat sat on the mat", i == 0 ? "the dog" : "the cat"));
            }
            List<VocabularyCheck.Coverage> c = VocabularyCheck.check(tok, rows, "tokenizer");
            // "dog" is 3 of 20 * 21 non-whitespace characters: warned about only above 1%, never refused
            assertThat(c.get(0).uncovered()).isEqualTo(3);
            assertThat(c.get(0).uncoveredFraction()).isLessThan(VocabularyCheck.WARN_UNCOVERED_FRACTION);
        }
    }

    @Test
    void byteLevelTokenizerCoversAnyText() throws Exception {
        Path d = dir.resolve("bytes");
        Files.createDirectories(d);
        for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
            try (var in = VocabularyCheckTest.class.getResourceAsStream("/tokenizers/bytes/" + f)) {
                Files.write(d.resolve(f), in.readAllBytes());
            }
        }
        try (HfTokenizer tok = HfTokenizer.load(d)) {
            List<VocabularyCheck.Coverage> c =
                    VocabularyCheck.check(tok, List.of(row("d:f:1", "猫坐在垫子上 😀", "Grüße, ça va?")), "tokenizer");
            assertThat(c.get(0).uncoveredFraction()).isZero();
            assertThat(c.get(0).characters()).isEqualTo(18);
        }
    }
}
