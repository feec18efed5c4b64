package ai.llamafactory.core.checkpoint;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers see either the old content or the complete new one: the data goes to a temporary
 * file in the same folder, is forced to disk, and is renamed over the target; then the folder is synced.
 */
final class AtomicFiles {

    /** Produces the content of a file. */
    @FunctionalInterface
    interface Content {
        /**
         * Writes everything to the channel.
         *
         * @param channel positioned at 0
         * @throws IOException on write failure
         */
        void writeTo(FileChannel channel) throws IOException;
    }

    private AtomicFiles() {}

    /**
     * Writes {@code target} atomically.
     *
     * @param target the file to create or replace
     * @param content writes the bytes
     * @throws IOException if writing, syncing or renaming fails (the temporary file is removed)
     */
    static void write(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        boolean done = false;
        try {
            try (FileChannel channel =
                    FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                content.writeTo(channel);
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            syncDirectory(dir);
        } finally {
            if (!done) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** Best effort: makes the rename durable on file systems that support syncing a directory. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not supported on every platform (e.g. Windows); the rename itself has happened.
        }
    }
}
