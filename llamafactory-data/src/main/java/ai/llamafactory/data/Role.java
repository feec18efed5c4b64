package ai.llamafactory.data;

import java.util.Locale;

/** Role of a message in the aligned internal form (LLaMA-Factory's {@code Role} enum). */
public enum Role {
    /** A user (human) turn. */
    USER,
    /** A model turn. */
    ASSISTANT,
    /** The system prompt. */
    SYSTEM,
    /** A model turn that is a function (tool) call. */
    FUNCTION,
    /** The result of a tool call, fed back to the model. */
    OBSERVATION;

    /** @return the lower-case name LLaMA-Factory uses, e.g. {@code assistant} */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
