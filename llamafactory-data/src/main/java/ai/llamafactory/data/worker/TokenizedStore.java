package ai.llamafactory.data.worker;

import ai.llamafactory.api.config.Stage;
import ai.llamafactory.api.data.EncodedRecord;
import ai.llamafactory.api.data.EncodedSplit;
import ai.llamafactory.api.data.PreparedData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A tokenized dataset on disk (a cache entry or a {@code tokenized_path} folder): {@value #MANIFEST} describes the
 * inputs, the statistics and each split's file with its size and CRC-32C; {@code split-N.bin} files hold the records
 * ({@link SplitCodec}). A folder is written next to its final place and renamed into it, the manifest last, so a
 * reader never sees half a dataset; a folder that fails any check on reading is reported as corrupt.
 */
final class TokenizedStore {
    static final String MANIFEST = "manifest.json";
    static final String FORMAT = "llamafactory-tokenized";
    static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TokenizedStore() {}

    /**
     * What a folder holds besides the records.
     *
     * @param stage the stage the records were encoded for
     * @param templateName the template used
     * @param fingerprint the hash of {@code inputs}
     * @param inputs every input that shaped the encoding, readable (see {@link Fingerprint})
     * @param train the training split
     * @param eval the evaluation splits
     * @param droppedRows rows dropped while reading and encoding
     * @param droppedByReason dropped rows by reason
     * @param dropMessages the first dropped rows, explained
     * @param loadSummary one line per dataset
     */
    record Stored(
            Stage stage,
            String templateName,
            String fingerprint,
            Map<String, String> inputs,
            EncodedSplit train,
            Map<String, EncodedSplit> eval,
            long droppedRows,
            Map<String, Long> droppedByReason,
            List<String> dropMessages,
            String loadSummary) {}

    /**
     * @param dir a folder
     * @return whether it holds a manifest of ours
     */
    static boolean hasManifest(Path dir) {
        return Files.isRegularFile(dir.resolve(MANIFEST));
    }

    /**
     * @param dir a folder
     * @return whether it is absent or empty
     * @throws IOException when it cannot be listed
     */
    static boolean isAbsentOrEmpty(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return true;
        }
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    /**
     * Reads the manifest only (no records).
     *
     * @param dir the folder
     * @return the manifest tree
     * @throws CorruptCacheException when it is missing, unreadable or not ours
     */
    static JsonNode readManifest(Path dir) throws CorruptCacheException {
        Path file = dir.resolve(MANIFEST);
        JsonNode m;
        try {
            m = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new CorruptCacheException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (m == null || !m.isObject() || !FORMAT.equals(m.path("format").asText())) {
            throw new CorruptCacheException(file + " is not a manifest of a tokenized dataset");
        }
        int version = m.path("format_version").asInt(-1);
        if (version != FORMAT_VERSION) {
            throw new CorruptCacheException(
                    file + " has format_version " + version + "; this version reads " + FORMAT_VERSION);
        }
        return m;
    }

    /**
     * @param manifest a manifest tree
     * @return its recorded inputs
     */
    static Map<String, String> inputs(JsonNode manifest) {
        Map<String, String> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = manifest.path("inputs").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    /**
     * Reads a folder back.
     *
     * @param dir the folder
     * @return its contents
     * @throws CorruptCacheException when anything does not check out
     */
    static Stored load(Path dir) throws CorruptCacheException {
        JsonNode m = readManifest(dir);
        try {
            Stage stage = Stage.fromKey(text(m, "stage"));
            EncodedSplit train = null;
            Map<String, EncodedSplit> eval = new LinkedHashMap<>();
            JsonNode splits = m.path("splits");
            if (!splits.isArray()) {
                throw new CorruptCacheException(dir.resolve(MANIFEST) + " lists no splits");
            }
            for (JsonNode s : splits) {
                String name = text(s, "name");
                String file = text(s, "file");
                if (file.contains("/") || file.contains("\\") || file.startsWith(".")) {
                    throw new CorruptCacheException(dir.resolve(MANIFEST) + ": bad split file name '" + file + "'");
                }
                EncodedSplit split = SplitCodec.read(
                        dir.resolve(file),
                        name,
                        EncodedRecord.Kind.fromKey(text(s, "kind")),
                        s.path("records").asInt(-1),
                        s.path("bytes").asLong(-1),
                        Long.parseUnsignedLong(text(s, "crc32c"), 16));
                if (split.tokenCount() != s.path("tokens").asLong(-1)) {
                    throw new CorruptCacheException(dir.resolve(file) + " holds " + split.tokenCount()
                            + " tokens, the manifest says " + s.path("tokens"));
                }
                if (PreparedData.TRAIN.equals(name)) {
                    train = split;
                } else {
                    eval.put(name, split);
                }
            }
            Map<String, Long> reasons = new LinkedHashMap<>();
            m.path("dropped_by_reason")
                    .fields()
                    .forEachRemaining(e -> reasons.put(e.getKey(), e.getValue().asLong()));
            List<String> messages = new ArrayList<>();
            m.path("drop_messages").forEach(n -> messages.add(n.asText()));
            return new Stored(
                    stage,
                    text(m, "template"),
                    text(m, "fingerprint"),
                    inputs(m),
                    train,
                    eval,
                    m.path("dropped_rows").asLong(),
                    reasons,
                    messages,
                    m.path("load_summary").asText(""));
        } catch (RuntimeException e) {
            throw new CorruptCacheException("malformed manifest " + dir.resolve(MANIFEST) + ": " + e, e);
        }
    }

    private static String text(JsonNode node, String field) throws CorruptCacheException {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new CorruptCacheException("manifest field '" + field + "' is missing or not a string");
        }
        return v.asText();
    }

    /**
     * Writes a folder atomically: into a hidden sibling first, then renamed into place, replacing what was there.
     *
     * @param dir the final folder
     * @param data what to write
     * @throws IOException when writing fails (nothing is left behind)
     */
    static void save(Path dir, Stored data) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp-");
        try {
            ObjectNode m = JSON.createObjectNode();
            m.put("format", FORMAT);
            m.put("format_version", FORMAT_VERSION);
            m.put("created", Instant.now().toString());
            m.put("fingerprint", data.fingerprint());
            m.put("stage", data.stage().key());
            m.put("template", data.templateName());
            ObjectNode inputs = m.putObject("inputs");
            data.inputs().forEach(inputs::put);
            ArrayNode splits = m.putArray("splits");
            List<EncodedSplit> all = new ArrayList<>();
            if (data.train() != null) {
                all.add(data.train());
            }
            all.addAll(data.eval().values());
            for (int i = 0; i < all.size(); i++) {
                EncodedSplit split = all.get(i);
                String file = "split-" + i + ".bin";
                SplitCodec.Written w = SplitCodec.write(tmp.resolve(file), split);
                ObjectNode s = splits.addObject();
                s.put("name", split.name());
                s.put("file", file);
                s.put("kind", split.kind().key());
                s.put("records", split.size());
                s.put("tokens", split.tokenCount());
                s.put("bytes", w.bytes());
                s.put("crc32c", Long.toHexString(w.crc32c()));
            }
            m.put("dropped_rows", data.droppedRows());
            ObjectNode reasons = m.putObject("dropped_by_reason");
            data.droppedByReason().forEach(reasons::put);
            ArrayNode messages = m.putArray("drop_messages");
            data.dropMessages().forEach(messages::add);
            m.put("load_summary", data.loadSummary());
            JSON.writeValue(tmp.resolve(MANIFEST).toFile(), m);
            replace(tmp, target);
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
    }

    private static void replace(Path tmp, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old-");
            Files.delete(old);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
            // another process wrote the same entry meanwhile: keep theirs
            deleteTree(tmp);
        } finally {
            if (old != null) {
                deleteTree(old);
            }
        }
    }

    /**
     * Deletes a folder and everything in it; a folder that is already gone is fine.
     *
     * @param dir the folder
     * @throws IOException when something cannot be deleted
     */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (NoSuchFileException ignored) {
                    // removed concurrently
                }
            }
        }
    }
}
