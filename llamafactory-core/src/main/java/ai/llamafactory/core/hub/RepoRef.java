package ai.llamafactory.core.hub;

import ai.llamafactory.api.exception.InvalidConfigException;
import com.google.common.net.UrlEscapers;
import java.net.URI;
import java.util.regex.Pattern;

/**
 * A repository at a revision on one hub endpoint: builds the API and download URLs and names the repository in
 * error messages.
 *
 * @param type the kind of repository
 * @param repoId the repository id, {@code org/name} or {@code name}
 * @param revision the branch, tag or commit requested
 * @param endpoint the hub endpoint without trailing slash, possibly with a path prefix
 */
record RepoRef(RepoType type, String repoId, String revision, String endpoint) {

    private static final Pattern REPO_PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,95}");
    private static final Pattern COMMIT_SHA = Pattern.compile("[0-9a-f]{40}");

    /**
     * Checks a repository id the way the hub does: one or two parts separated by {@code /}, each made of letters,
     * digits, {@code -}, {@code _} and {@code .}, at most 96 characters, no {@code --} or {@code ..}, not ending
     * with {@code -} or {@code .}.
     *
     * @param repoId the candidate
     * @return true when the hub could hold a repository with this id
     */
    static boolean isValidRepoId(String repoId) {
        if (repoId == null || repoId.isEmpty() || repoId.contains("--") || repoId.contains("..")) {
            return false;
        }
        String[] parts = repoId.split("/", -1);
        if (parts.length > 2) {
            return false;
        }
        for (String part : parts) {
            if (!REPO_PART.matcher(part).matches() || part.endsWith("-") || part.endsWith(".")) {
                return false;
            }
        }
        return true;
    }

    /**
     * Validates a repository id.
     *
     * @param repoId the candidate
     * @throws InvalidConfigException naming the value when it is not a valid hub id
     */
    static void requireValidRepoId(String repoId) {
        if (!isValidRepoId(repoId)) {
            throw new InvalidConfigException("'" + repoId + "' is not a valid Hugging Face Hub repository id: expected"
                    + " 'org/name' or 'name' made of letters, digits, '-', '_' and '.' (at most 96 characters per part,"
                    + " no '--' or '..'); a local model folder must exist on disk");
        }
    }

    /**
     * Validates a revision, which becomes a path below {@code refs/} in the cache.
     *
     * @param revision the candidate
     * @throws InvalidConfigException naming the value when it is blank or could escape the cache folder
     */
    static void requireValidRevision(String revision) {
        if (revision == null || revision.isBlank()) {
            throw new InvalidConfigException("hub revision must not be blank, got '" + revision + "'");
        }
        if (!CacheLayout.isSafeRelativePath(revision)) {
            throw new InvalidConfigException("hub revision '" + revision + "' is not a valid branch, tag or commit"
                    + " (empty, '.' or '..' path segment, backslash or control character)");
        }
    }

    /**
     * @param candidate a revision
     * @return true when it is a full 40-character commit sha, which needs no {@code refs/} entry
     */
    static boolean isCommitSha(String candidate) {
        return candidate != null && COMMIT_SHA.matcher(candidate).matches();
    }

    /** @return the repository API URL that lists the files at the revision with their sizes and checksums */
    URI listingUri() {
        return URI.create(endpoint + "/api/" + type.plural() + "/" + repoId + "/revision/"
                + UrlEscapers.urlPathSegmentEscaper().escape(revision) + "?blobs=true");
    }

    /**
     * @param atRevision the revision to download from (the commit sha, so that a moving branch cannot mix commits)
     * @param file the path of the file inside the repository
     * @return the download URL of the file
     */
    URI resolveUri(String atRevision, String file) {
        StringBuilder path = new StringBuilder();
        for (String segment : file.split("/", -1)) {
            if (path.length() > 0) {
                path.append('/');
            }
            path.append(UrlEscapers.urlPathSegmentEscaper().escape(segment));
        }
        return URI.create(endpoint + "/" + type.urlPrefix() + repoId + "/resolve/"
                + UrlEscapers.urlPathSegmentEscaper().escape(atRevision) + "/" + path);
    }

    /** @return e.g. {@code model 'Qwen/Qwen3-0.6B' at revision 'main'} */
    String describe() {
        String kind = type == RepoType.MODEL ? "model" : type == RepoType.DATASET ? "dataset" : "space";
        return kind + " repository '" + repoId + "' at revision '" + revision + "'";
    }
}
