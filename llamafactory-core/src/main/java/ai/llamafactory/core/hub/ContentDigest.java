package ai.llamafactory.core.hub;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The checksum a downloaded file must have: the sha256 of the content for LFS files, the git blob id (sha1 of
 * {@code "blob <size>\0"} followed by the content) for files stored in git itself.
 *
 * @param algorithm how the checksum is computed
 * @param expectedHex the checksum the hub listed, lower-case hex
 */
record ContentDigest(Algorithm algorithm, String expectedHex) {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SHA1_HEX = Pattern.compile("[0-9a-f]{40}");

    /** How a checksum is computed. */
    enum Algorithm {
        /** sha256 of the content, the oid of a git LFS object. */
        SHA256("sha256"),
        /** sha1 of {@code "blob <size>\0" + content}, the oid of a git blob. */
        GIT_BLOB_SHA1("git blob sha1");

        private final String label;

        Algorithm(String label) {
            this.label = label;
        }

        /** @return the name used in error messages */
        String label() {
            return label;
        }
    }

    /**
     * @param hex a listed sha256
     * @return the checksum, or null when the value is not a sha256 (then only the size is checked)
     */
    static ContentDigest sha256(String hex) {
        String value = hex == null ? null : hex.toLowerCase(Locale.ROOT);
        return value != null && SHA256_HEX.matcher(value).matches() ? new ContentDigest(Algorithm.SHA256, value) : null;
    }

    /**
     * @param hex a listed git blob id
     * @return the checksum, or null when the value is not a sha1 (then only the size is checked)
     */
    static ContentDigest gitBlobSha1(String hex) {
        String value = hex == null ? null : hex.toLowerCase(Locale.ROOT);
        return value != null && SHA1_HEX.matcher(value).matches()
                ? new ContentDigest(Algorithm.GIT_BLOB_SHA1, value)
                : null;
    }

    /**
     * Starts computing the checksum of a file.
     *
     * @param size the size of the whole file (part of the git blob header)
     * @return a digest to feed with the file's bytes in order
     */
    MessageDigest start(long size) {
        try {
            if (algorithm == Algorithm.SHA256) {
                return MessageDigest.getInstance("SHA-256");
            }
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
            return sha1;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks a mandatory message digest", e);
        }
    }

    /**
     * @param digest a digest started by {@link #start(long)} and fed with the whole file
     * @return the computed checksum, lower-case hex
     */
    static String finish(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }
}
