package ai.llamafactory.core.train.checkpoint;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.core.train.output.DurableFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds, cleans up and rotates the checkpoints in an {@code output_dir}.
 *
 * <p>Only complete checkpoints count: {@code checkpoint-<step>} folders with a valid completion marker whose listed
 * files all exist with their recorded sizes (see {@link CheckpointWriter}). Folders without one are reported and
 * ignored; the hidden temporary and trash folders of interrupted writes and deletions are removed by
 * {@link #cleanUpStale}.
 */
public final class CheckpointFinder {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointFinder.class);

    private CheckpointFinder() {}

    /**
     * Opens a checkpoint folder given by the user ({@code resume_from_checkpoint: path}).
     *
     * @param folder the folder
     * @return the checkpoint
     * @throws CheckpointException naming the folder and the reason if it is not a complete checkpoint
     */
    public static Checkpoint open(Path folder) {
        CompletionMarker.Inspection inspection = CompletionMarker.inspect(folder);
        if (!inspection.complete()) {
            throw new CheckpointException("checkpoint " + folder + " cannot be used: " + inspection.problem());
        }
        Optional<String> corrupt = CompletionMarker.verify(inspection.checkpoint());
        if (corrupt.isPresent()) {
            throw new CheckpointException("checkpoint " + folder + " cannot be used: " + corrupt.get());
        }
        return inspection.checkpoint();
    }

    /**
     * Whether a folder is a complete checkpoint.
     *
     * @param folder the folder
     * @return true if {@link #open} would accept it
     */
    public static boolean isComplete(Path folder) {
        return CompletionMarker.inspect(folder).complete();
    }

    /**
     * The complete checkpoints of an {@code output_dir}, oldest step first. Incomplete {@code checkpoint-*} folders
     * are skipped with a warning naming the reason.
     *
     * @param outputDir the folder; a missing folder has no checkpoints
     * @return the checkpoints sorted by step
     * @throws CheckpointException naming the folder if it cannot be listed
     */
    public static List<Checkpoint> completeCheckpoints(Path outputDir) {
        List<Checkpoint> result = new ArrayList<>();
        for (Path folder : checkpointFolders(outputDir)) {
            CompletionMarker.Inspection inspection = CompletionMarker.inspect(folder);
            if (inspection.complete()) {
                result.add(inspection.checkpoint());
            } else {
                LOG.warn("Ignoring {}: {}", folder, inspection.problem());
            }
        }
        result.sort(Comparator.comparingInt(Checkpoint::step));
        return result;
    }

    /**
     * The {@code checkpoint-*} folders of an {@code output_dir} that are not complete checkpoints.
     *
     * @param outputDir the folder
     * @return the incomplete folders
     */
    public static List<Path> incompleteCheckpoints(Path outputDir) {
        List<Path> result = new ArrayList<>();
        for (Path folder : checkpointFolders(outputDir)) {
            if (!CompletionMarker.inspect(folder).complete()) {
                result.add(folder);
            }
        }
        return result;
    }

    /**
     * The complete checkpoint with the highest step, as transformers' {@code get_last_checkpoint} picks it, whose
     * files match the checksums of its completion marker; a newer one that does not is skipped with a warning naming
     * the corrupt file.
     *
     * @param outputDir the folder
     * @return the latest checkpoint, or empty if there is none
     */
    public static Optional<Checkpoint> latest(Path outputDir) {
        List<Checkpoint> all = completeCheckpoints(outputDir);
        for (int i = all.size() - 1; i >= 0; i--) {
            Checkpoint c = all.get(i);
            Optional<String> corrupt = CompletionMarker.verify(c);
            if (corrupt.isEmpty()) {
                return Optional.of(c);
            }
            LOG.warn("Ignoring {}: {}{}", c.folder(), corrupt.get(), i > 0 ? "; trying the one before it" : "");
        }
        return Optional.empty();
    }

    /**
     * Removes the left-overs of interrupted checkpoint writes and deletions ({@code .tmp-checkpoint-*},
     * {@code .trash-checkpoint-*}), logging each. Incomplete {@code checkpoint-<step>} folders are left in place (they
     * may be someone else's files) and replaced when that step is saved again.
     *
     * @param outputDir the folder
     * @return the folders removed
     */
    public static List<Path> cleanUpStale(Path outputDir) {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(outputDir)) {
            return removed;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(
                outputDir, p -> CheckpointLayout.isTransient(p.getFileName().toString()))) {
            for (Path stale : entries) {
                try {
                    DurableFiles.deleteTree(stale);
                    LOG.info("Removed {}, left over from an interrupted checkpoint write or deletion", stale);
                    removed.add(stale);
                } catch (IOException e) {
                    LOG.warn("Could not remove stale {}: {}", stale, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot list output_dir " + outputDir + ": " + e.getMessage(), e);
        }
        if (!removed.isEmpty()) {
            DurableFiles.syncDirectory(outputDir);
        }
        return removed;
    }

    /**
     * Deletes the oldest complete checkpoints beyond {@code save_total_limit}, as transformers'
     * {@code _rotate_checkpoints} does: the best checkpoint (when best-model tracking is on) is never deleted: it is
     * moved to the second-newest place before counting, and with a limit of 1 two checkpoints are kept when the best is
     * not the newest, so that the newest one stays available for resuming. Each deleted folder is first renamed to a
     * hidden trash name, so an interrupted deletion never leaves a half-deleted checkpoint.
     *
     * @param outputDir the folder
     * @param saveTotalLimit {@code save_total_limit}; 0 or negative means no limit
     * @param bestModelCheckpoint {@code best_model_checkpoint} of the trainer state, or {@code null}
     * @return the checkpoint folders deleted, oldest first
     */
    public static List<Path> rotate(Path outputDir, int saveTotalLimit, String bestModelCheckpoint) {
        List<Path> deleted = new ArrayList<>();
        if (saveTotalLimit <= 0) {
            return deleted;
        }
        List<Checkpoint> sorted = new ArrayList<>(completeCheckpoints(outputDir));
        if (sorted.size() <= saveTotalLimit) {
            return deleted;
        }
        int bestIndex = -1;
        String bestName = bestModelCheckpoint == null ? null : fileName(bestModelCheckpoint);
        for (int i = 0; i < sorted.size(); i++) {
            if (sorted.get(i).folder().getFileName().toString().equals(bestName)) {
                bestIndex = i;
            }
        }
        if (bestIndex >= 0) {
            for (int i = bestIndex; i < sorted.size() - 2; i++) {
                Checkpoint tmp = sorted.get(i);
                sorted.set(i, sorted.get(i + 1));
                sorted.set(i + 1, tmp);
            }
        }
        int limit = saveTotalLimit;
        if (bestIndex >= 0
                && saveTotalLimit == 1
                && !sorted.get(sorted.size() - 1)
                        .folder()
                        .getFileName()
                        .toString()
                        .equals(bestName)) {
            limit = 2;
        }
        int toDelete = Math.max(0, sorted.size() - limit);
        for (Checkpoint c : sorted.subList(0, toDelete)) {
            Path trash = outputDir.resolve(CheckpointLayout.TRASH_PREFIX + c.step() + "-" + UUID.randomUUID());
            try {
                DurableFiles.moveAtomically(c.folder(), trash);
                DurableFiles.syncDirectory(outputDir);
                LOG.info("Deleting older checkpoint [{}] due to save_total_limit={}", c.folder(), saveTotalLimit);
                deleted.add(c.folder());
                DurableFiles.deleteTree(trash);
            } catch (IOException e) {
                LOG.warn("Could not delete checkpoint {}: {}", c.folder(), e.getMessage());
            }
        }
        return deleted;
    }

    private static String fileName(String path) {
        Path p = Paths.get(path).getFileName();
        return p == null ? path : p.toString();
    }

    private static List<Path> checkpointFolders(Path outputDir) {
        List<Path> folders = new ArrayList<>();
        if (!Files.isDirectory(outputDir)) {
            return folders;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(outputDir)) {
            for (Path p : entries) {
                if (CheckpointLayout.stepOf(p).isPresent() && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    folders.add(p);
                }
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot list output_dir " + outputDir + ": " + e.getMessage(), e);
        }
        return folders;
    }
}
