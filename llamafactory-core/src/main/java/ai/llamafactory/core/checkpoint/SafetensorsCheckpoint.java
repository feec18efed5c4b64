package ai.llamafactory.core.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.llamafactory.api.exception.CheckpointException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The weights of a model or adapter folder in safetensors format, single-file or sharded, seen as one set of named
 * tensors, with the bridge to DJL.
 *
 * <p>{@link #open(Path)} accepts a folder or a file:
 *
 * <ul>
 *   <li>a folder: the first that exists of {@code model.safetensors}, {@code model.safetensors.index.json},
 *       {@code adapter_model.safetensors}, {@code adapter_model.safetensors.index.json}; otherwise the folder's only
 *       {@code *.safetensors} file, or its only {@code *.safetensors.index.json};</li>
 *   <li>a {@code *.safetensors} file, or an index file ({@code *.json}).</li>
 * </ul>
 *
 * <p>An index ({@code {"weight_map": {tensor: shard file}}}) is validated when opened: every shard it names must
 * exist in the index's folder and hold the tensors listed for it. Tensors a shard holds but the index does not list
 * are not part of the checkpoint.
 *
 * <p>{@link #load(NDManager, String, DataType)} produces DJL arrays. BF16 and F16 tensors are converted on the Java
 * side (bfloat16 never reaches the engine, which aborts the JVM on it), straight into memory the engine owns, so a
 * checkpoint of any size is loaded with no more than a few kilobytes of extra heap and no second copy of a tensor.
 *
 * <p>Instances are safe for concurrent reads; close them to release the files.
 */
public final class SafetensorsCheckpoint implements AutoCloseable {
    private static final List<String> PREFERRED = List.of(
            "model.safetensors",
            "model.safetensors.index.json",
            "adapter_model.safetensors",
            "adapter_model.safetensors.index.json");

    private final Path location;
    private final boolean sharded;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> fileOf;
    private final List<String> names;
    private final long chunkBytes;

    private SafetensorsCheckpoint(
            Path location,
            boolean sharded,
            List<SafetensorsFile> files,
            Map<String, SafetensorsFile> fileOf,
            long chunkBytes) {
        this.location = location;
        this.sharded = sharded;
        this.files = List.copyOf(files);
        this.fileOf = Collections.unmodifiableMap(fileOf);
        this.names = List.copyOf(fileOf.keySet());
        this.chunkBytes = chunkBytes;
    }

    /**
     * Opens the safetensors weights of a folder, or a given weights or index file (see the class description).
     *
     * @param folderOrFile a model or adapter folder, a {@code .safetensors} file or an index {@code .json} file
     * @return the checkpoint; close it when done
     * @throws CheckpointException if nothing suitable is found, the choice is ambiguous, or a file is malformed
     */
    public static SafetensorsCheckpoint open(Path folderOrFile) {
        return open(folderOrFile, DjlBridge.DEFAULT_CHUNK_BYTES);
    }

    /**
     * Opens {@code <prefix>.safetensors} or, if absent, {@code <prefix>.safetensors.index.json} in a folder.
     *
     * @param folder the folder
     * @param prefix the file name prefix, e.g. {@code model} or {@code adapter_model}
     * @return the checkpoint; close it when done
     * @throws CheckpointException if neither file exists or a file is malformed
     */
    public static SafetensorsCheckpoint open(Path folder, String prefix) {
        Path single = folder.resolve(prefix + ".safetensors");
        Path index = folder.resolve(prefix + ".safetensors.index.json");
        if (Files.isRegularFile(single)) {
            return open(single);
        }
        if (Files.isRegularFile(index)) {
            return open(index);
        }
        throw new CheckpointException(
                "Neither '" + single.toAbsolutePath() + "' nor '" + index.toAbsolutePath() + "' exists");
    }

    /** Opens with a custom conversion chunk size (tests use small chunks to exercise sliced loading). */
    static SafetensorsCheckpoint open(Path folderOrFile, long chunkBytes) {
        Path path = folderOrFile.toAbsolutePath().normalize();
        if (Files.isDirectory(path)) {
            path = pickInFolder(path);
        } else if (!Files.isRegularFile(path)) {
            throw new CheckpointException("Checkpoint path '" + path + "' does not exist");
        }
        String fileName = path.getFileName().toString();
        if (fileName.endsWith(".json")) {
            return openIndex(path, chunkBytes);
        }
        SafetensorsFile file = SafetensorsFile.open(path);
        Map<String, SafetensorsFile> fileOf = new LinkedHashMap<>();
        file.names().forEach(n -> fileOf.put(n, file));
        return new SafetensorsCheckpoint(path, false, List.of(file), fileOf, chunkBytes);
    }

    private static Path pickInFolder(Path folder) {
        for (String name : PREFERRED) {
            Path candidate = folder.resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        List<Path> weights = new ArrayList<>();
        List<Path> indexes = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (!Files.isRegularFile(p)) {
                    continue;
                }
                if (name.endsWith(".safetensors")) {
                    weights.add(p);
                } else if (name.endsWith(".safetensors.index.json")) {
                    indexes.add(p);
                }
            }
        } catch (IOException e) {
            throw new CheckpointException("Cannot list checkpoint folder '" + folder + "': " + e, e);
        }
        Collections.sort(weights);
        Collections.sort(indexes);
        if (weights.size() == 1) {
            return weights.get(0);
        }
        if (weights.isEmpty() && indexes.size() == 1) {
            return indexes.get(0);
        }
        if (weights.isEmpty() && indexes.isEmpty()) {
            throw new CheckpointException("No safetensors weights in '" + folder + "' (looked for " + PREFERRED
                    + ", then any *.safetensors or *.safetensors.index.json)");
        }
        List<String> found = new ArrayList<>();
        weights.forEach(p -> found.add(p.getFileName().toString()));
        indexes.forEach(p -> found.add(p.getFileName().toString()));
        throw new CheckpointException("Ambiguous checkpoint folder '" + folder + "': it holds " + found
                + "; open one file directly or pass its prefix");
    }

    private static SafetensorsCheckpoint openIndex(Path index, long chunkBytes) {
        JsonNode root;
        try {
            root = SafetensorsFile.JSON.readTree(index.toFile());
        } catch (IOException e) {
            throw new CheckpointException(
                    "Invalid safetensors index '" + index + "': not valid JSON: " + e.getMessage(), e);
        }
        JsonNode weightMap = root == null ? null : root.get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw new CheckpointException("Invalid safetensors index '" + index
                    + "': 'weight_map' must be a JSON object of tensor name to shard file, found " + weightMap);
        }
        Path folder = index.getParent();
        Map<String, List<String>> tensorsOfShard = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new CheckpointException("Invalid safetensors index '" + index + "': tensor '" + e.getKey()
                        + "' maps to " + e.getValue() + " instead of a shard file name");
            }
            tensorsOfShard
                    .computeIfAbsent(e.getValue().textValue(), k -> new ArrayList<>())
                    .add(e.getKey());
        }
        List<SafetensorsFile> opened = new ArrayList<>();
        try {
            Map<String, SafetensorsFile> fileOf = new LinkedHashMap<>();
            for (Map.Entry<String, List<String>> shard : tensorsOfShard.entrySet()) {
                Path shardPath = folder.resolve(shard.getKey()).normalize();
                if (!shardPath.startsWith(folder)) {
                    throw new CheckpointException("Invalid safetensors index '" + index + "': shard '" + shard.getKey()
                            + "' (tensor '" + shard.getValue().get(0) + "') lies outside " + folder);
                }
                if (!Files.isRegularFile(shardPath)) {
                    throw new CheckpointException("Safetensors index '" + index + "' names shard '" + shard.getKey()
                            + "' for tensor '" + shard.getValue().get(0) + "', but '" + shardPath
                            + "' does not exist");
                }
                SafetensorsFile file = SafetensorsFile.open(shardPath);
                opened.add(file);
                for (String tensor : shard.getValue()) {
                    if (!file.contains(tensor)) {
                        throw new CheckpointException("Safetensors index '" + index + "' lists tensor '" + tensor
                                + "' in shard '" + shardPath + "', which does not contain it");
                    }
                }
                Set<String> listed = new HashSet<>(shard.getValue());
                for (String tensor : file.names()) {
                    if (listed.contains(tensor)) {
                        fileOf.put(tensor, file);
                    }
                }
            }
            return new SafetensorsCheckpoint(index, true, opened, fileOf, chunkBytes);
        } catch (RuntimeException e) {
            for (SafetensorsFile f : opened) {
                try {
                    f.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** @return the file opened: the single weights file or the index */
    public Path location() {
        return location;
    }

    /** @return true when the checkpoint was opened through an index */
    public boolean isSharded() {
        return sharded;
    }

    /** @return the open files (one, or one per shard in file name order); unmodifiable */
    public List<SafetensorsFile> files() {
        return files;
    }

    /**
     * The tensor names: for a single file in the order of their data; for a sharded checkpoint shard by shard
     * (shard file names in order), each in the order of its data. This is also the fastest order to load them in.
     *
     * @return the names; unmodifiable
     */
    public List<String> names() {
        return names;
    }

    /**
     * Whether the checkpoint holds a tensor.
     *
     * @param name the tensor name
     * @return true if present
     */
    public boolean contains(String name) {
        return fileOf.containsKey(name);
    }

    /**
     * Describes a tensor.
     *
     * @param name the tensor name
     * @return dtype, shape and location
     * @throws CheckpointException if there is no such tensor
     */
    public TensorInfo info(String name) {
        return file(name).info(name);
    }

    /**
     * The sum of all tensors' byte sizes as stored.
     *
     * @return bytes
     */
    public long totalBytes() {
        long total = 0;
        for (String name : names) {
            total += info(name).byteLength();
        }
        return total;
    }

    /**
     * A read-only little-endian view of a tensor's bytes (see {@link SafetensorsFile#tensorBytes(String)}).
     *
     * @param name the tensor name
     * @return the bytes
     * @throws CheckpointException if there is no such tensor or it exceeds 2 GiB
     */
    public ByteBuffer tensorBytes(String name) {
        return file(name).tensorBytes(name);
    }

    /**
     * Reads a floating-point tensor into a float array (see {@link SafetensorsFile#toFloatArray(String)}).
     *
     * @param name the tensor name
     * @return the values in row-major order
     */
    public float[] toFloatArray(String name) {
        return file(name).toFloatArray(name);
    }

    /**
     * Loads a tensor as a DJL array in its {@linkplain SafetensorsDtype#defaultEngineType() default engine type}:
     * its own type where the engine has it, FLOAT32 for BF16, INT32 for I16.
     *
     * @param manager the manager, and device, the array belongs to
     * @param name the tensor name
     * @return the array, named after the tensor
     * @throws CheckpointException if there is no such tensor
     */
    public NDArray load(NDManager manager, String name) {
        return load(manager, name, info(name).dtype().defaultEngineType());
    }

    /**
     * Loads a tensor as a DJL array of the requested type, converting on the Java side: floating-point tensors to
     * FLOAT32, FLOAT16 or FLOAT64 (BF16 to FLOAT32 exactly, narrowing with round to nearest even); integer and
     * boolean tensors as they are or widened. The array is allocated by the engine on the manager's device and
     * owned by it; closing the manager frees it.
     *
     * @param manager the manager, and device, the array belongs to
     * @param name the tensor name
     * @param target the array type: FLOAT64, FLOAT32, FLOAT16, INT64, INT32, INT8, UINT8 or BOOLEAN
     * @return the array, named after the tensor
     * @throws CheckpointException if there is no such tensor or it cannot be converted to {@code target}
     * @throws IllegalArgumentException if {@code target} is a type the engine cannot hold (e.g. BFLOAT16)
     */
    public NDArray load(NDManager manager, String name, DataType target) {
        SafetensorsFile file = file(name);
        return DjlBridge.load(file, file.info(name), manager, target, chunkBytes);
    }

    private SafetensorsFile file(String name) {
        SafetensorsFile file = fileOf.get(name);
        if (file == null) {
            throw new CheckpointException("Checkpoint '" + location + "' has no tensor '" + name + "'");
        }
        return file;
    }

    /** Closes every file of the checkpoint. */
    @Override
    public void close() {
        CheckpointException failure = null;
        for (SafetensorsFile f : files) {
            try {
                f.close();
            } catch (CheckpointException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "SafetensorsCheckpoint[" + location + ", " + names.size() + " tensors"
                + (sharded ? " in " + files.size() + " shards" : "") + "]";
    }
}
