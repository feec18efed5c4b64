package ai.llamafactory.data.metrics;

import java.util.List;
import java.util.Objects;

/**
 * One multiple-choice question with four options.
 *
 * @param question the question text
 * @param choices the texts of options A, B, C and D
 * @param answer the correct letter, {@code A} to {@code D}, or empty when the split has no answers (the C-Eval test
 *     split); an empty answer never counts as correct
 */
public record McqQuestion(String question, List<String> choices, String answer) {
    /** The option letters, in order. */
    public static final List<Character> LETTERS = List.of('A', 'B', 'C', 'D');

    /** Validates the fields. */
    public McqQuestion {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(answer, "answer");
        choices = List.copyOf(Objects.requireNonNull(choices, "choices"));
        if (choices.size() != LETTERS.size()) {
            throw new IllegalArgumentException("a question needs 4 choices (A-D), got " + choices.size());
        }
        if (!answer.isEmpty() && (answer.length() != 1 || !LETTERS.contains(answer.charAt(0)))) {
            throw new IllegalArgumentException("answer must be one of A, B, C, D or empty, got '" + answer + "'");
        }
    }

    /**
     * @param question the question text
     * @param a option A
     * @param b option B
     * @param c option C
     * @param d option D
     * @param answer the correct letter
     * @return the question
     */
    public static McqQuestion of(String question, String a, String b, String c, String d, String answer) {
        return new McqQuestion(question, List.of(a, b, c, d), answer);
    }
}
