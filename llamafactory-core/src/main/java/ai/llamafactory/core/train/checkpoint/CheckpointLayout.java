package ai.llamafactory.core.train.checkpoint;

import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of the folders and files of a checkpoint in {@code output_dir}.
 *
 * <p>{@code checkpoint-<step>/} is the Hugging Face Trainer's folder name. Inside, besides what the training loop
 * writes (weights or adapter, optimizer and scheduler state, {@code trainer_state.json}), this package adds
 * {@value #TRAINING_POSITION}, {@value #MODEL_FINGERPRINT} and, last of all, the completion marker
 * {@value #COMPLETION_MARKER}: a folder without a valid marker is never treated as a checkpoint.
 * Checkpoints are first written into a hidden sibling {@code .tmp-checkpoint-<step>-<id>}; replaced or rotated
 * checkpoints are renamed to {@code .trash-checkpoint-<step>-<id>} before deletion. Both kinds are left-overs of an
 * interrupted run when found later, and are removed by {@link CheckpointFinder#cleanUpStale}.
 */
public final class CheckpointLayout {
    /** Prefix of checkpoint folders: {@code checkpoint-<step>}. */
    public static final String PREFIX = "checkpoint-";
    /** The completion marker, written last inside a checkpoint. */
    public static final String COMPLETION_MARKER = "checkpoint_complete.json";
    /** Where the loop stands in the data ({@link TrainingPosition}). */
    public static final String TRAINING_POSITION = "training_position.json";
    /** Identity of the base model ({@link ModelFingerprint}). */
    public static final String MODEL_FINGERPRINT = "model_fingerprint.json";
    /** Suggested name for the optimizer state (name-keyed tensors). */
    public static final String OPTIMIZER_STATE = "optimizer.safetensors";
    /** Suggested name for the learning-rate scheduler state. */
    public static final String SCHEDULER_STATE = "scheduler.json";
    /** Prefix of folders being written. */
    public static final String TEMP_PREFIX = ".tmp-checkpoint-";
    /** Prefix of folders being deleted. */
    public static final String TRASH_PREFIX = ".trash-checkpoint-";

    private static final Pattern CHECKPOINT_NAME = Pattern.compile("checkpoint-([0-9]+)");

    private CheckpointLayout() {}

    /**
     * The folder name of a checkpoint.
     *
     * @param step global step, at least 0
     * @return {@code checkpoint-<step>}
     */
    public static String folderName(int step) {
        if (step < 0) {
            throw new IllegalArgumentException("checkpoint step must be >= 0, got " + step);
        }
        return PREFIX + step;
    }

    /**
     * The step encoded in a checkpoint folder name.
     *
     * @param folder a path whose last element may be {@code checkpoint-<step>}
     * @return the step, or empty if the name is not a checkpoint name (or the number overflows an int)
     */
    public static OptionalInt stepOf(Path folder) {
        Path name = folder.getFileName();
        if (name == null) {
            return OptionalInt.empty();
        }
        Matcher m = CHECKPOINT_NAME.matcher(name.toString());
        if (!m.matches()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(m.group(1)));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * Whether a name is a left-over of an interrupted write or deletion.
     *
     * @param name a folder name
     * @return true for {@code .tmp-checkpoint-*} and {@code .trash-checkpoint-*}
     */
    public static boolean isTransient(String name) {
        return name.startsWith(TEMP_PREFIX) || name.startsWith(TRASH_PREFIX);
    }
}
