package ai.llamafactory.core.train.checkpoint;

import ai.llamafactory.core.train.output.DurableFiles;
import ai.llamafactory.data.json.PythonJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The completion marker {@value CheckpointLayout#COMPLETION_MARKER}: written last into a checkpoint, it names the
 * format, the step and every file with its size. A folder is a complete checkpoint only if the marker parses, its step
 * matches the folder name and every listed file exists with its recorded size.
 */
final class CompletionMarker {
    static final String FORMAT = "llamafactory-java-checkpoint";
    static final int FORMAT_VERSION = 1;

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
                    String name = folder.relativize(p).toString().replace(folder.getFileSystem().getSeparator(), "/");
                    if (!name.equals(CheckpointLayout.COMPLETION_MARKER)) {
                        files.put(name, Files.size(p));
                    }
                }
            }
        }
        return files;
    }

    /**
     * Writes the marker atomically inside the folder and syncs the folder.
     *
     * @param folder the checkpoint folder (already under its final name)
     * @param step the global step
     * @param files the files and sizes
     * @throws IOException on failure
     */
    static void write(Path folder, int step, Map<String, Long> files) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("format_version", FORMAT_VERSION);
        m.put("global_step", step);
        m.put("completed_at", Instant.now().toString());
        m.put("files", new LinkedHashMap<String, Object>(files));
        DurableFiles.writeAtomically(folder.resolve(CheckpointLayout.COMPLETION_MARKER),
                PythonJson.builder().indent(2).build().dumps(m) + "\n");
        DurableFiles.syncDirectory(folder);
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
            return new Inspection(null, "it has no completion marker " + CheckpointLayout.COMPLETION_MARKER
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
        if (!(marker.get("format_version") instanceof Long version) || version != FORMAT_VERSION) {
            return new Inspection(null, "its completion marker has format_version " + marker.get("format_version")
                    + "; this library reads " + FORMAT_VERSION);
        }
        if (!(marker.get("global_step") instanceof Long markedStep) || markedStep != step.getAsInt()) {
            return new Inspection(null, "its completion marker is for global step " + marker.get("global_step")
                    + ", not " + step.getAsInt());
        }
        if (!(marker.get("files") instanceof Map<?, ?> listed)) {
            return new Inspection(null, "its completion marker lists no files");
        }
        Map<String, Long> files = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : listed.entrySet()) {
            String name = (String) e.getKey();
            if (!(e.getValue() instanceof Long size)) {
                return new Inspection(null, "its completion marker has no size for " + name);
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
                    return new Inspection(null, "file " + name + " has " + actual + " bytes, the completion marker "
                            + "recorded " + size);
                }
            } catch (IOException ex) {
                return new Inspection(null, "file " + name + " cannot be read: " + ex.getMessage());
            }
            files.put(name, size);
        }
        return new Inspection(new Checkpoint(folder, step.getAsInt(), files), null);
    }
}
