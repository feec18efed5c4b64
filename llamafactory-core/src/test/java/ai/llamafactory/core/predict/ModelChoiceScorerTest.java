package ai.llamafactory.core.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.llamafactory.core.chat.ChatTestModels;
import ai.llamafactory.core.chat.DjlChatModel;
import ai.llamafactory.data.metrics.McqDataset;
import ai.llamafactory.data.metrics.McqEvaluationConfig;
import ai.llamafactory.data.metrics.McqEvaluator;
import ai.llamafactory.data.metrics.McqPrompt;
import ai.llamafactory.data.metrics.McqQuestion;
import ai.llamafactory.data.metrics.McqReport;
import ai.llamafactory.data.metrics.McqSubject;
import ai.llamafactory.data.metrics.SubjectCategory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The choice scorer reads the letters' logits at the last prompt position; the MCQ evaluator runs on it. */
class ModelChoiceScorerTest {
    @TempDir
    Path tmp;

    static final McqQuestion[] QUESTIONS = {
        McqQuestion.of("What is 2 + 2?", "3", "4", "5", "22", "B"),
        McqQuestion.of("Which is a color?", "Blue", "Seven", "Paris", "Run", "A"),
        McqQuestion.of("Largest planet?", "Mars", "Venus", "Jupiter", "Earth", "C"),
        McqQuestion.of("Opposite of hot?", "Warm", "Hot", "Mild", "Cold", "D"),
        McqQuestion.of("Capital of Italy?", "Rome", "Milan", "Turin", "Naples", "A"),
        McqQuestion.of("Square root of 9?", "2", "3", "4", "9", "B")};

    /** Probabilities of A..D by a full forward of the prompt alone. */
    static float[] direct(DjlChatModel chat, int[] ids, int[] letters) {
        float[][] logits = PredictFixtures.logits(chat.model(), ids);
        float[] last = logits[ids.length - 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int id : letters) {
            max = Math.max(max, last[id]);
        }
        double sum = 0;
        for (int id : letters) {
            sum += Math.exp(last[id] - max);
        }
        float[] p = new float[letters.length];
        for (int i = 0; i < letters.length; i++) {
            p[i] = (float) (Math.exp(last[letters[i]] - max) / sum);
        }
        return p;
    }

    static int argmax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void batchedScoresEqualTheLettersProbabilitiesOfEachPromptAlone() {
        try (DjlChatModel chat = ChatTestModels.qwen3(tmp.resolve("model"))) {
            ModelChoiceScorer scorer = ModelChoiceScorer.of(chat);
            int[] letters = scorer.choiceTokenIds();
            for (int i = 0; i < 4; i++) {
                int[] ids = chat.tokenizer().encode(String.valueOf((char) ('A' + i)), false);
                assertThat(letters[i]).isEqualTo(ids[ids.length - 1]);
            }
            McqEvaluator evaluator = new McqEvaluator(McqEvaluationConfig.builder().nShot(0).build());
            McqSubject subject = new McqSubject("trivia", "trivia", SubjectCategory.OTHER);
            List<McqPrompt> prompts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                prompts.add(evaluator.buildPrompt(subject, i, QUESTIONS[i], i == 2 ? List.of(QUESTIONS[4]) : List.of()));
            }
            assertThat(chat.tokenizer().decode(scorer.encode(prompts.get(0)), false)).isEqualTo("<|im_start|>user\n"
                    + "The following are multiple choice questions (with answers) about trivia.\n\nWhat is 2 + 2?\n"
                    + "A. 3\nB. 4\nC. 5\nD. 22\nAnswer:<|im_end|>\n<|im_start|>assistant\n");
            List<float[]> batched = scorer.scoreBatch(prompts);
            for (int i = 0; i < prompts.size(); i++) {
                float[] alone = direct(chat, scorer.encode(prompts.get(i)), letters);
                for (int k = 0; k < 4; k++) {
                    assertThat(batched.get(i)[k]).as("prompt %d letter %d", i, k).isCloseTo(alone[k], within(1e-5f));
                }
                assertThat(batched.get(i)[0] + batched.get(i)[1] + batched.get(i)[2] + batched.get(i)[3])
                        .isCloseTo(1f, within(1e-5f));
            }
        }
    }

    @Test
    void theEvaluatorScoresAUserDatasetWithTheModel() throws Exception {
        try (DjlChatModel chat = ChatTestModels.qwen3(tmp.resolve("model"))) {
            ModelChoiceScorer scorer = ModelChoiceScorer.of(chat);
            McqEvaluator evaluator = new McqEvaluator(McqEvaluationConfig.builder().nShot(0).batchSize(4)
                    .saveDir(tmp.resolve("results")).build());
            McqSubject math = new McqSubject("math", "math", SubjectCategory.STEM);
            McqSubject trivia = new McqSubject("trivia", "trivia", SubjectCategory.OTHER);
            // Answers: the model's own choice, except one trivia question per set, made wrong on purpose.
            McqDataset.Builder data = McqDataset.builder().subject(math).subject(trivia);
            for (int i = 0; i < QUESTIONS.length; i++) {
                McqSubject s = i < 3 ? math : trivia;
                int index = i < 3 ? i : i - 3;
                McqQuestion q = QUESTIONS[i];
                int predicted = argmax(direct(chat, scorer.encode(evaluator.buildPrompt(s, index, q, List.of())),
                        scorer.choiceTokenIds()));
                int answer = i == 4 ? (predicted + 1) % 4 : predicted;
                data.addEval(s.id(), McqQuestion.of(q.question(), q.choices().get(0), q.choices().get(1),
                        q.choices().get(2), q.choices().get(3), String.valueOf((char) ('A' + answer))));
            }
            McqReport report = evaluator.evaluate(data.build(), scorer);
            System.out.println(report.resultsLog());
            assertThat(report.subjectAccuracies().get("math")).isEqualTo(100.0);
            assertThat(report.subjectAccuracies().get("trivia")).isCloseTo(200.0 / 3, within(1e-9));
            assertThat(report.averageAccuracy().getAsDouble()).isCloseTo(500.0 / 6, within(1e-9));
            assertThat(report.categoryAccuracies()).containsEntry(SubjectCategory.STEM, 100.0);
            assertThat(Files.readString(tmp.resolve("results/results.log"))).contains("Average");
        }
    }
}
