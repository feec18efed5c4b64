package ai.llamafactory.data.dataset;

import ai.llamafactory.api.exception.DatasetException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The datasets declared in a {@code dataset_info.json}, by name. Parsing is strict: an unknown key, a value of the
 * wrong type or an entry without a source is an error naming the dataset, the key and the value. Hub and script
 * sources ({@code hf_hub_url}, {@code ms_hub_url}, {@code om_hub_url}, {@code script_url}, {@code cloud_file_name})
 * are recognised; since nothing is downloaded, an entry that also has a {@code file_name} is read from that file, and
 * one without fails at load time with a message saying what to download. {@code file_sha1} is accepted and ignored.
 *
 * <pre>{@code
 * DatasetRegistry registry = DatasetRegistry.load(Path.of("data"));
 * DatasetInfo alpaca = registry.get("alpaca_en_demo");
 * }</pre>
 */
public final class DatasetRegistry {
    /** The file name LLaMA-Factory reads in a dataset directory. */
    public static final String FILE_NAME = "dataset_info.json";

    private static final List<String> ENTRY_KEYS = List.of(
            "hf_hub_url",
            "ms_hub_url",
            "om_hub_url",
            "script_url",
            "cloud_file_name",
            "file_name",
            "file_sha1",
            "formatting",
            "ranking",
            "subset",
            "split",
            "folder",
            "num_samples",
            "columns",
            "tags");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String origin;
    private final Path datasetDir;
    private final Map<String, DatasetInfo> datasets;

    private DatasetRegistry(String origin, Path datasetDir, Map<String, DatasetInfo> datasets) {
        this.origin = origin;
        this.datasetDir = datasetDir;
        this.datasets = Collections.unmodifiableMap(new LinkedHashMap<>(datasets));
    }

