package ai.llamafactory.api.chat;

import java.util.List;
import java.util.Objects;

/**
 * The result of {@link ChatModel#chat}: one choice per requested reply ({@code n}) and the token usage.
 *
 * @param choices the replies, in index order
 * @param usage the prompt tokens and the completion tokens of all choices
 */
public record ChatResponse(List<ChatChoice> choices, ChatUsage usage) {
    /** Checks the values and copies the list. */
    public ChatResponse {
        choices = List.copyOf(choices);
        if (choices.isEmpty()) {
            throw new IllegalArgumentException("a chat response needs at least one choice");
        }
        Objects.requireNonNull(usage, "usage");
    }

    /** @return the first choice's text, the usual answer when {@code n} is 1 */
    public String text() {
        return choices.get(0).text();
    }
}
