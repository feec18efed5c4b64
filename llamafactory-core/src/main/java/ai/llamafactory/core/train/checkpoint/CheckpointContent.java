package ai.llamafactory.core.train.checkpoint;

import java.io.IOException;

/**
 * Writes the content of a checkpoint: the training loop's part of {@link CheckpointWriter#write}. It runs while the
 * checkpoint is still a hidden temporary folder, so anything it writes becomes visible all at once, or not at all.
 */
@FunctionalInterface
public interface CheckpointContent {
    /**
     * Writes the files (weights or adapter, optimizer and scheduler state, {@code trainer_state.json},
     * {@link TrainingPosition}, ...) into the temporary folder.
     *
     * @param files the folder being written, with helpers for the common files
     * @throws IOException if a file cannot be written; the checkpoint is then abandoned
     */
    void writeTo(CheckpointFiles files) throws IOException;
}
