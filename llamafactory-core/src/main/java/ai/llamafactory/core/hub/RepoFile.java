package ai.llamafactory.core.hub;

/**
 * One file of a repository listing.
 *
 * @param path the path inside the repository, {@code /}-separated
 * @param size the size in bytes, or {@code -1} when the listing did not give it
 * @param blobId the git blob id (for LFS files, that of the pointer file), or null
 * @param lfsSha256 the sha256 of the content of an LFS file, or null for files stored in git
 */
record RepoFile(String path, long size, String blobId, String lfsSha256) {

    /** @return true when the listing carries what is needed to name the blob without asking the server */
    boolean hasEtag() {
        return etag() != null;
    }

    /** @return the etag the hub gives the file: the LFS sha256, else the git blob id; null when unknown */
    String etag() {
        return lfsSha256 != null ? lfsSha256 : blobId;
    }

    /** @return the checksum to verify the downloaded content against, or null when the listing gave none */
    ContentDigest digest() {
        return lfsSha256 != null ? ContentDigest.sha256(lfsSha256) : ContentDigest.gitBlobSha1(blobId);
    }
}
