package ai.llamafactory.data.metrics;

import ai.llamafactory.data.Message;
import ai.llamafactory.data.Role;
import java.util.List;
import java.util.Objects;

/**
 * The few-shot prompt for one question, as LLaMA-Factory's evaluator builds it: a conversation in which every
 * few-shot example is a user turn (question, choices, answer cue) answered by an assistant turn (the letter), ending
 * with the user turn of the question asked. The subject header is prepended to the first user turn. The model is to
 * score the choice letters as the first token of the assistant's reply.
 *
 * @param subject the subject the question belongs to
 * @param index the question's position in its subject's evaluation split
 * @param messages the conversation, alternating user and assistant, ending with a user message
 */
public record McqPrompt(McqSubject subject, int index, List<Message> messages) {
    /** Validates and copies the fields. */
    public McqPrompt {
        Objects.requireNonNull(subject, "subject");
        messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
        if (messages.isEmpty() || messages.get(messages.size() - 1).role() != Role.USER) {
            throw new IllegalArgumentException("a prompt must end with the user message of the question");
        }
    }

    /**
     * The prompt rendered without a chat template: every message's content back to back, which is what
     * LLaMA-Factory's {@code empty} template produces and what a base model without a template sees.
     *
     * @return the plain prompt text
     */
    public String plainText() {
        StringBuilder text = new StringBuilder();
        for (Message message : messages) {
            text.append(message.content());
        }
        return text.toString();
    }

    /**
     * @return the user message of the question asked (with the subject header when there is no few-shot example)
     */
    public String question() {
        return messages.get(messages.size() - 1).content();
    }
}
