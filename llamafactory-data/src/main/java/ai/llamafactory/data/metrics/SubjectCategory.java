package ai.llamafactory.data.metrics;

import java.util.Optional;

/**
 * The subject categories LLaMA-Factory's evaluator accumulates accuracy over (its {@code SUBJECTS} besides
 * {@code Average}), in its reporting order.
 */
public enum SubjectCategory {
    /** Science, technology, engineering and mathematics. */
    STEM("STEM"),
    /** Social sciences. */
    SOCIAL_SCIENCES("Social Sciences"),
    /** Humanities. */
    HUMANITIES("Humanities"),
    /** Everything else. */
    OTHER("Other");

    private final String label;

    SubjectCategory(String label) {
        this.label = label;
    }

    /**
     * @return the name used in {@code mapping.json} and {@code results.log}, e.g. {@code Social Sciences}
     */
    public String label() {
        return label;
    }

    /**
     * @param label a category name as written in {@code mapping.json}
     * @return the category, if the name is one of LLaMA-Factory's four
     */
    public static Optional<SubjectCategory> fromLabel(String label) {
        for (SubjectCategory category : values()) {
            if (category.label.equals(label)) {
                return Optional.of(category);
            }
        }
        return Optional.empty();
    }
}
