package ai.llamafactory.core.train.checkpoint;

import ai.llamafactory.core.train.output.DurableFiles;
import ai.llamafactory.data.json.PythonJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The completion marker {@value CheckpointLayout#COMPLETION_MARKER}: written last into a checkpoint, it names the
 * format, the step and every file with its size and SHA-256. A folder is a complete checkpoint only if the marker
 * parses, its step matches the folder name and every listed file exists with its recorded size ({@link #inspect},
 * cheap: used to list and rotate checkpoints); before a checkpoint is resumed, every file's SHA-256 is recomputed and
 * compared ({@link #verify}), so a checkpoint with one flipped byte is never resumed.
 *
 * <p>Format version 1 markers (sizes only) are still read; they cannot be verified and are resumed with a warning.
 */
final class CompletionMarker {
    static final String FORMAT = "llamafactory-java-checkpoint";
    static final int FORMAT_VERSION = 2;
    private static final int SIZES_ONLY_VERSION = 1;
    private static final Logger LOG = LoggerFactory.getLogger(CompletionMarker.class);

    /** The outcome of inspecting a folder: a checkpoint, or why it is not one. */
    record Inspection(Checkpoint checkpoint, String problem) {
        boolean complete() {
            return checkpoint != null;
        }
    }

    private CompletionMarker() {}

    /**
     * Lists the regular files under a folder with their sizes.
     *
     * @param folder the folder
     * @return relative name ({@code /} separators) to size, sorted
     * @throws IOException if the folder cannot be walked or holds a symbolic link
     */
    static Map<String, Long> listFiles(Path folder) throws IOException {
        Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isSymbolicLink(p)) {
                    throw new IOException("symbolic link " + p + " is not allowed in a checkpoint");
                }
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    String name = folder.relativize(p)
                            .toString()
                            .replace(folder.getFileSystem().getSeparator(), "/");
                    if (!name.equals(CheckpointLayout.COMPLETION_MARKER)) {
                        files.put(name, Files.size(p));
                    }
                }
            }
        }
        return files;
    }

    /**
     * Writes the marker atomically inside the folder and syncs the folder. Every listed file's SHA-256 is computed
     * from the bytes on disk (the files were synced before), so the marker vouches for what a later run will read.
     *
     * @param folder the checkpoint folder (already under its final name)
     * @param step the global step
     * @param files the files and sizes
     * @throws IOException on failure
     */
    static void write(Path folder, int step, Map<String, Long> files) throws IOException {
        Map<String, Object> listed = new LinkedHashMap<>();
        for (Map.Entry<String, Long> f : files.entrySet()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("size", f.getValue());
            entry.put("sha256", sha256(folder.resolve(f.getKey())));
            listed.put(f.getKey(), entry);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("format_version", FORMAT_VERSION);
        m.put("global_step", step);
        m.put("completed_at", Instant.now().toString());
        m.put("files", listed);
        DurableFiles.writeAtomically(
                folder.resolve(CheckpointLayout.COMPLETION_MARKER),
                PythonJson.builder().indent(2).build().dumps(m) + "\n");
        DurableFiles.syncDirectory(folder);
    }

    /**
     * Recomputes the SHA-256 of every file the marker of a complete checkpoint lists and compares it with the
     * recorded one.
     *
     * @param checkpoint a checkpoint that passed {@link #inspect}
     * @return empty if every file matches, else the first mismatch or read failure
     */
    static Optional<String> verify(Checkpoint checkpoint) {
        Map<?, ?> listed;
        try {
            Object parsed = PythonJson.parse(
                    Files.readString(checkpoint.resolve(CheckpointLayout.COMPLETION_MARKER), StandardCharsets.UTF_8));
            listed = (Map<?, ?>) ((Map<?, ?>) parsed).get("files");
        } catch (IOException | RuntimeException e) {
            return Optional.of("its completion marker cannot be read: " + e.getMessage());
        }
        for (Map.Entry<?, ?> e : listed.entrySet()) {
            if (!(e.getValue() instanceof Map<?, ?> entry)) {
                LOG.warn(
                        "{} was written with completion marker format {}, which records no checksums: its files "
                                + "cannot be verified",
                        checkpoint.folder(),
                        SIZES_ONLY_VERSION);
                return Optional.empty();
            }
            String name = (String) e.getKey();
            try {
                String actual = sha256(checkpoint.resolve(name));
                if (!actual.equals(entry.get("sha256"))) {
                    return Optional.of("file " + name + " is corrupt: its SHA-256 is " + actual
                            + ", the completion marker recorded " + entry.get("sha256"));
                }
            } catch (IOException ex) {
                return Optional.of("file " + name + " cannot be read: " + ex.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * @param file a file
     * @return its SHA-256 as 64 lowercase hex digits
     * @throws IOException if it cannot be read
     */
    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM offers no SHA-256", e);
        }
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer.clear()) >= 0) {
                digest.update(buffer.flip());
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Decides whether a folder is a complete checkpoint.
     *
     * @param folder a {@code checkpoint-<step>} folder
     * @return the checkpoint, or the reason it is not one
     */
    static Inspection inspect(Path folder) {
        OptionalInt step = CheckpointLayout.stepOf(folder);
        if (step.isEmpty()) {
            return new Inspection(null, "the name is not checkpoint-<step>");
        }
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return new Inspection(null, "it is not a folder");
        }
        Path markerFile = folder.resolve(CheckpointLayout.COMPLETION_MARKER);
        if (!Files.isRegularFile(markerFile)) {
            return new Inspection(
                    null,
                    "it has no completion marker " + CheckpointLayout.COMPLETION_MARKER
                            + " (it was not completely written)");
        }
        Object parsed;
        try {
            parsed = PythonJson.parse(Files.readString(markerFile, StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            return new Inspection(null, "its completion marker cannot be read: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> marker) || !FORMAT.equals(marker.get("format"))) {
            return new Inspection(null, "its completion marker is not a " + FORMAT + " marker");
        }
        if (!(marker.get("format_version") instanceof Long version)
                || (version != FORMAT_VERSION && version != SIZES_ONLY_VERSION)) {
            return new Inspection(
                    null,
                    "its completion marker has format_version " + marker.get("format_version") + "; this library reads "
                            + FORMAT_VERSION);
        }
        if (!(marker.get("global_step") instanceof Long markedStep) || markedStep != step.getAsInt()) {
            return new Inspection(
                    null,
                    "its completion marker is for global step " + marker.get("global_step") + ", not "
                            + step.getAsInt());
        }
        if (!(marker.get("files") instanceof Map<?, ?> listed)) {
            return new Inspection(null, "its completion marker lists no files");
        }
        Map<String, Long> files = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : listed.entrySet()) {
            String name = (String) e.getKey();
            Object recorded = e.getValue() instanceof Map<?, ?> entry ? entry.get("size") : e.getValue();
            if (!(recorded instanceof Long size)
                    || (e.getValue() instanceof Map<?, ?> entry && !(entry.get("sha256") instanceof String))) {
                return new Inspection(null, "its completion marker has no size and SHA-256 for " + name);
            }
            Path file = folder.resolve(name).normalize();
            if (!file.startsWith(folder)) {
                return new Inspection(null, "its completion marker lists " + name + ", outside the folder");
            }
            try {
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    return new Inspection(null, "file " + name + " listed in the completion marker is missing");
                }
                long actual = Files.size(file);
                if (actual != size) {
                    return new Inspection(
                            null,
                            "file " + name + " has " + actual + " bytes, the completion marker " + "recorded " + size);
                }
            } catch (IOException ex) {
                return new Inspection(null, "file " + name + " cannot be read: " + ex.getMessage());
            }
            files.put(name, size);
        }
        return new Inspection(new Checkpoint(folder, step.getAsInt(), files), null);
    }
}
