package ai.llamafactory.core.hub;

import java.nio.file.Path;
import java.util.Map;

/**
 * Entry point of a second JVM in {@link HubClientCrossProcessTest}: downloads a repository into a cache folder and
 * prints the snapshot folder.
 */
public final class SnapshotInChildProcess {
    private SnapshotInChildProcess() {}

    /**
     * @param args endpoint, cache folder, repository id
     */
    public static void main(String[] args) {
        Path snapshot = HubClient.builder(Map.of())
                .endpoint(args[0])
                .cacheDir(Path.of(args[1]))
                .token(null)
                .offline(false)
                .build()
                .snapshot(args[2], "main", HubFileFilters.modelFiles());
        System.out.println("SNAPSHOT " + snapshot);
    }
}
