package ai.llamafactory.data.metrics;

import ai.llamafactory.api.exception.InvalidConfigException;
import ai.llamafactory.api.exception.LlamaFactoryException;
import ai.llamafactory.data.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LLaMA-Factory's few-shot multiple-choice evaluator ({@code llamafactory-cli eval}, MMLU / C-Eval / CMMLU style),
 * independent of the model.
 *
 * <p>For every question of every subject:
 * <ol>
 *   <li>up to {@code n_shot} examples are drawn at random from the subject's dev split (a fresh draw per question,
 *       seeded by {@code seed} and the subject id, so runs are repeatable; Python's draws come from another random
 *       generator, so the examples chosen differ from LLaMA-Factory's);</li>
 *   <li>each example becomes a user turn {@code question + "\nA. ..." + ... + "\nD. ..." + "\nAnswer:"} and an
 *       assistant turn with its answer letter; the question asked becomes the last user turn; the subject header
 *       ("The following are multiple choice questions (with answers) about {name}.\n\n") is put in front of the first
 *       user turn;</li>
 *   <li>the {@link ChoiceScorer} scores A, B, C, D, in batches of {@code batch_size}; the prediction is the letter
 *       with the highest score (the first on a tie), right when it equals the answer.</li>
 * </ol>
 * Accuracy is reported per subject, per category (STEM, Social Sciences, Humanities, Other, from the mapping) and on
 * average, and written to {@code results.json} and {@code results.log} when {@code save_dir} is set.
 */
public final class McqEvaluator {
    private static final Logger LOG = LoggerFactory.getLogger(McqEvaluator.class);

    private final McqEvaluationConfig config;

    /**
     * @param config the evaluation settings
     */
    public McqEvaluator(McqEvaluationConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Builds the prompt of one question, as LLaMA-Factory's {@code EvalTemplate.format_example} does.
     *
     * @param subject the subject (its name goes into the header)
     * @param index the question's position in the evaluation split
     * @param target the question asked
     * @param supportSet the few-shot examples, in order
     * @return the prompt
     */
    public McqPrompt buildPrompt(McqSubject subject, int index, McqQuestion target, List<McqQuestion> supportSet) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(supportSet, "supportSet");
        EvalLanguage language = config.language();
        List<Message> messages = new ArrayList<>(2 * supportSet.size() + 1);
        for (McqQuestion example : supportSet) {
            messages.add(Message.user(questionText(example, language)));
            messages.add(Message.assistant(example.answer()));
        }
        messages.add(Message.user(questionText(target, language)));
        Message first = messages.get(0);
        messages.set(0, new Message(first.role(), language.header(subject.name()) + first.content()));
        return new McqPrompt(subject, index, messages);
    }

    /**
     * The prompts of a subject's questions, with the few-shot draws this evaluator makes.
     *
     * @param dataset the benchmark
     * @param subject one of its subjects
     * @return one prompt per question to evaluate, in order
     */
    public List<McqPrompt> prompts(McqDataset dataset, McqSubject subject) {
        List<McqQuestion> questions = dataset.evalQuestions(subject.id());
        List<McqQuestion> dev = dataset.devQuestions(subject.id());
        int shots = Math.min(config.nShot(), dev.size());
        Random random = new Random(config.seed() * 31 + subject.id().hashCode());
        List<Integer> order = new ArrayList<>(dev.size());
        for (int i = 0; i < dev.size(); i++) {
            order.add(i);
        }
        List<McqPrompt> prompts = new ArrayList<>(questions.size());
        for (int i = 0; i < questions.size(); i++) {
            List<McqQuestion> support = new ArrayList<>(shots);
            if (shots > 0) {
                Collections.shuffle(order, random);
                for (int k = 0; k < shots; k++) {
                    support.add(dev.get(order.get(k)));
                }
            }
            prompts.add(buildPrompt(subject, i, questions.get(i), support));
        }
        return prompts;
    }

    /**
     * Evaluates every subject of the dataset and, when {@code save_dir} is configured, writes the result files.
     *
     * @param dataset the benchmark
     * @param scorer the model's choice scorer
     * @return per-subject, per-category and average accuracy
     * @throws InvalidConfigException if {@code save_dir} already exists (checked before any question is scored)
     * @throws LlamaFactoryException if the scorer returns the wrong number of scores or a non-finite score
     */
    public McqReport evaluate(McqDataset dataset, ChoiceScorer scorer) {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(scorer, "scorer");
        Path saveDir = config.saveDir().orElse(null);
        if (saveDir != null && Files.exists(saveDir)) {
            throw new InvalidConfigException("save_dir " + saveDir + " already exists; choose a new folder");
        }
        List<McqSubjectResult> results = new ArrayList<>();
        for (McqSubject subject : dataset.subjects()) {
            List<McqPrompt> prompts = prompts(dataset, subject);
            List<McqQuestion> questions = dataset.evalQuestions(subject.id());
            List<String> predictions = new ArrayList<>(prompts.size());
            List<Boolean> correct = new ArrayList<>(prompts.size());
            for (int start = 0; start < prompts.size(); start += config.batchSize()) {
                List<McqPrompt> batch = prompts.subList(start, Math.min(prompts.size(), start + config.batchSize()));
                List<float[]> scores = scorer.scoreBatch(batch);
                if (scores == null || scores.size() != batch.size()) {
                    throw new LlamaFactoryException("choice scorer returned "
                            + (scores == null ? "null" : scores.size() + " score arrays") + " for a batch of "
                            + batch.size() + " prompts (subject '"
                            + subject.id() + "', questions " + start + " to " + (start + batch.size() - 1) + ")");
                }
                for (int j = 0; j < batch.size(); j++) {
                    String letter = argmaxLetter(scores.get(j), subject, start + j);
                    predictions.add(letter);
                    correct.add(letter.equals(questions.get(start + j).answer()));
                }
            }
            McqSubjectResult result = new McqSubjectResult(subject, predictions, correct);
            LOG.debug("{}: {}/{} correct", subject.id(), result.correctCount(), result.total());
            results.add(result);
        }
        McqReport report = new McqReport(results);
        LOG.info("multiple-choice evaluation:\n{}", report.resultsLog());
        if (saveDir != null) {
            report.write(saveDir);
        }
        return report;
    }

    private static String questionText(McqQuestion question, EvalLanguage language) {
        StringBuilder text = new StringBuilder(question.question());
        for (int i = 0; i < McqQuestion.LETTERS.size(); i++) {
            text.append(language.choiceLine(
                    McqQuestion.LETTERS.get(i), question.choices().get(i)));
        }
        return text.append(language.answerCue()).toString();
    }

    private static String argmaxLetter(float[] scores, McqSubject subject, int index) {
        if (scores == null || scores.length != McqQuestion.LETTERS.size()) {
            throw new LlamaFactoryException("choice scorer must return 4 scores (A, B, C, D) for question " + index
                    + " of subject '" + subject.id() + "', got "
                    + (scores == null ? "null" : scores.length + ": " + Arrays.toString(scores)));
        }
        int best = 0;
        for (int i = 0; i < scores.length; i++) {
            if (!Float.isFinite(scores[i])) {
                throw new LlamaFactoryException("choice scorer returned a non-finite score for question " + index
                        + " of subject '" + subject.id() + "': " + Arrays.toString(scores));
            }
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        return String.valueOf(McqQuestion.LETTERS.get(best));
    }
}
