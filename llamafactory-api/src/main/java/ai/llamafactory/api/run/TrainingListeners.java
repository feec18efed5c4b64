package ai.llamafactory.api.run;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one run, called in registration order. A listener that throws is logged with its class name and
 * the others still run; training goes on. Immutable.
 */
public final class TrainingListeners implements TrainingListener {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingListeners.class);
    private static final TrainingListeners NONE = new TrainingListeners(List.of());

    private final List<TrainingListener> listeners;

    private TrainingListeners(List<TrainingListener> listeners) {
        this.listeners = listeners;
    }

    /**
     * @param listeners the listeners, in calling order
     * @return the composite
     */
    public static TrainingListeners of(List<? extends TrainingListener> listeners) {
        return new TrainingListeners(List.copyOf(listeners));
    }

    /**
     * @param listeners the listeners, in calling order
     * @return the composite
     */
    public static TrainingListeners of(TrainingListener... listeners) {
        return of(List.of(listeners));
    }

    /** @return a composite with no listeners */
    public static TrainingListeners none() {
        return NONE;
    }

    /** @return the listeners, in calling order */
    public List<TrainingListener> listeners() {
        return listeners;
    }

    private void each(String event, Consumer<TrainingListener> call) {
        for (TrainingListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.warn(
                        "training listener {} failed in {}; training goes on",
                        l.getClass().getName(),
                        event,
                        e);
            }
        }
    }

    @Override
    public void onTrainBegin(TrainBeginEvent event) {
        Objects.requireNonNull(event, "event");
        each("onTrainBegin", l -> l.onTrainBegin(event));
    }

    @Override
    public void onStep(StepEvent event) {
        Objects.requireNonNull(event, "event");
        each("onStep", l -> l.onStep(event));
    }

    @Override
    public void onLog(LogEvent event) {
        Objects.requireNonNull(event, "event");
        each("onLog", l -> l.onLog(event));
    }

    @Override
    public void onEvaluate(EvaluationEvent event) {
        Objects.requireNonNull(event, "event");
        each("onEvaluate", l -> l.onEvaluate(event));
    }

    @Override
    public void onSave(SaveEvent event) {
        Objects.requireNonNull(event, "event");
        each("onSave", l -> l.onSave(event));
    }

    @Override
    public void onTrainEnd(TrainingResult result) {
        Objects.requireNonNull(result, "result");
        each("onTrainEnd", l -> l.onTrainEnd(result));
    }
}
