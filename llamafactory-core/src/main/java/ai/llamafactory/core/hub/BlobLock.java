package ai.llamafactory.core.hub;

import com.google.common.util.concurrent.Striped;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.Lock;

/**
 * Exclusive right to write one blob, against other threads of this JVM (an in-process lock) and other processes
 * (an OS file lock on {@code .locks/<repo folder>/<etag>.lock}). Release it with {@link #close()} on the thread
 * that acquired it.
 */
final class BlobLock implements AutoCloseable {
    private static final Striped<Lock> IN_PROCESS = Striped.lazyWeakLock(256);
    private static final long OVERLAP_RETRY_MILLIS = 50;

    private final Lock threadLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private BlobLock(Lock threadLock, FileChannel channel, FileLock fileLock) {
        this.threadLock = threadLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    /**
     * Waits until the blob's lock is free and takes it.
     *
     * @param lockFile the lock file, created if missing (it is left in place afterwards, as huggingface_hub does)
     * @return the held lock
     * @throws IOException if the lock file cannot be created or locked
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    static BlobLock acquire(Path lockFile) throws IOException, InterruptedException {
        Lock threadLock = IN_PROCESS.get(lockFile.toAbsolutePath().normalize().toString());
        threadLock.lockInterruptibly();
        FileChannel channel = null;
        try {
            Files.createDirectories(lockFile.getParent());
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            while (true) {
                try {
                    FileLock fileLock = channel.lock();
                    return new BlobLock(threadLock, channel, fileLock);
                } catch (OverlappingFileLockException e) {
                    // The same file reached through another path name is locked by another thread of this JVM.
                    Thread.sleep(OVERLAP_RETRY_MILLIS);
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            threadLock.unlock();
            throw e;
        }
    }

    /** Releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            try {
                fileLock.release();
            } finally {
                channel.close();
            }
        } finally {
            threadLock.unlock();
        }
    }
}
