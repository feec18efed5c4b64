package ai.llamafactory.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The versions this build was made with, read from {@code ai/llamafactory/cli/version.properties} (filled in by Maven
 * resource filtering).
 *
 * @param version the library version, e.g. {@code 0.1.0-SNAPSHOT}
 * @param djlVersion the DJL version the build pins
 * @param pytorchVersion the libtorch version the build pins
 * @param projectUrl the project page
 */
public record LibraryVersion(String version, String djlVersion, String pytorchVersion, String projectUrl) {
    private static final String RESOURCE = "version.properties";

    /** @return the versions of the running build */
    public static LibraryVersion current() {
        Properties p = new Properties();
        try (InputStream in = LibraryVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return new LibraryVersion("unknown", "unknown", "unknown", "");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + " from the llamafactory-cli jar", e);
        }
        return new LibraryVersion(
                p.getProperty("version", "unknown"),
                p.getProperty("djl.version", "unknown"),
                p.getProperty("pytorch.version", "unknown"),
                p.getProperty("url", ""));
    }
}
