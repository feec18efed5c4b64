package ai.llamafactory.core.train.checkpoint;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.core.train.output.TrainerState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A complete checkpoint: a {@code checkpoint-<step>} folder whose completion marker is valid and whose files all
 * have the sizes the marker recorded. Obtained from {@link CheckpointWriter#write} or {@link CheckpointFinder}.
 *
 * @param folder the folder
 * @param step the global step
 * @param files every file written into it (relative name, with {@code /} separators) and its size in bytes;
 *     the marker itself is not listed
 */
public record Checkpoint(Path folder, int step, Map<String, Long> files) {
    /**
     * Copies the file map.
     *
     * @param folder the folder
     * @param step the step
     * @param files the files and sizes
     */
    public Checkpoint {
        files = Map.copyOf(files);
    }

    /**
     * A file of the checkpoint.
     *
     * @param relativeName e.g. {@code adapter_model.safetensors}
     * @return its path (which exists when the name is in {@link #files()})
     */
    public Path resolve(String relativeName) {
        return folder.resolve(relativeName);
    }

    /**
     * Whether the checkpoint holds a file.
     *
     * @param relativeName the name
     * @return true if it was written with the checkpoint
     */
    public boolean has(String relativeName) {
        return files.containsKey(relativeName);
    }

    /**
     * Reads {@value TrainerState#FILE_NAME}.
     *
     * @return the saved trainer state
     * @throws CheckpointException naming the file if it is missing or malformed
     */
    public TrainerState trainerState() {
        return TrainerState.read(resolve(TrainerState.FILE_NAME));
    }

    /**
     * Reads {@value CheckpointLayout#TRAINING_POSITION}.
     *
     * @return where the loop stood
     * @throws CheckpointException naming the file if it is missing or malformed
     */
    public TrainingPosition trainingPosition() {
        TrainingPosition position = TrainingPosition.read(resolve(CheckpointLayout.TRAINING_POSITION));
        if (position.globalStep() != step) {
            throw new CheckpointException("checkpoint " + folder + ": " + CheckpointLayout.TRAINING_POSITION
                    + " says global step " + position.globalStep() + " but the folder is for step " + step);
        }
        return position;
    }

    /**
     * Reads {@value CheckpointLayout#MODEL_FINGERPRINT}, when the checkpoint has one.
     *
     * @return the fingerprint
     * @throws CheckpointException naming the file if it is malformed
     */
    public Optional<ModelFingerprint> modelFingerprint() {
        Path file = resolve(CheckpointLayout.MODEL_FINGERPRINT);
        return Files.exists(file) ? Optional.of(ModelFingerprint.read(file)) : Optional.empty();
    }

    /**
     * Refuses to resume this checkpoint with another model than the one it was trained from.
     *
     * @param current the fingerprint of this run's model and setup
     * @throws ai.llamafactory.api.exception.TrainingException listing the differences, or when the checkpoint has no
     *     fingerprint to compare with
     */
    public void requireSameModel(ModelFingerprint current) {
        ModelFingerprint saved = modelFingerprint()
                .orElseThrow(() -> new ai.llamafactory.api.exception.TrainingException(
                        "checkpoint " + folder + " has no " + CheckpointLayout.MODEL_FINGERPRINT
                                + "; cannot verify that it belongs to model " + current.modelType()));
        ModelFingerprint.requireSameModel(folder, saved, current);
    }
}
