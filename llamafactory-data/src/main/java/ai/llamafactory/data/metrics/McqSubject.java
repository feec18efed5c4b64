package ai.llamafactory.data.metrics;

import java.util.Objects;
import java.util.Optional;

/**
 * A subject of a multiple-choice benchmark, as an entry of LLaMA-Factory's {@code mapping.json} describes it.
 *
 * @param id the identifier used in file names and {@code results.json}, e.g. {@code abstract_algebra}
 * @param name the display name put into the prompt header, e.g. {@code abstract algebra}
 * @param category the category its accuracy also counts towards, or {@code null} when no mapping gives one (then it
 *     counts towards the average only)
 */
public record McqSubject(String id, String name, SubjectCategory category) {
    /** Validates the fields. */
    public McqSubject {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("subject id must not be empty");
        }
    }

    /**
     * A subject without a mapping entry: its name is the id with underscores as spaces, and it has no category.
     *
     * @param id the identifier
     * @return the subject
     */
    public static McqSubject unmapped(String id) {
        return new McqSubject(id, id.replace('_', ' '), null);
    }

    /**
     * @return the category, if known
     */
    public Optional<SubjectCategory> categoryIfKnown() {
        return Optional.ofNullable(category);
    }
}
