package ai.llamafactory.api.chat;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * One call of a tool (a function) that the assistant asks for, as in OpenAI's {@code tool_calls}.
 *
 * @param id the call's id, which the {@link ChatRole#TOOL} message answering it repeats as {@code tool_call_id}
 * @param name the function name
 * @param arguments the arguments as a JSON text, passed through as the model wrote it (it may even be invalid JSON,
 *     as with OpenAI)
 */
public record ToolCall(String id, String name, String arguments) {
    private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Checks that the id and name are not blank and the arguments not null. */
    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
        if (id.isBlank()) {
            throw new IllegalArgumentException("tool call id must not be blank");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException("tool call name must not be blank (id '" + id + "')");
        }
    }

    /**
     * Creates a call with a fresh id of OpenAI's shape ({@code call_} and 24 letters or digits), for models that parse
     * calls out of generated text.
     *
     * @param name the function name
     * @param arguments the arguments as a JSON text
     * @return the call
     */
    public static ToolCall withNewId(String name, String arguments) {
        StringBuilder id = new StringBuilder("call_");
        for (int i = 0; i < 24; i++) {
            id.append(ID_ALPHABET.charAt(RANDOM.nextInt(ID_ALPHABET.length())));
        }
        return new ToolCall(id.toString(), name, arguments);
    }
}
