package ai.llamafactory.api.run;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sent after each evaluation with its metrics ({@code eval_loss}, {@code eval_accuracy}, {@code eval_rewards/chosen}
 * ...; evaluation datasets evaluated separately are prefixed like {@code eval_alpaca_en_demo_loss}).
 *
 * @param step the optimizer steps taken so far
 * @param metrics metric name to value, unmodifiable
 */
public record EvaluationEvent(long step, Map<String, Double> metrics) {
    /**
     * Copies the metrics.
     *
     * @param step the optimizer steps taken so far
     * @param metrics metric name to value
     */
    public EvaluationEvent {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }
}
