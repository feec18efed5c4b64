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
        McqQuestion.of("Square root of 9?", "2", "3", "4", "9", "B")
    };

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
            McqEvaluator evaluator =
                    new McqEvaluator(McqEvaluationConfig.builder().nShot(0).build());
            McqSubject subject = new McqSubject("trivia", "trivia", SubjectCategory.OTHER);
            List<McqPrompt> prompts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                prompts.add(
                        evaluator.buildPrompt(subject, i, QUESTIONS[i], i == 2 ? List.of(QUESTIONS[4]) : List.of()));
            }
            assertThat(chat.tokenizer().decode(scorer.encode(prompts.get(0)), false))
                    .isEqualTo("<|im_start|>user\n"
                            + "The following are multiple choice questions (with answers) about trivia.\n\nWhat is 2 + 2?\n"
                            + "A. 3\nB. 4\nC. 5\nD. 22\nAnswer:<|im_end|>\n<|im_start|>assistant\n");
            List<float[]> batched = scorer.scoreBatch(prompts);
            for (int i = 0; i < prompts.size(); i++) {
                float[] alone = direct(chat, scorer.encode(prompts.get(i)), letters);
                for (int k = 0; k < 4; k++) {
                    assertThat(batched.get(i)[k])
                            .as("prompt %d letter %d", i, k)
                            .isCloseTo(alone[k], within(1e-5f));
                }
                assertThat(batched.get(i)[0] + batched.get(i)[1] + batched.get(i)[2] + batched.get(i)[3])
                        .isCloseTo(1f, within(1e-5f));
            }
        }
    }

    /** Writes MMLU-style CSV files (no header: question, A, B, C, D, answer) of a benchmark folder. */
    static void writeCsv(Path file, List<McqQuestion> questions, List<String> answers) throws Exception {
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < questions.size(); i++) {
            McqQuestion q = questions.get(i);
            csv.append('"').append(q.question()).append('"');
            for (String c : q.choices()) {
                csv.append(',').append(c);
            }
            csv.append(',').append(answers.get(i)).append('\n');
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, csv);
    }

    @Test
    void theEvaluatorScoresAUserBenchmarkFolderWithTheModel() throws Exception {
        Path task = tmp.resolve("mybench");
        Files.createDirectories(task);
        Files.writeString(
                task.resolve("mapping.json"),
                "{\"math\": {\"name\": \"elementary math\", \"category\":"
                        + " \"STEM\"}, \"trivia\": {\"name\": \"trivia\", \"category\": \"Other\"}}");
        List<McqQuestion> math = List.of(QUESTIONS[0], QUESTIONS[2], QUESTIONS[5]);
        List<McqQuestion> trivia = List.of(QUESTIONS[1], QUESTIONS[3], QUESTIONS[4]);
        writeCsv(task.resolve("dev/math_dev.csv"), List.of(QUESTIONS[5]), List.of("B"));
        writeCsv(task.resolve("dev/trivia_dev.csv"), List.of(QUESTIONS[4]), List.of("A"));
        writeCsv(task.resolve("test/math_test.csv"), math, List.of("A", "A", "A"));
        writeCsv(task.resolve("test/trivia_test.csv"), trivia, List.of("A", "A", "A"));
        try (DjlChatModel chat = ChatTestModels.qwen3(tmp.resolve("model"))) {
            ModelChoiceScorer scorer = ModelChoiceScorer.of(chat);
            McqEvaluator evaluator = new McqEvaluator(McqEvaluationConfig.builder()
                    .nShot(1)
                    .batchSize(2)
                    .saveDir(tmp.resolve("results"))
                    .build());
            // The prompts never show the answer of the question asked: answer with the model's own choice, except
            // one trivia question made wrong on purpose, and the accuracies are known.
            McqDataset draft = McqDataset.loadDirectory(task, "test");
            List<List<String>> answers = new ArrayList<>();
            for (McqSubject subject : draft.subjects()) {
                List<String> subjectAnswers = new ArrayList<>();
                List<McqPrompt> prompts = evaluator.prompts(draft, subject);
                assertThat(prompts.get(0).messages()).hasSize(3);
                for (int i = 0; i < prompts.size(); i++) {
                    int predicted = argmax(direct(chat, scorer.encode(prompts.get(i)), scorer.choiceTokenIds()));
                    int answer = subject.id().equals("trivia") && i == 2 ? (predicted + 1) % 4 : predicted;
                    subjectAnswers.add(String.valueOf((char) ('A' + answer)));
                }
                answers.add(subjectAnswers);
            }
            writeCsv(task.resolve("test/math_test.csv"), math, answers.get(0));
            writeCsv(task.resolve("test/trivia_test.csv"), trivia, answers.get(1));
            McqReport report = evaluator.evaluate(McqDataset.loadDirectory(task, "test"), scorer);
            System.out.println(report.resultsLog());
            assertThat(report.subjectAccuracies().get("math")).isEqualTo(100.0);
            assertThat(report.subjectAccuracies().get("trivia")).isCloseTo(200.0 / 3, within(1e-9));
            assertThat(report.averageAccuracy().getAsDouble()).isCloseTo(500.0 / 6, within(1e-9));
            assertThat(report.categoryAccuracies()).containsEntry(SubjectCategory.STEM, 100.0);
            assertThat(Files.readString(tmp.resolve("results/results.log"))).contains("Average");
            assertThat(tmp.resolve("results/results.json")).exists();
        }
    }
}
