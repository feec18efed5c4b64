package ai.llamafactory.data.metrics;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of one subject: the predicted letter and whether it was right, per question.
 *
 * @param subject the subject
 * @param predictions the predicted letter per question, in the order of the evaluation split
 * @param correct whether each prediction equals the answer
 */
public record McqSubjectResult(McqSubject subject, List<String> predictions, List<Boolean> correct) {
    /** Validates and copies the fields. */
    public McqSubjectResult {
        Objects.requireNonNull(subject, "subject");
        predictions = List.copyOf(Objects.requireNonNull(predictions, "predictions"));
        correct = List.copyOf(Objects.requireNonNull(correct, "correct"));
        if (predictions.size() != correct.size()) {
            throw new IllegalArgumentException(
                    "predictions and correctness differ in length: " + predictions.size() + " vs " + correct.size());
        }
    }

    /**
     * @return the number of questions
     */
    public int total() {
        return predictions.size();
    }

    /**
     * @return the number of right answers
     */
    public int correctCount() {
        return (int) correct.stream().filter(Boolean::booleanValue).count();
    }

    /**
     * @return {@code 100 * correct / total}, as LLaMA-Factory computes {@code 100 * np.mean(corrects)}
     */
    public double accuracy() {
        return 100 * ((double) correctCount() / total());
    }
}
