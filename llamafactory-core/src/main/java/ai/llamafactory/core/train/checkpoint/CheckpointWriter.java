package ai.llamafactory.core.train.checkpoint;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.api.exception.LlamaFactoryException;
import ai.llamafactory.core.train.output.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code output_dir/checkpoint-<step>/} so that a crash at any moment (kill -9, power loss) never leaves a
 * folder that loads as a valid checkpoint:
 * <ol>
 *   <li>the {@link CheckpointContent} writes everything into a hidden sibling {@code .tmp-checkpoint-<step>-<id>};</li>
 *   <li>every file and folder in it is synced to the device;</li>
 *   <li>the folder is renamed to {@code checkpoint-<step>} (an existing folder of that name, complete or not, is first
 *       renamed aside and deleted afterwards) and {@code output_dir} is synced;</li>
 *   <li>the completion marker is written last inside it (atomically, with the list of files and sizes) and synced.</li>
 * </ol>
 * {@link CheckpointFinder} only accepts folders with a valid marker; left-over temporary folders are removed by
 * {@link CheckpointFinder#cleanUpStale}.
 *
 * <p>One writer serves one {@code output_dir}; two runs must not share an {@code output_dir}.
 */
public final class CheckpointWriter {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointWriter.class);
    private static final CheckpointWriteListener NO_LISTENER = new CheckpointWriteListener() {};

    private final Path outputDir;
    private final ModelFingerprint fingerprint;
    private final CheckpointWriteListener listener;

    /**
     * Creates a writer.
     *
     * @param outputDir the run's {@code output_dir}
     * @param fingerprint the identity of the model being trained, written into every checkpoint as
     *     {@value CheckpointLayout#MODEL_FINGERPRINT}, or {@code null} to leave it out
     */
    public CheckpointWriter(Path outputDir, ModelFingerprint fingerprint) {
        this(outputDir, fingerprint, NO_LISTENER);
    }

    /**
     * Creates a writer that reports its phases.
     *
     * @param outputDir the run's {@code output_dir}
     * @param fingerprint the model identity, or {@code null}
     * @param listener follows the phases of each write
     */
    public CheckpointWriter(Path outputDir, ModelFingerprint fingerprint, CheckpointWriteListener listener) {
        this.outputDir = Objects.requireNonNull(outputDir, "outputDir");
        this.fingerprint = fingerprint;
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * The folder checkpoints are written into.
     *
     * @return {@code output_dir}
     */
    public Path outputDir() {
        return outputDir;
    }

    /**
     * Writes a checkpoint atomically.
     *
     * @param step the global step; the folder is {@code checkpoint-<step>}
     * @param content writes the files
     * @return the complete checkpoint
     * @throws CheckpointException naming the folder if writing, syncing or renaming fails (the temporary folder is
     *     removed; an earlier complete checkpoint of the same step is kept unless the rename had already happened)
     */
    public Checkpoint write(int step, CheckpointContent content) {
        Objects.requireNonNull(content, "content");
        String name = CheckpointLayout.folderName(step);
        Path target = outputDir.resolve(name);
        Path temp = outputDir.resolve(CheckpointLayout.TEMP_PREFIX + step + "-" + UUID.randomUUID());
        boolean renamed = false;
        try {
            Files.createDirectories(outputDir);
            Files.createDirectory(temp);
            CheckpointFiles files = new CheckpointFiles(temp, step);
            content.writeTo(files);
            if (fingerprint != null) {
                files.writeModelFingerprint(fingerprint);
            }
            Map<String, Long> listed = CompletionMarker.listFiles(temp);
            DurableFiles.syncTree(temp);
            listener.contentWritten(temp);

            Path displaced = null;
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                displaced = outputDir.resolve(CheckpointLayout.TRASH_PREFIX + step + "-" + UUID.randomUUID());
                DurableFiles.moveAtomically(target, displaced);
                LOG.info("Replacing existing {} (moved aside to {})", target, displaced.getFileName());
            }
            try {
                DurableFiles.moveAtomically(temp, target);
            } catch (IOException e) {
                if (displaced != null) {
                    DurableFiles.moveAtomically(displaced, target); // put the earlier checkpoint back
                }
                throw e;
            }
            renamed = true;
            DurableFiles.syncDirectory(outputDir);
            listener.renamed(target);

            CompletionMarker.write(target, step, listed);
            Checkpoint checkpoint = new Checkpoint(target, step, listed);
            if (displaced != null) {
                deleteQuietly(displaced);
            }
            listener.completed(checkpoint);
            LOG.info("Saved checkpoint {}", target);
            return checkpoint;
        } catch (IOException | RuntimeException e) {
            if (!renamed) {
                deleteQuietly(temp);
            }
            if (e instanceof LlamaFactoryException lf) {
                throw lf;
            }
            throw new CheckpointException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path folder) {
        try {
            DurableFiles.deleteTree(folder);
        } catch (IOException e) {
            LOG.warn(
                    "Could not delete {}: {} (it is ignored and removed by the next clean-up)", folder, e.getMessage());
        }
    }
}
