package ai.llamafactory.data.dataset;

import ai.llamafactory.data.AlignedExample;
import ai.llamafactory.data.Message;
import java.util.List;
import java.util.Objects;

/**
 * Fills the {@code {{name}}} and {@code {{author}}} placeholders of the identity dataset (and of any text) with the
 * model's name and its author.
 */
public final class IdentityPlaceholders {
    /** The model-name placeholder. */
    public static final String NAME = "{{name}}";
    /** The author placeholder. */
    public static final String AUTHOR = "{{author}}";

    private IdentityPlaceholders() {}

    /**
     * @param text a text with placeholders
     * @param name the model's name
     * @param author who made it
     * @return the text with both placeholders replaced everywhere
     */
    public static String replace(String text, String name, String author) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(author, "author");
        return text.replace(NAME, name).replace(AUTHOR, author);
    }

    /**
     * @param example an example
     * @param name the model's name
     * @param author who made it
     * @return the example with placeholders replaced in every message and in the system prompt
     */
    public static AlignedExample replace(AlignedExample example, String name, String author) {
        return new AlignedExample(
                replace(example.prompt(), name, author),
                replace(example.response(), name, author),
                replace(example.system(), name, author),
                example.tools(),
                example.ktoTag(),
                example.source());
    }

    /**
     * @param examples examples
     * @param name the model's name
     * @param author who made it
     * @return the examples with placeholders replaced
     */
    public static List<AlignedExample> replaceAll(List<AlignedExample> examples, String name, String author) {
        return examples.stream().map(e -> replace(e, name, author)).toList();
    }

    private static List<Message> replace(List<Message> messages, String name, String author) {
        return messages.stream()
                .map(m -> new Message(m.role(), replace(m.content(), name, author)))
                .toList();
    }
}
