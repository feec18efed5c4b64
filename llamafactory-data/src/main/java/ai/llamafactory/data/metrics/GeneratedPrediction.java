package ai.llamafactory.data.metrics;

import java.util.Objects;

/**
 * One row of {@code generated_predictions.jsonl}.
 *
 * @param prompt the model input, decoded with special tokens kept (LLaMA-Factory decodes the input ids with
 *     {@code skip_special_tokens=False})
 * @param predict the generated text
 * @param label the reference answer
 */
public record GeneratedPrediction(String prompt, String predict, String label) {
    /** Validates the fields. */
    public GeneratedPrediction {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(predict, "predict");
        Objects.requireNonNull(label, "label");
    }
}
