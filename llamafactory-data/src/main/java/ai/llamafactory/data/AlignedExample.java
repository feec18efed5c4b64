package ai.llamafactory.data;

import java.util.List;
import java.util.Objects;

/**
 * One dataset row after format conversion (alpaca, sharegpt, openai, preference, KTO all end here): LLaMA-Factory's
 * aligned form with {@code _prompt}, {@code _response}, {@code _system}, {@code _tools}.
 *
 * @param prompt the conversation up to the turn to be learned: odd length, alternating user/observation and
 *     assistant/function turns, starting and ending with a user or observation turn
 * @param response one message for SFT; two ({@code [chosen, rejected]}) for pairwise data; one for KTO; empty for
 *     unsupervised prompts (prediction) and pre-training text
 * @param system the system prompt, empty string when absent
 * @param tools the tool descriptions as a JSON string, empty string when absent
 * @param ktoTag for KTO rows: true when the response is desirable; null otherwise
 * @param source where the row came from, for error messages: {@code dataset_name:file:line} or
 *     {@code dataset_name[index]}
 */
public record AlignedExample(
        List<Message> prompt, List<Message> response, String system, String tools, Boolean ktoTag, String source) {
    /** Copies the lists and checks for nulls. */
    public AlignedExample {
        prompt = List.copyOf(Objects.requireNonNull(prompt, "prompt"));
        response = List.copyOf(Objects.requireNonNull(response, "response"));
        system = system == null ? "" : system;
        tools = tools == null ? "" : tools;
        source = source == null ? "" : source;
    }
}
