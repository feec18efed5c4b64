package ai.llamafactory.core.train.checkpoint;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.core.train.output.DurableFiles;
import ai.llamafactory.data.json.PythonJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where a training run stands in its data, saved in every checkpoint ({@value CheckpointLayout#TRAINING_POSITION})
 * so that a resumed run continues with the very next batch: with the seed, the shuffling of every epoch and every
 * other random draw (derived from seed, step and purpose) can be reproduced, so no generator state is stored.
 *
 * @param globalStep optimizer updates completed
 * @param epoch the epoch in progress, counted from 0
 * @param batchInEpoch micro-batches of that epoch already consumed (the next one to feed has this index)
 * @param samplesSeen training examples fed so far
 * @param tokensSeen input tokens fed so far
 * @param seed the run's seed
 * @param losses the running loss sums at this step, so that logged means and {@code train_loss} of a resumed run
 *     equal the uninterrupted run's
 */
public record TrainingPosition(
        int globalStep, int epoch, long batchInEpoch, long samplesSeen, long tokensSeen, long seed, LossTally losses) {
    /**
     * The loss sums a run carries from step to step, stored as exact doubles.
     *
     * @param trainLossSum the sum, over the logged windows so far, of each window's mean loss times its steps
     * @param trainLossSteps the steps those windows cover
     * @param sinceLogSum the sum of the step losses since the last log
     * @param sinceLogSteps the number of those steps
     */
    public record LossTally(double trainLossSum, long trainLossSteps, double sinceLogSum, int sinceLogSteps) {
        /** Nothing accumulated yet. */
        public static final LossTally ZERO = new LossTally(0, 0, 0, 0);

        /**
         * Validates the counts.
         *
         * @param trainLossSum sum of logged losses
         * @param trainLossSteps steps covered, at least 0
         * @param sinceLogSum sum since the last log
         * @param sinceLogSteps steps since the last log, at least 0
         */
        public LossTally {
            if (trainLossSteps < 0 || sinceLogSteps < 0) {
                throw new IllegalArgumentException("loss tally counts must be >= 0, got train_loss_steps="
                        + trainLossSteps + ", since_log_steps=" + sinceLogSteps);
            }
        }
    }

    /** JSON format version written into the file. */
    public static final int FORMAT_VERSION = 1;

    /**
     * Validates the counters.
     *
     * @param globalStep optimizer updates completed, at least 0
     * @param epoch epoch in progress, at least 0
     * @param batchInEpoch micro-batches consumed in it, at least 0
     * @param samplesSeen examples fed, at least 0
     * @param tokensSeen tokens fed, at least 0
     * @param seed the seed
     */
    public TrainingPosition {
        Objects.requireNonNull(losses, "losses");
        if (globalStep < 0 || epoch < 0 || batchInEpoch < 0 || samplesSeen < 0 || tokensSeen < 0) {
            throw new IllegalArgumentException("training position counters must be >= 0, got global_step="
                    + globalStep + ", epoch=" + epoch + ", batch_in_epoch=" + batchInEpoch + ", samples_seen="
                    + samplesSeen + ", tokens_seen=" + tokensSeen);
        }
    }

    /**
     * A position with nothing accumulated in the loss tally.
     *
     * @param globalStep optimizer updates completed
     * @param epoch epoch in progress
     * @param batchInEpoch micro-batches consumed in it
     * @param samplesSeen examples fed
     * @param tokensSeen tokens fed
     * @param seed the seed
     */
    public TrainingPosition(
            int globalStep, int epoch, long batchInEpoch, long samplesSeen, long tokensSeen, long seed) {
        this(globalStep, epoch, batchInEpoch, samplesSeen, tokensSeen, seed, LossTally.ZERO);
    }

    /**
     * The position before the first step.
     *
     * @param seed the run's seed
     * @return step 0, epoch 0, nothing seen
     */
    public static TrainingPosition start(long seed) {
        return new TrainingPosition(0, 0, 0, 0, 0, seed);
    }

    /**
     * The JSON text.
     *
     * @return an object with {@code format_version, global_step, epoch, batch_in_epoch, samples_seen, tokens_seen,
     *     seed}
     */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format_version", FORMAT_VERSION);
        m.put("global_step", globalStep);
        m.put("epoch", epoch);
        m.put("batch_in_epoch", batchInEpoch);
        m.put("samples_seen", samplesSeen);
        m.put("tokens_seen", tokensSeen);
        m.put("seed", seed);
        Map<String, Object> tally = new LinkedHashMap<>();
        tally.put("train_loss_sum", losses.trainLossSum());
        tally.put("train_loss_steps", losses.trainLossSteps());
        tally.put("since_log_sum", losses.sinceLogSum());
        tally.put("since_log_steps", losses.sinceLogSteps());
        m.put("loss_tally", tally);
        return PythonJson.builder().indent(2).build().dumps(m) + "\n";
    }

    /**
     * Writes the JSON atomically.
     *
     * @param file the target
     * @throws CheckpointException naming the file on failure
     */
    public void write(Path file) {
        try {
            DurableFiles.writeAtomically(file, toJson());
        } catch (IOException e) {
            throw new CheckpointException("cannot write training position " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a position file.
     *
     * @param file the file
     * @return the position
     * @throws CheckpointException naming the file and the field if it is missing or malformed
     */
    public static TrainingPosition read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("training position " + file + " does not exist", e);
        } catch (IOException e) {
            throw new CheckpointException("cannot read training position " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /**
     * Parses position JSON.
     *
     * @param json the text
     * @param source the file name used in messages
     * @return the position
     * @throws CheckpointException naming the source and the field if the text is malformed
     */
    public static TrainingPosition parse(String json, String source) {
        Object root;
        try {
            root = PythonJson.parse(json);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("training position " + source + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new CheckpointException("training position " + source + " must be a JSON object");
        }
        long version = field(map, "format_version", source);
        if (version != FORMAT_VERSION) {
            throw new CheckpointException("training position " + source + ": format_version " + version
                    + " is not supported (this library reads " + FORMAT_VERSION + ")");
        }
        try {
            return new TrainingPosition(
                    Math.toIntExact(field(map, "global_step", source)),
                    Math.toIntExact(field(map, "epoch", source)),
                    field(map, "batch_in_epoch", source),
                    field(map, "samples_seen", source),
                    field(map, "tokens_seen", source),
                    field(map, "seed", source),
                    tally(map.get("loss_tally"), source));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new CheckpointException("training position " + source + ": " + e.getMessage(), e);
        }
    }

    private static LossTally tally(Object value, String source) {
        if (value == null) {
            // Written before the tally existed: train_loss then averages the resumed process's steps only.
            return LossTally.ZERO;
        }
        if (!(value instanceof Map<?, ?> m)) {
            throw new CheckpointException("training position " + source + ": field \"loss_tally\" must be an object");
        }
        return new LossTally(
                number(m, "train_loss_sum", source),
                field(m, "train_loss_steps", source),
                number(m, "since_log_sum", source),
                Math.toIntExact(field(m, "since_log_steps", source)));
    }

    private static double number(Map<?, ?> map, String key, String source) {
        Object v = map.get(key);
        if (!(v instanceof Number n)) {
            throw new CheckpointException("training position " + source + ": field \"" + key
                    + "\" must be a number, got " + PythonJson.DEFAULTS.dumps(v));
        }
        return n.doubleValue();
    }

    private static long field(Map<?, ?> map, String key, String source) {
        Object v = map.get(key);
        if (v == null) {
            throw new CheckpointException("training position " + source + ": field \"" + key + "\" is missing");
        }
        if (!(v instanceof Long l)) {
            throw new CheckpointException("training position " + source + ": field \"" + key
                    + "\" must be an integer, got " + PythonJson.DEFAULTS.dumps(v));
        }
        return l;
    }
}
