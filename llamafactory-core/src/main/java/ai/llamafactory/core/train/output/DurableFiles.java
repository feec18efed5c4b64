package ai.llamafactory.core.train.output;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;

/**
 * File operations that survive a crash or power loss: data is forced to the device before a file is renamed into
 * place, and the folder holding a renamed entry is synced so that the rename itself is durable.
 *
 * <p>Syncing a folder is not possible on every platform (Windows refuses to open one); there it is skipped, the
 * renames themselves still being atomic.
 */
public final class DurableFiles {
    private DurableFiles() {}

    /** Produces the content of a file written by {@link #writeAtomically(Path, Content)}. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes everything to the channel.
         *
         * @param channel positioned at 0
         * @throws IOException on write failure
         */
        void writeTo(FileChannel channel) throws IOException;
    }

    /**
     * Writes a file atomically: readers see the old content or the complete new one, never a mixture. The bytes go to
     * a hidden temporary file beside the target, are forced to disk, and the file is renamed over the target; then the
     * folder is synced.
     *
     * @param target the file to create or replace
     * @param content writes the bytes
     * @throws IOException if writing, syncing or renaming fails (the temporary file is then removed)
     */
    public static void writeAtomically(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel channel =
                    FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                content.writeTo(channel);
                channel.force(true);
            }
            moveAtomically(temp, target);
            moved = true;
            syncDirectory(dir);
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * {@link #writeAtomically(Path, Content)} for bytes in memory.
     *
     * @param target the file to create or replace
     * @param bytes the content
     * @throws IOException if writing, syncing or renaming fails (the temporary file is then removed)
     */
    public static void writeAtomically(Path target, byte[] bytes) throws IOException {
        writeAtomically(target, channel -> {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        });
    }

    /**
     * {@link #writeAtomically(Path, byte[])} for UTF-8 text.
     *
     * @param target the file to create or replace
     * @param text the content
     * @throws IOException on failure
     */
    public static void writeAtomically(Path target, String text) throws IOException {
        writeAtomically(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Renames a file or folder atomically, replacing an existing file (not a non-empty folder).
     *
     * @param source the entry to move
     * @param target its new name, on the same file system
     * @throws IOException if the file system cannot rename atomically or the rename fails
     */
    public static void moveAtomically(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(
                    "cannot rename " + source + " to " + target + " atomically (different file systems?)", e);
        }
    }

    /**
     * Renames a file over another in one step where the file system allows it, and with a plain replacing rename
     * where it does not (for files that may cross file systems, such as a download finished elsewhere).
     *
     * @param source the finished file
     * @param target its final name
     * @throws IOException if the rename fails
     */
    public static void moveReplacing(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Forces a file's content and metadata to the device.
     *
     * @param file a regular file
     * @throws IOException if the file cannot be opened or synced
     */
    public static void syncFile(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /**
     * Forces a folder's entries (creations, renames, deletions) to the device; a no-op where the platform cannot
     * open folders.
     *
     * @param dir the folder
     */
    public static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a directory as a channel; the rename has happened, only its durability is weaker.
        }
    }

    /**
     * Syncs every regular file under a folder, then every folder from the deepest up.
     *
     * @param root the folder
     * @throws IOException if a file cannot be synced, or the tree holds a symbolic link (refused: its target
     *     would not be part of the written data)
     */
    public static void syncTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isSymbolicLink() || Files.isSymbolicLink(file)) {
                    throw new IOException("symbolic link " + file + " is not allowed in a checkpoint or output");
                }
                if (attrs.isRegularFile()) {
                    syncFile(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                syncDirectory(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Deletes a folder and everything in it (symbolic links are removed, never followed). A folder that does not
     * exist is not an error.
     *
     * @param root the folder
     * @throws IOException if an entry cannot be deleted
     */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null && !(exc instanceof NoSuchFileException)) {
                    throw exc;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
