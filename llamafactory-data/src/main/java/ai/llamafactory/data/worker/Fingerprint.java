package ai.llamafactory.data.worker;

import ai.llamafactory.api.exception.DatasetException;
import ai.llamafactory.data.template.ChatTemplate;
import ai.llamafactory.data.template.Slot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Every input that shapes a run's encoded data, as readable {@code key -> value} lines, and their SHA-256. Two runs
 * with the same fingerprint produce the same examples; any change (a data file's content, the tokenizer files, the
 * template's slots or flags, {@code cutoff_len}, packing, sampling, the seed ...) gives another fingerprint. The
 * readable form goes to the cache manifest so that a stale {@code tokenized_path} can say which inputs differ.
 *
 * <p>Files up to {@value #CONTENT_HASH_LIMIT} bytes are identified by their content (SHA-256); larger files by path,
 * size and modification time, so that a huge corpus is not read twice.
 */
final class Fingerprint {
    /** Files up to this size are hashed; larger ones are identified by size and modification time. */
    static final long CONTENT_HASH_LIMIT = 1L << 30;

    private final Map<String, String> inputs = new LinkedHashMap<>();

    /**
     * @param key the input's name
     * @param value its value (null is written as {@code none})
     * @return this fingerprint
     */
    Fingerprint put(String key, Object value) {
        inputs.put(key, String.valueOf(value == null ? "none" : value));
        return this;
    }

    /**
     * Adds a file, or every non-hidden file of a folder (sorted by name), by content or size and time.
     *
     * @param key the input's name prefix
     * @param path the file or folder
     * @return this fingerprint
     */
    Fingerprint putPath(String key, Path path) {
        if (Files.isDirectory(path)) {
            List<Path> files;
            try (Stream<Path> s = Files.list(path)) {
                files = s.filter(p -> !p.getFileName().toString().startsWith("."))
                        .sorted()
                        .toList();
            } catch (IOException e) {
                throw new DatasetException(
                        "Cannot list " + path.toAbsolutePath() + " to fingerprint it: " + e.getMessage(), e);
            }
            put(key, "folder " + path.toAbsolutePath().normalize() + " with " + files.size() + " files");
            for (Path f : files) {
                putPath(key + "/" + f.getFileName(), f);
            }
        } else if (Files.isRegularFile(path)) {
            put(key, describeFile(path));
        } else {
            put(key, "missing " + path.toAbsolutePath().normalize());
        }
        return this;
    }

    /**
     * @param file a regular file
     * @return its path, size and SHA-256 (or modification time when it is very large)
     */
    static String describeFile(Path file) {
        try {
            long size = Files.size(file);
            String where = file.toAbsolutePath().normalize() + " size=" + size;
            if (size > CONTENT_HASH_LIMIT) {
                return where + " mtime=" + Files.getLastModifiedTime(file).toMillis();
            }
            MessageDigest digest = sha256();
            byte[] buffer = new byte[1 << 16];
            try (InputStream in = Files.newInputStream(file)) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    digest.update(buffer, 0, n);
                }
            }
            return where + " sha256=" + HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new DatasetException(
                    "Cannot read " + file.toAbsolutePath() + " to fingerprint it: " + e.getMessage(), e);
        }
    }

    /**
     * @param template a configured template
     * @return everything that changes how it encodes: name, kind, slots, default system prompt, stop words, flags,
     *     thought words, tool format
     */
    static String describeTemplate(ChatTemplate template) {
        return "name=" + template.name() + " kind=" + template.kind()
                + " prefix=" + slots(template.prefixSlots())
                + " system=" + slots(template.systemSlots())
                + " user=" + slots(template.userSlots())
                + " assistant=" + slots(template.assistantSlots())
                + " observation=" + slots(template.observationSlots())
                + " function=" + slots(template.functionSlots())
                + " default_system=" + quote(template.defaultSystem())
                + " stop_words=" + template.stopWords()
                + " efficient_eos=" + template.efficientEos()
                + " replace_eos=" + template.replaceEos()
                + " enable_thinking=" + template.enableThinking()
                + " preserve_thinking=" + template.preserveThinking()
                + " thought_words=" + template.thoughtWords()
                + " tool_format=" + template.toolFormat().key();
    }

    private static String slots(List<Slot> slots) {
        List<String> out = new ArrayList<>();
        for (Slot s : slots) {
            out.add(
                    s instanceof Slot.Text t
                            ? quote(t.text())
                            : s instanceof Slot.LiteralToken l ? "token:" + quote(l.token()) : s.toString());
        }
        return out.toString();
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"") + '"';
    }

    /** @return the inputs in insertion order */
    Map<String, String> inputs() {
        return Collections.unmodifiableMap(inputs);
    }

    /** @return the SHA-256 of every {@code key=value} line, hex; the first 32 characters name cache entries */
    String hex() {
        MessageDigest digest = sha256();
        inputs.forEach((k, v) -> {
            digest.update(k.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '=');
            digest.update(v.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '\n');
        });
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * @param stored the inputs a saved dataset was encoded with
     * @param current this run's inputs
     * @return one line per input that differs, e.g. {@code cutoff_len: 1024 -> 2048}
     */
    static List<String> differences(Map<String, String> stored, Map<String, String> current) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : current.entrySet()) {
            String before = stored.get(e.getKey());
            if (!Objects.equals(before, e.getValue())) {
                out.add(e.getKey() + ": " + abbreviate(before) + " -> " + abbreviate(e.getValue()));
            }
        }
        for (String k : stored.keySet()) {
            if (!current.containsKey(k)) {
                out.add(k + ": " + abbreviate(stored.get(k)) + " -> (absent)");
            }
        }
        return out;
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "(absent)";
        }
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
