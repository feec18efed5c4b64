package ai.llamafactory.core.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.core.train.output.DurableFiles;
import ai.llamafactory.data.json.CodePoints;
import ai.llamafactory.data.json.PythonJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Collects tensors and writes them as a safetensors file that Python's {@code safetensors} loads, with the exact
 * byte layout that library produces for the same tensors:
 *
 * <ul>
 *   <li>an unsigned 64-bit little-endian header length;</li>
 *   <li>a compact JSON header (no spaces): {@code __metadata__} first when there is any, then the tensors, each as
 *       {@code {"dtype":..,"shape":[..],"data_offsets":[begin,end]}}, strings escaped as {@code serde_json} does;</li>
 *   <li>the header padded with spaces to a multiple of 8 bytes, so that every tensor starts 8-byte aligned;</li>
 *   <li>the data, contiguous, tensors ordered by dtype alignment (8-byte types first, in the Rust crate's dtype order)
 *       and then by name (code point order).</li>
 * </ul>
 *
 * <p>Tensors are added as raw little-endian bytes or as DJL arrays (fp64/fp32/fp16, integer and boolean arrays on
 * any device), optionally stored in another floating-point dtype (e.g. fp32 arrays stored as BF16, rounded to
 * nearest even). Nothing is copied when a tensor is added: the bytes are read while writing, piece by piece, so
 * writing needs only a small, constant amount of extra memory. Buffers and arrays must therefore stay unchanged
 * and open until {@link #write} or {@link #writeSharded} returns.
 *
 * <p>Files are written atomically: to a temporary file in the same folder, forced to disk, renamed over the target.
 * A writer is not thread-safe; it may be written several times.
 */
public final class SafetensorsWriter {
    /** {@code transformers}' default {@code max_shard_size}: 5 GB (decimal). */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;

    private static final String METADATA_KEY = "__metadata__";
    private static final Pattern SHARD_NAME = Pattern.compile("-\\d{5}-of-\\d{5}\\.safetensors");

    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /** A tensor waiting to be written. */
    private abstract static class Entry {
        final String name;
        final SafetensorsDtype dtype;
        final long[] shape;
        final long byteLength;

        Entry(String name, SafetensorsDtype dtype, long[] shape) {
            this.name = name;
            this.dtype = dtype;
            this.shape = shape.clone();
            long elements = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException(
                            "tensor '" + name + "': negative dimension in shape " + Arrays.toString(shape));
                }
                elements = Math.multiplyExact(elements, d);
            }
            this.byteLength = Math.multiplyExact(elements, (long) dtype.byteSize());
        }

        abstract void writeTo(FileChannel out) throws IOException;
    }

    private static final class BufferEntry extends Entry {
        private final ByteBuffer data;

        BufferEntry(String name, SafetensorsDtype dtype, long[] shape, ByteBuffer data) {
            super(name, dtype, shape);
            this.data = data.duplicate();
            if (this.data.remaining() != byteLength) {
                throw new IllegalArgumentException("tensor '" + name + "': " + this.data.remaining()
                        + " bytes remaining in the buffer, but shape " + Arrays.toString(shape) + " of " + dtype
                        + " needs " + byteLength);
            }
        }

        @Override
        void writeTo(FileChannel out) throws IOException {
            writeFully(out, data.duplicate());
        }
    }

    private static final class ArrayEntry extends Entry {
        private final NDArray array;

        ArrayEntry(String name, NDArray array, SafetensorsDtype stored) {
            super(name, stored, array.getShape().getShape());
            this.array = array;
        }

        @Override
        void writeTo(FileChannel out) throws IOException {
            DjlBridge.writeArray(array, dtype, out, DjlBridge.DEFAULT_CHUNK_BYTES);
        }
    }

    /** Creates an empty writer without metadata. */
    public SafetensorsWriter() {}

    /**
     * Adds a {@code __metadata__} entry (transformers and PEFT write {@code "format": "pt"}). Metadata keys are
     * written in the order they were added; an empty metadata map is not written at all.
     *
     * @param key the key
     * @param value the value
     * @return this writer
     */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Adds all entries of a metadata map, in its iteration order.
     *
     * @param entries the entries
     * @return this writer
     */
    public SafetensorsWriter metadata(Map<String, String> entries) {
        entries.forEach(this::metadata);
        return this;
    }

    /**
     * Adds a tensor given as raw little-endian bytes. The buffer's remaining bytes are written (its position is not
     * changed) and must number {@code product(shape) * dtype.byteSize()}.
     *
     * @param name the tensor name, unique in this writer
     * @param dtype the element type of the bytes
     * @param shape the dimensions (empty for a scalar)
     * @param data the bytes; not copied, must stay unchanged until written
     * @return this writer
     * @throws IllegalArgumentException for a duplicate or reserved name, a negative dimension or a wrong byte count
     */
    public SafetensorsWriter add(String name, SafetensorsDtype dtype, long[] shape, ByteBuffer data) {
        return put(new BufferEntry(
                checkName(name), Objects.requireNonNull(dtype, "dtype"), shape, Objects.requireNonNull(data, "data")));
    }

    /**
     * Adds a DJL array, stored in its own dtype.
     *
     * @param name the tensor name, unique in this writer
     * @param array an fp64, fp32, fp16, integer or boolean array on any device; must stay open until written
     * @return this writer
     * @throws IllegalArgumentException for a duplicate or reserved name or an array type safetensors cannot store
     */
    public SafetensorsWriter add(String name, NDArray array) {
        return add(name, array, SafetensorsDtype.fromDataType(array.getDataType()));
    }

    /**
     * Adds a DJL array, converted to another dtype while writing: any floating-point array to any floating-point
     * dtype (rounding to nearest even), integer arrays to wider integer dtypes.
     *
     * @param name the tensor name, unique in this writer
     * @param array the array; must stay open until written
     * @param stored the dtype written to the file
     * @return this writer
     * @throws IllegalArgumentException for a duplicate or reserved name or an unsupported conversion
     */
    public SafetensorsWriter add(String name, NDArray array, SafetensorsDtype stored) {
        checkName(name);
        SafetensorsDtype source = SafetensorsDtype.fromDataType(array.getDataType());
        if (source == SafetensorsDtype.BF16 || source == SafetensorsDtype.I16) {
            throw new IllegalArgumentException("tensor '" + name + "': arrays of " + array.getDataType()
                    + " cannot be read from DJL's PyTorch engine");
        }
        if (!ElementConverter.supports(source, stored)) {
            throw new IllegalArgumentException(
                    "tensor '" + name + "': cannot store a " + array.getDataType() + " array as " + stored);
        }
        return put(new ArrayEntry(name, array, stored));
    }

    /** @return the names added so far, in the order they were added; unmodifiable */
    public List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(entries.keySet()));
    }

    /** @return the total number of data bytes the added tensors occupy */
    public long dataBytes() {
        return entries.values().stream().mapToLong(e -> e.byteLength).sum();
    }

    /**
     * Writes all tensors to one file, atomically.
     *
     * @param file the file to create or replace
     * @throws CheckpointException if writing fails (the message names the file)
     */
    public void write(Path file) {
        writeFile(file, new ArrayList<>(entries.values()));
    }

    /**
     * Writes the tensors as {@code transformers}' {@code save_pretrained(max_shard_size=...)} does: tensors are
     * taken in the order they were added and packed greedily into shards of at most {@code maxShardBytes} data bytes
     * (a tensor larger than the limit gets a shard of its own, placed where it occurs). Several shards are named
     * {@code <prefix>-00001-of-00003.safetensors} and listed in {@code <prefix>.safetensors.index.json}
     * ({@code {"metadata": {"total_parameters": elements, "total_size": bytes}, "weight_map": {...}}}, sorted keys,
     * indented by two spaces, as Python's {@code json.dumps(..., indent=2, sort_keys=True)} writes it); a single shard
     * is written as {@code <prefix>.safetensors} without an index. Shard files and index of an earlier save with the
     * same prefix that the new save does not use are deleted afterwards. The metadata is written into every shard.
     *
     * @param directory the folder (created if missing)
     * @param prefix the file name prefix, e.g. {@code model} or {@code adapter_model}
     * @param maxShardBytes the largest data size of one shard, in bytes
     * @return the files written, shards first, then the index when there is one
     * @throws CheckpointException if writing fails
     */
    public List<Path> writeSharded(Path directory, String prefix, long maxShardBytes) {
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.isEmpty() || prefix.contains("/") || prefix.contains("\\")) {
            throw new IllegalArgumentException("prefix must be a plain file name prefix, got '" + prefix + "'");
        }
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive, got " + maxShardBytes);
        }
        List<List<Entry>> shards = planShards(new ArrayList<>(entries.values()), maxShardBytes);
        List<Path> written = new ArrayList<>();
        Path index = directory.resolve(prefix + ".safetensors.index.json");
        if (shards.size() <= 1) {
            Path file = directory.resolve(prefix + ".safetensors");
            writeFile(file, new ArrayList<>(entries.values()));
            written.add(file);
            removeStale(directory, prefix, Set.of(file.getFileName().toString()), index);
            return Collections.unmodifiableList(written);
        }
        Map<String, String> weightMap = new TreeMap<>(CodePoints::compare);
        long totalSize = 0;
        long totalElements = 0;
        for (int i = 0; i < shards.size(); i++) {
            String fileName = String.format("%s-%05d-of-%05d.safetensors", prefix, i + 1, shards.size());
            Path file = directory.resolve(fileName);
            writeFile(file, shards.get(i));
            written.add(file);
            for (Entry e : shards.get(i)) {
                weightMap.put(e.name, fileName);
                totalSize += e.byteLength;
                totalElements += e.byteLength / e.dtype.byteSize();
            }
        }
        byte[] indexJson = indexJson(totalElements, totalSize, weightMap);
        try {
            DurableFiles.writeAtomically(index, channel -> writeFully(channel, ByteBuffer.wrap(indexJson)));
        } catch (IOException e) {
            throw new CheckpointException("Cannot write safetensors index '" + index.toAbsolutePath() + "': " + e, e);
        }
        written.add(index);
        Set<String> keep = new java.util.HashSet<>();
        written.forEach(p -> keep.add(p.getFileName().toString()));
        removeStale(directory, prefix, keep, directory.resolve(prefix + ".safetensors"));
        return Collections.unmodifiableList(written);
    }

    /** Greedy split in insertion order, as huggingface_hub's {@code split_state_dict_into_shards_factory}. */
    private static List<List<Entry>> planShards(List<Entry> ordered, long maxShardBytes) {
        List<List<Entry>> shards = new ArrayList<>();
        List<Entry> current = new ArrayList<>();
        long currentBytes = 0;
        for (Entry e : ordered) {
            if (e.byteLength > maxShardBytes) {
                shards.add(List.of(e));
                continue;
            }
            if (currentBytes + e.byteLength > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(e);
            currentBytes += e.byteLength;
        }
        if (!current.isEmpty()) {
            shards.add(current);
        }
        return shards;
    }

    private void writeFile(Path file, List<Entry> selected) {
        List<Entry> ordered = new ArrayList<>(selected);
        ordered.sort(WRITE_ORDER);
        byte[] header = header(metadata, ordered);
        try {
            DurableFiles.writeAtomically(file, channel -> {
                ByteBuffer length =
                        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
                writeFully(channel, length.flip());
                writeFully(channel, ByteBuffer.wrap(header));
                long expected = 8L + header.length;
                for (Entry e : ordered) {
                    e.writeTo(channel);
                    expected += e.byteLength;
                    if (channel.position() != expected) {
                        throw new IOException("tensor '" + e.name + "' wrote "
                                + (channel.position() - expected + e.byteLength) + " bytes instead of " + e.byteLength);
                    }
                }
            });
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("Cannot write safetensors file '" + file.toAbsolutePath() + "': " + e, e);
        }
    }

    /** Python's order: descending dtype alignment (the Rust crate's dtype order), then name. */
    private static final Comparator<Entry> WRITE_ORDER = Comparator.comparingInt((Entry e) -> -e.dtype.alignmentRank())
            .thenComparing((a, b) -> CodePoints.compare(a.name, b.name));

    private static byte[] header(Map<String, String> metadata, List<Entry> ordered) {
        StringBuilder json = new StringBuilder(64 + 96 * ordered.size());
        json.append('{');
        boolean first = true;
        if (!metadata.isEmpty()) {
            json.append("\"__metadata__\":{");
            boolean firstKey = true;
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                if (!firstKey) {
                    json.append(',');
                }
                JsonText.appendSerde(json, m.getKey());
                json.append(':');
                JsonText.appendSerde(json, m.getValue());
                firstKey = false;
            }
            json.append('}');
            first = false;
        }
        long offset = 0;
        for (Entry e : ordered) {
            if (!first) {
                json.append(',');
            }
            first = false;
            JsonText.appendSerde(json, e.name);
            json.append(":{\"dtype\":\"").append(e.dtype.name()).append("\",\"shape\":[");
            for (int i = 0; i < e.shape.length; i++) {
                if (i > 0) {
                    json.append(',');
                }
                json.append(e.shape[i]);
            }
            json.append("],\"data_offsets\":[")
                    .append(offset)
                    .append(',')
                    .append(offset + e.byteLength)
                    .append("]}");
            offset += e.byteLength;
        }
        json.append('}');
        byte[] raw = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (raw.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(raw, padded);
        Arrays.fill(out, raw.length, padded, (byte) ' ');
        return out;
    }

    private static byte[] indexJson(long totalElements, long totalSize, Map<String, String> weightMap) {
        StringBuilder json = new StringBuilder(128 + 96 * weightMap.size());
        json.append("{\n  \"metadata\": {\n    \"total_parameters\": ")
                .append(totalElements)
                .append(",\n    \"total_size\": ")
                .append(totalSize)
                .append("\n  },\n  \"weight_map\": {");
        boolean first = true;
        for (Map.Entry<String, String> e : weightMap.entrySet()) {
            json.append(first ? "\n    " : ",\n    ");
            PythonJson.appendString(json, e.getKey(), true);
            json.append(": ");
            PythonJson.appendString(json, e.getValue(), true);
            first = false;
        }
        json.append(first ? "}\n}\n" : "\n  }\n}\n");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void removeStale(Path directory, String prefix, Set<String> keep, Path alsoRemove) {
        try {
            if (!keep.contains(alsoRemove.getFileName().toString())) {
                Files.deleteIfExists(alsoRemove);
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
                for (Path p : files) {
                    String name = p.getFileName().toString();
                    if (name.startsWith(prefix)
                            && !keep.contains(name)
                            && SHARD_NAME
                                    .matcher(name.substring(prefix.length()))
                                    .matches()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new CheckpointException(
                    "Wrote the new checkpoint in '" + directory.toAbsolutePath()
                            + "' but cannot remove the files of an earlier save: " + e,
                    e);
        }
    }

    private SafetensorsWriter put(Entry entry) {
        entries.put(entry.name, entry);
        return this;
    }

    private String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.equals(METADATA_KEY)) {
            throw new IllegalArgumentException("'" + METADATA_KEY + "' is reserved and cannot name a tensor");
        }
        if (entries.containsKey(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' was already added");
        }
        return name;
    }

    static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
