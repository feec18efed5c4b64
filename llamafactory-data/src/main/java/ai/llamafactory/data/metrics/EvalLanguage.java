package ai.llamafactory.data.metrics;

import java.util.Locale;
import java.util.Optional;

/**
 * LLaMA-Factory's evaluation prompt templates ({@code lang: en} or {@code lang: zh}): the subject header line, the
 * format of each choice and the answer cue.
 */
public enum EvalLanguage {
    /** English: "The following are multiple choice questions (with answers) about {subject}." */
    EN(
            "The following are multiple choice questions (with answers) about {subject}.\n\n",
            "\n{choice}. {content}",
            "\nAnswer:"),
    /** Chinese: "以下是中国关于{subject}考试的单项选择题，请选出其中的正确答案。" */
    ZH("以下是中国关于{subject}考试的单项选择题，请选出其中的正确答案。\n\n", "\n{choice}. {content}", "\n答案：");

    private final String system;
    private final String choice;
    private final String answer;

    EvalLanguage(String system, String choice, String answer) {
        this.system = system;
        this.choice = choice;
        this.answer = answer;
    }

    /**
     * @param subjectName the subject's display name
     * @return the header put before the first question of every prompt
     */
    public String header(String subjectName) {
        return system.replace("{subject}", subjectName);
    }

    /**
     * @param letter the choice letter
     * @param content the choice text
     * @return the choice line, e.g. {@code "\nA. Paris"}
     */
    public String choiceLine(char letter, String content) {
        return choice.replace("{choice}", String.valueOf(letter)).replace("{content}", content);
    }

    /**
     * @return the cue after the choices, {@code "\nAnswer:"} or {@code "\n答案："}
     */
    public String answerCue() {
        return answer;
    }

    /**
     * @return the configuration value, {@code en} or {@code zh}
     */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param key a configuration value such as {@code en}
     * @return the language, if known
     */
    public static Optional<EvalLanguage> fromKey(String key) {
        for (EvalLanguage language : values()) {
            if (language.key().equals(key)) {
                return Optional.of(language);
            }
        }
        return Optional.empty();
    }
}
