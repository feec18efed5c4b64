package ai.llamafactory.data.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Scores the four choice letters for a prompt: the model's logits (or any increasing function of them, such as
 * probabilities) of the tokens {@code A}, {@code B}, {@code C} and {@code D} at the last position of the prompt once
 * the chat template has been applied with the assistant turn opened. LLaMA-Factory takes the last token id of each
 * letter's encoding without special tokens; the evaluator picks the highest score, the first one on a tie.
 *
 * <p>Implementations live where the model is (the core module); tests use fakes.
 */
@FunctionalInterface
public interface ChoiceScorer {
    /**
     * @param prompt the few-shot prompt
     * @return four finite scores, for A, B, C and D
     */
    float[] score(McqPrompt prompt);

    /**
     * Scores several prompts at once; override to run them as one padded batch.
     *
     * @param prompts up to the configured batch size of prompts
     * @return one score array per prompt, in order
     */
    default List<float[]> scoreBatch(List<McqPrompt> prompts) {
        List<float[]> scores = new ArrayList<>(prompts.size());
        for (McqPrompt prompt : prompts) {
            scores.add(score(prompt));
        }
        return scores;
    }
}
