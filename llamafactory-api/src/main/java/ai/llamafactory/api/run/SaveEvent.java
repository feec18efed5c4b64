package ai.llamafactory.api.run;

import java.nio.file.Path;

/**
 * Sent after a checkpoint was written.
 *
 * @param step the optimizer steps taken so far
 * @param checkpointDir the checkpoint folder, e.g. {@code output_dir/checkpoint-500}
 */
public record SaveEvent(long step, Path checkpointDir) {}
