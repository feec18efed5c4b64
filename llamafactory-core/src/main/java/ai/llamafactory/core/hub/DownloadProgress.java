package ai.llamafactory.core.hub;

/**
 * One progress report of a file download.
 *
 * @param repoId the repository, e.g. {@code Qwen/Qwen3-0.6B}
 * @param file the path of the file inside the repository, e.g. {@code model.safetensors}
 * @param downloadedBytes bytes of the file on disk so far, a resumed prefix included
 * @param totalBytes the size of the file, or {@code -1} when the hub did not tell
 */
public record DownloadProgress(String repoId, String file, long downloadedBytes, long totalBytes) {

    /** @return true once every byte of the file is on disk */
    public boolean isComplete() {
        return totalBytes >= 0 && downloadedBytes >= totalBytes;
    }
}
