package ai.llamafactory.core.hub;

import ai.llamafactory.core.train.output.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;

/**
 * The folders and files of one repository in a huggingface_hub cache:
 *
 * <pre>
 * &lt;cache&gt;/models--org--name/blobs/&lt;etag&gt;                 file contents, named by hub etag
 * &lt;cache&gt;/models--org--name/blobs/&lt;etag&gt;.incomplete      a download in progress
 * &lt;cache&gt;/models--org--name/snapshots/&lt;commit&gt;/&lt;path&gt;    relative link to the blob
 * &lt;cache&gt;/models--org--name/refs/&lt;revision&gt;            the commit sha of a branch or tag
 * &lt;cache&gt;/.locks/models--org--name/&lt;etag&gt;.lock         lock held while a blob is written
 * </pre>
 */
final class CacheLayout {
    private final Path cacheDir;
    private final String folderName;
    private final Path repoDir;

    /**
     * @param cacheDir the hub cache folder (e.g. {@code ~/.cache/huggingface/hub})
     * @param type the kind of repository
     * @param repoId the repository id
     */
    CacheLayout(Path cacheDir, RepoType type, String repoId) {
        this.cacheDir = cacheDir.toAbsolutePath().normalize();
        this.folderName = folderName(type, repoId);
        this.repoDir = this.cacheDir.resolve(folderName);
    }

    /**
     * @param type the kind of repository
     * @param repoId the repository id
     * @return the cache folder name, e.g. {@code models--Qwen--Qwen3-0.6B}
     */
    static String folderName(RepoType type, String repoId) {
        return type.plural() + "--" + repoId.replace("/", "--");
    }

    /**
     * Tells whether a relative path from the hub can be placed below a cache folder without escaping it.
     *
     * @param path a repository file path or revision, {@code /}-separated
     * @return false for empty, {@code .} or {@code ..} segments, absolute paths, backslashes and control characters
     */
    static boolean isSafeRelativePath(String path) {
        if (path == null || path.isEmpty()) {
            return false;
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\') {
                return false;
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** @return the cache folder */
    Path cacheDir() {
        return cacheDir;
    }

    /** @return the repository's folder, e.g. {@code <cache>/models--org--name} */
    Path repoDir() {
        return repoDir;
    }

    /**
     * @param etag the hub etag of a file (its LFS sha256 or git blob sha1)
     * @return the blob holding the file's bytes
     */
    Path blob(String etag) {
        return repoDir.resolve("blobs").resolve(etag);
    }

    /**
     * @param etag the hub etag of a file
     * @return the file a download of the blob writes to before it is verified and renamed
     */
    Path incompleteBlob(String etag) {
        return repoDir.resolve("blobs").resolve(etag + ".incomplete");
    }

    /**
     * @param etag the hub etag of a file
     * @return the lock file that serialises writers of the blob, at the place huggingface_hub uses
     */
    Path blobLock(String etag) {
        return cacheDir.resolve(".locks").resolve(folderName).resolve(etag + ".lock");
    }

    /**
     * @param commit a commit sha
     * @return the snapshot folder of the commit
     */
    Path snapshotDir(String commit) {
        return repoDir.resolve("snapshots").resolve(commit);
    }

    /**
     * @param commit a commit sha
     * @param file a repository file path, {@code /}-separated and checked by {@link #isSafeRelativePath}
     * @return where the file appears in the snapshot folder
     */
    Path snapshotFile(String commit, String file) {
        Path path = snapshotDir(commit);
        for (String segment : file.split("/")) {
            path = path.resolve(segment);
        }
        return path;
    }

    /**
     * @param revision a branch or tag, checked by {@link #isSafeRelativePath}
     * @return the file holding the commit sha the revision pointed to at the last download
     */
    Path ref(String revision) {
        Path path = repoDir.resolve("refs");
        for (String segment : revision.split("/")) {
            path = path.resolve(segment);
        }
        return path;
    }

    /**
     * @param revision a branch or tag
     * @return the cached commit sha of the revision, if it was ever downloaded
     * @throws IOException if the ref file exists but cannot be read
     */
    Optional<String> readRef(String revision) throws IOException {
        Path ref = ref(revision);
        if (!Files.isRegularFile(ref)) {
            return Optional.empty();
        }
        String commit = Files.readString(ref, StandardCharsets.UTF_8).trim();
        return commit.isEmpty() ? Optional.empty() : Optional.of(commit);
    }

    /**
     * Records the commit a revision points to (written without newline, as huggingface_hub does), atomically.
     *
     * @param revision a branch or tag
     * @param commit the commit sha
     * @throws IOException if the file cannot be written
     */
    void writeRef(String revision, String commit) throws IOException {
        Path ref = ref(revision);
        if (Files.isRegularFile(ref)
                && commit.equals(Files.readString(ref, StandardCharsets.UTF_8).trim())) {
            return;
        }
        DurableFiles.writeAtomically(ref, commit);
    }

    /**
     * Makes {@code snapshots/<commit>/<file>} a relative symbolic link to the blob (what huggingface_hub creates),
     * or a copy of the blob on file systems without symbolic links. The entry is replaced atomically, so a reader
     * never sees a half-made one.
     *
     * @param commit the commit sha
     * @param file the repository file path
     * @param blob the complete blob
     * @return the snapshot entry
     * @throws IOException if neither a link nor a copy can be made
     */
    Path linkSnapshotFile(String commit, String file, Path blob) throws IOException {
        Path entry = snapshotFile(commit, file);
        Path parent = entry.getParent();
        Files.createDirectories(parent);
        Path target = parent.relativize(blob);
        if (Files.isSymbolicLink(entry) && Files.readSymbolicLink(entry).equals(target)) {
            return entry;
        }
        Path tmp = entry.resolveSibling("." + entry.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try {
                Files.createSymbolicLink(tmp, target);
            } catch (UnsupportedOperationException | FileSystemException e) {
                Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            DurableFiles.moveReplacing(tmp, entry);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return entry;
    }
}
