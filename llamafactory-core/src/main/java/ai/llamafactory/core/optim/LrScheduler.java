package ai.llamafactory.core.optim;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.core.train.output.DurableFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A {@link LrSchedule} with a position, like torch's {@code LambdaLR}: {@link #currentLr()} is the learning rate for
 * the next optimizer step and {@link #step()} advances after it. The whole state is the number of completed steps,
 * saved as {@code {"step": n}}.
 */
public final class LrScheduler {
    /** Conventional file name of the scheduler state inside a checkpoint folder. */
    public static final String STATE_FILE = "scheduler.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LrSchedule schedule;
    private long step;

    /**
     * Starts at step 0.
     *
     * @param schedule the schedule to follow
     */
    public LrScheduler(LrSchedule schedule) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
    }

    /** @return the schedule */
    public LrSchedule schedule() {
        return schedule;
    }

    /** @return the number of completed steps */
    public long stepCount() {
        return step;
    }

    /** @return the multiplier for the next optimizer step */
    public double currentMultiplier() {
        return schedule.multiplier(step);
    }

    /** @return the learning rate for the next optimizer step (pass it to {@link Optimizer#step(double)}) */
    public double currentLr() {
        return schedule.learningRate(step);
    }

    /** Advances by one completed optimizer step. */
    public void step() {
        step++;
    }

    /**
     * Restores the position, e.g. when resuming from a checkpoint.
     *
     * @param completedSteps the number of completed steps, &gt;= 0
     * @throws IllegalArgumentException if negative
     */
    public void restore(long completedSteps) {
        if (completedSteps < 0) {
            throw new IllegalArgumentException("scheduler step must be >= 0, got " + completedSteps);
        }
        this.step = completedSteps;
    }

    /**
     * Writes {@code {"step": n}} to a file (through a temporary file moved into place).
     *
     * @param file the target, conventionally {@value #STATE_FILE} in a checkpoint folder
     * @throws CheckpointException if the file cannot be written
     */
    public void save(Path file) {
        ObjectNode node = JSON.createObjectNode();
        node.put("step", step);
        try {
            DurableFiles.writeAtomically(
                    file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
        } catch (IOException e) {
            throw new CheckpointException("cannot write scheduler state " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Restores the position from a file written by {@link #save(Path)}.
     *
     * @param file the state file
     * @throws CheckpointException if the file is missing or its {@code step} is not a count &gt;= 0
     */
    public void load(Path file) {
        JsonNode node;
        try {
            node = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new CheckpointException("cannot read scheduler state " + file + ": " + e.getMessage(), e);
        }
        JsonNode s = node == null ? null : node.get("step");
        if (s == null || !s.canConvertToLong() || !s.isIntegralNumber() || s.asLong() < 0) {
            throw new CheckpointException(file + ": 'step' must be a count >= 0, got " + s);
        }
        restore(s.asLong());
    }
}
