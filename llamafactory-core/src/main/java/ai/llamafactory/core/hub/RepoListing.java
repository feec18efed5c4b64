package ai.llamafactory.core.hub;

import ai.llamafactory.api.exception.CheckpointException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer of {@code GET /api/models/{repo}/revision/{revision}?blobs=true}: the commit the revision resolves to
 * and the files of the repository at that commit.
 *
 * @param commit the commit sha ({@code sha} in the JSON)
 * @param files the files ({@code siblings[]}: {@code rfilename}, {@code size}, {@code blobId}, {@code lfs.sha256})
 */
record RepoListing(String commit, List<RepoFile> files) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Parses a listing.
     *
     * @param body the JSON body
     * @param repo the repository listed, for error messages
     * @param uri the URL the body came from, for error messages
     * @return the listing
     * @throws CheckpointException naming the repository and URL when the JSON is malformed, lacks {@code sha} or
     *     lists a file path that could escape the cache folder
     */
    static RepoListing parse(byte[] body, RepoRef repo, URI uri) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new CheckpointException(
                    "the hub answer for " + repo.describe() + " from " + uri + " is not valid JSON: "
                            + HubHttp.describe(e),
                    e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(
                    "the hub answer for " + repo.describe() + " from " + uri + " is not a JSON object");
        }
        String commit = root.path("sha").asText("");
        if (!CacheLayout.isSafeRelativePath(commit) || commit.contains("/")) {
            throw new CheckpointException("the hub answer for " + repo.describe() + " from " + uri
                    + " has no usable commit 'sha': '" + commit + "'");
        }
        JsonNode siblings = root.path("siblings");
        if (!siblings.isArray()) {
            throw new CheckpointException(
                    "the hub answer for " + repo.describe() + " from " + uri + " has no 'siblings' file list");
        }
        List<RepoFile> files = new ArrayList<>();
        for (JsonNode sibling : siblings) {
            String path = sibling.path("rfilename").asText(null);
            if (!CacheLayout.isSafeRelativePath(path)) {
                throw new CheckpointException("the hub answer for " + repo.describe() + " from " + uri
                        + " lists the unsafe file path '" + path + "'");
            }
            JsonNode lfs = sibling.path("lfs");
            String lfsSha256 = lfs.isObject() ? textOrNull(lfs.path("sha256")) : null;
            long size = sibling.path("size").isNumber()
                    ? sibling.path("size").asLong()
                    : lfs.isObject() && lfs.path("size").isNumber()
                            ? lfs.path("size").asLong()
                            : -1L;
            String blobId = textOrNull(sibling.path("blobId"));
            files.add(new RepoFile(path, size, safeEtag(blobId), safeEtag(lfsSha256)));
        }
        return new RepoListing(commit, List.copyOf(files));
    }

    private static String textOrNull(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    /** An etag becomes a file name: anything but a plain token is ignored (the server is then asked for it). */
    private static String safeEtag(String etag) {
        return etag != null && etag.matches("[A-Za-z0-9_\\-]{1,128}") ? etag : null;
    }
}
