package ai.llamafactory.data.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.api.exception.LlamaFactoryException;
import ai.llamafactory.data.Message;
import ai.llamafactory.data.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class McqEvaluatorTest {
    private static final McqSubject ALGEBRA = new McqSubject("algebra", "abstract algebra", SubjectCategory.STEM);
    private static final McqSubject PHYSICS = new McqSubject("physics", "physics", SubjectCategory.STEM);
    private static final McqSubject HISTORY = new McqSubject("history", "world history", SubjectCategory.HUMANITIES);

    /**
     * algebra: B (right), C (scorer ties -> A, wrong), A (tie -> A, right) = 2/3; physics: D (tie -> A, wrong) = 0/1;
     * history: D (right), A (right) = 2/2. STEM = 2/4 = 50.00, Humanities = 2/2 = 100.00, Average = 4/6 = 66.67.
     */
    private static McqDataset dataset() {
        return McqDataset.builder()
                .subject(ALGEBRA)
                .subject(PHYSICS)
                .subject(HISTORY)
                .addEval("algebra", McqQuestion.of("a0", "1", "2", "3", "4", "B"))
                .addEval("algebra", McqQuestion.of("a1", "1", "2", "3", "4", "C"))
                .addEval("algebra", McqQuestion.of("a2", "1", "2", "3", "4", "A"))
                .addEval("physics", McqQuestion.of("p0", "1", "2", "3", "4", "D"))
                .addEval("history", McqQuestion.of("h0", "1", "2", "3", "4", "D"))
                .addEval("history", McqQuestion.of("h1", "1", "2", "3", "4", "A"))
                .build();
    }

    /** Knows the answers of the questions it is told to get right; gives four equal scores otherwise. */
    private static final class FakeScorer implements ChoiceScorer {
        private final Map<String, Integer> knows;
        private final List<Integer> batchSizes = new ArrayList<>();

        FakeScorer(Map<String, Integer> knows) {
            this.knows = knows;
        }

        @Override
        public float[] score(McqPrompt prompt) {
            float[] scores = {0.5f, 0.5f, 0.5f, 0.5f};
            Integer letter = knows.get(prompt.subject().id() + "/" + prompt.index());
            if (letter != null) {
                scores[letter] = 3.0f;
            }
            return scores;
        }

        @Override
        public List<float[]> scoreBatch(List<McqPrompt> prompts) {
            batchSizes.add(prompts.size());
            return ChoiceScorer.super.scoreBatch(prompts);
        }
    }

    private static FakeScorer fakeScorer() {
        return new FakeScorer(Map.of("algebra/0", 1, "history/0", 3, "history/1", 0));
    }

    @Test
    void accuracyPerSubjectCategoryAndAverage() {
        McqReport report =
                new McqEvaluator(McqEvaluationConfig.builder().nShot(0).build()).evaluate(dataset(), fakeScorer());
        assertThat(report.subjects())
                .extracting(r -> r.subject().id())
                .containsExactly("algebra", "physics", "history");
        assertThat(report.subjects().get(0).predictions()).containsExactly("B", "A", "A");
        assertThat(report.subjects().get(0).correct()).containsExactly(true, false, true);
        assertThat(report.subjectAccuracies())
                .containsExactly(
                        Map.entry("algebra", 100 * (2.0 / 3)), Map.entry("physics", 0.0), Map.entry("history", 100.0));
        assertThat(report.categoryAccuracies())
                .containsExactly(Map.entry(SubjectCategory.STEM, 50.0), Map.entry(SubjectCategory.HUMANITIES, 100.0));
        assertThat(report.averageAccuracy()).hasValue(100 * (4.0 / 6));
        assertThat(report.correctCount()).isEqualTo(4);
        assertThat(report.total()).isEqualTo(6);
    }

    @Test
    void resultFilesInLlamaFactoryFormat(@TempDir Path dir) throws Exception {
        Path saveDir = dir.resolve("eval");
        new McqEvaluator(McqEvaluationConfig.builder().nShot(0).saveDir(saveDir).build())
                .evaluate(dataset(), fakeScorer());
        // "{:>15}: {:.2f}" per non-empty group, Average first; no final new line
        assertThat(Files.readString(saveDir.resolve("results.log"), StandardCharsets.UTF_8))
                .isEqualTo("        Average: 66.67\n           STEM: 50.00\n     Humanities: 100.00");
        // json.dump(results, f, indent=2)
        assertThat(Files.readString(saveDir.resolve("results.json"), StandardCharsets.UTF_8))
                .isEqualTo(
                        """
                {
                  "algebra": {
                    "0": "B",
                    "1": "A",
                    "2": "A"
                  },
                  "physics": {
                    "0": "A"
                  },
                  "history": {
                    "0": "D",
                    "1": "A"
                  }
                }""");
    }

    @Test
    void existingSaveDirIsRefusedBeforeScoring(@TempDir Path dir) {
        FakeScorer scorer = fakeScorer();
        McqEvaluator evaluator =
                new McqEvaluator(McqEvaluationConfig.builder().saveDir(dir).build());
        assertThatThrownBy(() -> evaluator.evaluate(dataset(), scorer))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("already exists");
        assertThat(scorer.batchSizes).isEmpty();
    }

    @Test
    void promptTextFollowsTheEnglishTemplate() {
        McqEvaluator evaluator = new McqEvaluator(McqEvaluationConfig.defaults());
        McqPrompt prompt = evaluator.buildPrompt(
                ALGEBRA,
                0,
                McqQuestion.of("What is 2+2?", "2", "3", "4", "5", "C"),
                List.of(McqQuestion.of("What is 1+1?", "1", "2", "3", "4", "B")));
        assertThat(prompt.messages())
                .containsExactly(
                        new Message(
                                Role.USER,
                                "The following are multiple choice questions (with answers) about abstract "
                                        + "algebra.\n\nWhat is 1+1?\nA. 1\nB. 2\nC. 3\nD. 4\nAnswer:"),
                        new Message(Role.ASSISTANT, "B"),
                        new Message(Role.USER, "What is 2+2?\nA. 2\nB. 3\nC. 4\nD. 5\nAnswer:"));
        assertThat(prompt.plainText())
                .isEqualTo("The following are multiple choice questions (with answers) about "
                        + "abstract algebra.\n\nWhat is 1+1?\nA. 1\nB. 2\nC. 3\nD. 4\nAnswer:BWhat is 2+2?\nA. 2\nB. 3\nC. 4"
                        + "\nD. 5\nAnswer:");
    }

    @Test
    void zeroShotChinesePromptCarriesTheHeader() {
        McqEvaluator evaluator = new McqEvaluator(
                McqEvaluationConfig.builder().language(EvalLanguage.ZH).build());
        McqPrompt prompt = evaluator.buildPrompt(
                new McqSubject("law", "法学", SubjectCategory.HUMANITIES),
                3,
                McqQuestion.of("缓刑的适用对象只限于____。", "甲", "乙", "丙", "丁", "D"),
                List.of());
        assertThat(prompt.messages())
                .containsExactly(new Message(
                        Role.USER, "以下是中国关于法学考试的单项选择题，请选出其中的正确答案。\n\n缓刑的适用对象只限于____。\nA. 甲\nB. 乙\nC. 丙\nD. 丁\n答案："));
        assertThat(prompt.index()).isEqualTo(3);
    }

    @Test
    void fewShotExamplesAreDrawnFromTheDevSplitRepeatably() {
        McqDataset.Builder builder = McqDataset.builder().subject(ALGEBRA);
        for (int i = 0; i < 6; i++) {
            builder.addEval("algebra", McqQuestion.of("eval" + i, "1", "2", "3", "4", "A"));
        }
        for (int i = 0; i < 3; i++) {
            builder.addDev("algebra", McqQuestion.of("dev" + i, "1", "2", "3", "4", "B"));
        }
        McqDataset data = builder.build();
        List<McqPrompt> twoShot =
                new McqEvaluator(McqEvaluationConfig.builder().nShot(2).build()).prompts(data, ALGEBRA);
        Set<String> usedExamples = new HashSet<>();
        for (McqPrompt prompt : twoShot) {
            assertThat(prompt.messages()).hasSize(5);
            String first = prompt.messages().get(0).content();
            String second = prompt.messages().get(2).content();
            assertThat(first)
                    .startsWith("The following are multiple choice questions (with answers) about "
                            + "abstract algebra.\n\ndev");
            assertThat(second).startsWith("dev").isNotEqualTo(first.substring(first.indexOf("dev")));
            assertThat(prompt.messages().get(1).content()).isEqualTo("B");
            usedExamples.add(second.substring(0, 4));
        }
        // six fresh draws of two out of three examples use more than one example in second place
        assertThat(usedExamples.size()).isGreaterThan(1);
        // same seed, same prompts; another seed, other draws
        assertThat(new McqEvaluator(McqEvaluationConfig.builder().nShot(2).build()).prompts(data, ALGEBRA))
                .isEqualTo(twoShot);
        assertThat(new McqEvaluator(
                                McqEvaluationConfig.builder().nShot(2).seed(7).build())
                        .prompts(data, ALGEBRA))
                .isNotEqualTo(twoShot);
        // more shots than dev examples: all three, every time
        assertThat(new McqEvaluator(McqEvaluationConfig.builder().nShot(5).build()).prompts(data, ALGEBRA))
                .allSatisfy(p -> assertThat(p.messages()).hasSize(7));
    }

    @Test
    void promptsAreScoredInBatches() {
        McqDataset.Builder builder = McqDataset.builder();
        for (int i = 0; i < 6; i++) {
            builder.addEval("s", McqQuestion.of("q" + i, "1", "2", "3", "4", "A"));
        }
        FakeScorer scorer = fakeScorer();
        McqReport report = new McqEvaluator(McqEvaluationConfig.defaults()).evaluate(builder.build(), scorer);
        assertThat(scorer.batchSizes).containsExactly(4, 2);
        // ties pick A, the answer of every question
        assertThat(report.averageAccuracy()).hasValue(100.0);
        // a subject without mapping counts towards the average only
        assertThat(report.categoryAccuracies()).isEmpty();
        assertThat(report.resultsLog()).isEqualTo("        Average: 100.00");
    }

    @Test
    void misbehavingScorersAreReported() {
        McqEvaluator evaluator =
                new McqEvaluator(McqEvaluationConfig.builder().nShot(0).build());
        assertThatThrownBy(() -> evaluator.evaluate(dataset(), p -> new float[] {0f, Float.NaN, 0f, 0f}))
                .isInstanceOf(LlamaFactoryException.class)
                .hasMessageContaining("non-finite")
                .hasMessageContaining("algebra");
        assertThatThrownBy(() -> evaluator.evaluate(dataset(), p -> new float[] {1f, 2f, 3f}))
                .isInstanceOf(LlamaFactoryException.class)
                .hasMessageContaining("4 scores");
        ChoiceScorer dropsOne = new ChoiceScorer() {
            @Override
            public float[] score(McqPrompt prompt) {
                return new float[4];
            }

            @Override
            public List<float[]> scoreBatch(List<McqPrompt> prompts) {
                return List.of(new float[4]);
            }
        };
        assertThatThrownBy(() -> evaluator.evaluate(dataset(), dropsOne))
                .isInstanceOf(LlamaFactoryException.class)
                .hasMessageContaining("returned 1 score arrays for a batch of 3 prompts");
    }

    @Test
    void configurationIsValidated() {
        assertThatThrownBy(() -> McqEvaluationConfig.builder().nShot(-1).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("n_shot")
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> McqEvaluationConfig.builder().batchSize(0).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("batch_size");
        McqEvaluationConfig defaults = McqEvaluationConfig.defaults();
        assertThat(defaults.nShot()).isEqualTo(5);
        assertThat(defaults.batchSize()).isEqualTo(4);
        assertThat(defaults.seed()).isEqualTo(42);
        assertThat(defaults.language()).isEqualTo(EvalLanguage.EN);
        assertThat(EvalLanguage.fromKey("zh")).contains(EvalLanguage.ZH);
    }
}
