package ai.llamafactory.core.train.checkpoint;

import java.nio.file.Path;

/**
 * Follows the phases of {@link CheckpointWriter#write}, e.g. for progress logging or timing. Every method has an empty
 * default. A listener that throws aborts the write like a failing {@link CheckpointContent}.
 */
public interface CheckpointWriteListener {
    /**
     * The content is written and synced; the folder still has its temporary name.
     *
     * @param temporaryFolder the hidden folder
     */
    default void contentWritten(Path temporaryFolder) {}

    /**
     * The folder has its final name, but no completion marker yet: it is not a checkpoint yet.
     *
     * @param folder {@code output_dir/checkpoint-<step>}
     */
    default void renamed(Path folder) {}

    /**
     * The completion marker is written and synced: the checkpoint is complete.
     *
     * @param checkpoint the checkpoint
     */
    default void completed(Checkpoint checkpoint) {}
}