    /**
     * Reads {@code dataset_info.json} in a dataset directory.
     *
     * @param datasetDir the folder holding {@code dataset_info.json} and the data files
     * @return the registry
     * @throws DatasetException when the file is missing or malformed, naming the path, line and column
     */
    public static DatasetRegistry load(Path datasetDir) {
        Path file = datasetDir.resolve(FILE_NAME);
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString(), datasetDir);
        } catch (NoSuchFileException e) {
            throw new DatasetException(
                    "Cannot find " + FILE_NAME + ": looked for " + file.toAbsolutePath() + " (dataset_dir is "
                            + datasetDir.toAbsolutePath() + ")",
                    e);
        } catch (IOException e) {
            throw new DatasetException("Cannot read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses a {@code dataset_info.json} document.
     *
     * @param in the JSON text
     * @param origin the file name used in messages
     * @param datasetDir the folder that {@code file_name} values are relative to
     * @return the registry
     * @throws DatasetException when the document is malformed
     */
    public static DatasetRegistry parse(InputStream in, String origin, Path datasetDir) {
        Objects.requireNonNull(datasetDir, "datasetDir");
        JsonNode root;
        try {
            root = MAPPER.readTree(in);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new DatasetException(
                    origin + ": not valid JSON at line " + (loc == null ? "?" : loc.getLineNr()) + ", column "
                            + (loc == null ? "?" : loc.getColumnNr()) + ": " + e.getOriginalMessage(),
                    e);
        } catch (IOException e) {
            throw new DatasetException("Cannot read " + origin + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new DatasetException(origin + ": expected a JSON object mapping dataset names to entries, got "
                    + (root == null
                            ? "an empty file"
                            : root.getNodeType().toString().toLowerCase()));
        }
        Map<String, DatasetInfo> map = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = root.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            map.put(e.getKey(), parseEntry(origin, e.getKey(), e.getValue()));
        }
        return new DatasetRegistry(origin, datasetDir, map);
    }

    /**
     * Builds a registry from entries made in code.
     *
     * @param datasetDir the folder that file names are relative to
     * @param infos the entries
     * @return the registry
     */
    public static DatasetRegistry of(Path datasetDir, List<DatasetInfo> infos) {
        Map<String, DatasetInfo> map = new LinkedHashMap<>();
        for (DatasetInfo i : infos) {
            map.put(i.name(), i);
        }
        return new DatasetRegistry("(in code)", datasetDir, map);
    }

    private static DatasetInfo parseEntry(String origin, String name, JsonNode node) {
        String where = origin + ": dataset '" + name + "'";
        if (!node.isObject()) {
            throw new DatasetException(where + ": expected an object, got " + excerpt(node));
        }
        node.fieldNames().forEachRemaining(k -> {
            if (!ENTRY_KEYS.contains(k)) {
                throw new DatasetException(where + ": unknown key '" + k + "'" + Suggestions.didYouMean(k, ENTRY_KEYS)
                        + "; known keys: " + ENTRY_KEYS);
            }
        });
        DatasetInfo.Builder b = new DatasetInfo.Builder(name);
        b.fileName(text(node, "file_name", where));
        for (String key : RemoteSource.KEYS) {
            String v = text(node, key, where);
            if (v != null) {
                b.remoteSource(new RemoteSource(key, v));
                break;
            }
        }
        if (!node.has("file_name") && RemoteSource.KEYS.stream().noneMatch(node::has)) {
            throw new DatasetException(where + ": needs 'file_name' (a file or folder under the dataset directory)");
        }
        DatasetFormatting formatting = DatasetFormatting.ALPACA;
        String f = text(node, "formatting", where);
        if (f != null) {
            formatting = DatasetFormatting.fromKey(f, where);
        }
        b.formatting(formatting);
        JsonNode ranking = node.get("ranking");
        if (ranking != null && !ranking.isNull()) {
            if (!ranking.isBoolean()) {
                throw new DatasetException(where + ": 'ranking' must be true or false, got " + excerpt(ranking));
            }
            b.ranking(ranking.booleanValue());
        }
        JsonNode ns = node.get("num_samples");
        if (ns != null && !ns.isNull()) {
            if (!ns.canConvertToInt() || !ns.isIntegralNumber() || ns.intValue() < 1) {
                throw new DatasetException(where + ": 'num_samples' must be a positive integer, got " + excerpt(ns));
            }
            b.numSamples(ns.intValue());
        }
        String split = text(node, "split", where);
        if (split != null) {
            b.split(split);
        }
        b.subset(text(node, "subset", where));
        b.folder(text(node, "folder", where));
        text(node, "file_sha1", where); // documented by LLaMA-Factory as informational; type-checked only
        Map<String, String> columns = stringMap(node.get("columns"), "columns", DatasetColumns.KEYS, where);
        b.columns(DatasetColumns.defaults(formatting).with(columns));
        b.declaredColumns(columns.entrySet().stream()
                .filter(e -> e.getValue() != null)
                .map(Map.Entry::getKey)
                .toList());
        b.tags(DatasetTags.defaults(formatting).with(stringMap(node.get("tags"), "tags", DatasetTags.KEYS, where)));
        return b.build();
    }

    private static Map<String, String> stringMap(JsonNode node, String key, List<String> allowed, String where) {
        Map<String, String> m = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return m;
        }
        if (!node.isObject()) {
            throw new DatasetException(where + ": '" + key + "' must be an object, got " + excerpt(node));
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!allowed.contains(e.getKey())) {
                throw new DatasetException(where + ": unknown key '" + key + "." + e.getKey() + "'"
                        + Suggestions.didYouMean(e.getKey(), allowed) + "; known " + key + " keys: " + allowed);
            }
            JsonNode v = e.getValue();
            if (!v.isNull() && !v.isTextual()) {
                throw new DatasetException(
                        where + ": '" + key + "." + e.getKey() + "' must be a string, got " + excerpt(v));
            }
            m.put(e.getKey(), v.isNull() ? null : v.textValue());
        }
        return m;
    }

    private static String text(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new DatasetException(where + ": '" + key + "' must be a string, got " + excerpt(v));
        }
        return v.textValue();
    }

    static String excerpt(JsonNode v) {
        String s = v.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    /**
     * Looks up a dataset.
     *
     * @param name the dataset name
     * @return its entry
     * @throws DatasetException naming the file and listing the available names, closest first
     */
    public DatasetInfo get(String name) {
        DatasetInfo info = datasets.get(name);
        if (info == null) {
            List<String> names = Suggestions.closestFirst(name, datasets.keySet());
            throw new DatasetException("Unknown dataset '" + name + "' in " + origin + "; available (closest first): "
                    + (names.isEmpty() ? "none" : String.join(", ", names)));
        }
        return info;
    }

    /**
     * @param name a dataset name
     * @return true when the registry declares it
     */
    public boolean contains(String name) {
        return datasets.containsKey(name);
    }

    /** @return the dataset names in file order */
    public List<String> names() {
        return new ArrayList<>(datasets.keySet());
    }

    /** @return all entries in file order */
    public List<DatasetInfo> datasets() {
        return new ArrayList<>(datasets.values());
    }

    /** @return the folder that {@code file_name} values are relative to */
    public Path datasetDir() {
        return datasetDir;
    }

    /** @return where the registry was read from (a path, or a description) */
    public String origin() {
        return origin;
    }

    @Override
    public String toString() {
        return "DatasetRegistry{" + origin + ", " + datasets.keySet() + "}";
    }
}
