package ai.llamafactory.api.run;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sent every {@code logging_steps} steps with what LLaMA-Factory writes to {@code trainer_log.jsonl}: {@code loss}
 * (averaged since the previous log), {@code learning_rate}, {@code grad_norm}, {@code epoch}, throughput and the like.
 *
 * @param step the optimizer steps taken so far
 * @param metrics metric name to value, unmodifiable
 */
public record LogEvent(long step, Map<String, Double> metrics) {
    /**
     * Copies the metrics.
     *
     * @param step the optimizer steps taken so far
     * @param metrics metric name to value
     */
    public LogEvent {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }
}
