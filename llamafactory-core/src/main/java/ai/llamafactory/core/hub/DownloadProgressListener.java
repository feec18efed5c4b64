package ai.llamafactory.core.hub;

/**
 * Receives progress reports of hub downloads: one when a file starts (with the bytes already on disk from an
 * interrupted earlier attempt), then about every MiB, and one when the file is complete. Files that are already in
 * the cache produce no report.
 *
 * <p>Reports come from HTTP client threads, and from several threads at once when files download in parallel: an
 * implementation must be thread-safe and quick (it runs on the download path).
 */
@FunctionalInterface
public interface DownloadProgressListener {

    /** A listener that ignores every report. */
    DownloadProgressListener NONE = progress -> {};

    /**
     * Called with a progress report.
     *
     * @param progress the state of one file's download
     */
    void onProgress(DownloadProgress progress);
}
