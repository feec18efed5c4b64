package ai.llamafactory.core.checkpoint;

import ai.llamafactory.api.exception.CheckpointException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One {@code .safetensors} file, validated when opened and memory-mapped on demand.
 *
 * <p>Layout: an unsigned 64-bit little-endian header length {@code N}, {@code N} bytes of UTF-8 JSON mapping each
 * tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (plus an optional {@code __metadata__}
 * object of strings), then the data section. Offsets are relative to the start of the data section.
 *
 * <p>Opening reads and checks only the header; it rejects, with a {@link CheckpointException} naming the file and
 * the tensor: a negative, absurdly large (over 100,000,000 bytes, the limit of the reference implementation) or
 * too long header length; invalid JSON or JSON of the wrong shape; an unknown dtype; a negative dimension; offsets
 * with begin after end, outside the data section or overlapping another tensor; a byte span that is not
 * {@code product(shape) * dtype size}; a truncated file. Gaps between tensors and bytes after the last one are
 * tolerated (Python's reader is stricter).
 *
 * <p>Data is never copied to the heap as a whole: the data section is mapped in read-only windows of at most
 * 1 GiB, each holding whole tensors, so files of any size work; a tensor larger than a window is mapped piece by
 * piece through {@link #tensorBytes(String, long, int)}. Mappings are released by the garbage collector once no
 * buffer refers to them; {@link #close()} closes the file and makes further reads fail, but buffers handed out
 * earlier stay readable.
 *
 * <p>Instances are safe for concurrent reads.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** Largest header the reference implementation accepts (bytes). */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    /** Default size limit of one mapped window. */
    static final long DEFAULT_WINDOW_BYTES = 1L << 30;
    /** Elements converted per step by the array conversions. */
    private static final int CONVERT_CHUNK = 1 << 16;

    static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final long dataLength;
    private final Map<String, String> metadata;
    private final Map<String, Slot> slots;
    private final List<String> names;
    private final long[] windowStart;
    private final long[] windowEnd;
    private final AtomicReferenceArray<MappedByteBuffer> windows;
    private volatile boolean closed;

    /** A tensor and the window that holds it: an index, {@link #UNMAPPED} (too large) or {@link #EMPTY}. */
    private record Slot(TensorInfo info, int window) {}

    private static final int UNMAPPED = -1;
    private static final int EMPTY = -2;

    private SafetensorsFile(
            Path path,
            FileChannel channel,
            long dataStart,
            long dataLength,
            Map<String, String> metadata,
            List<TensorInfo> ordered,
            long maxWindowBytes) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.dataLength = dataLength;
        this.metadata = Collections.unmodifiableMap(metadata);
        Map<String, Slot> bySlot = new LinkedHashMap<>();
        List<long[]> ranges = new ArrayList<>();
        for (TensorInfo info : ordered) {
            long length = info.byteLength();
            int window;
            if (length == 0) {
                window = EMPTY;
            } else if (length > maxWindowBytes) {
                window = UNMAPPED;
            } else {
                long[] last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
                if (last != null && info.end() - last[0] <= maxWindowBytes) {
                    last[1] = Math.max(last[1], info.end());
                } else {
                    ranges.add(new long[] {info.begin(), info.end()});
                }
                window = ranges.size() - 1;
            }
            bySlot.put(info.name(), new Slot(info, window));
        }
        this.slots = Collections.unmodifiableMap(bySlot);
        this.names = List.copyOf(bySlot.keySet());
        this.windowStart = new long[ranges.size()];
        this.windowEnd = new long[ranges.size()];
        for (int i = 0; i < ranges.size(); i++) {
            windowStart[i] = ranges.get(i)[0];
            windowEnd[i] = ranges.get(i)[1];
        }
        this.windows = new AtomicReferenceArray<>(ranges.size());
    }

    /**
     * Opens and validates a safetensors file.
     *
     * @param file the file
     * @return the open file; close it when done
     * @throws CheckpointException if the file cannot be read or is malformed (the message names the file and the
     *     tensor concerned)
     */
    public static SafetensorsFile open(Path file) {
        return open(file, DEFAULT_WINDOW_BYTES);
    }

    /**
     * Opens a file with a custom window size (tests use small windows to exercise the multi-window paths).
     *
     * @param file the file
     * @param maxWindowBytes the largest region mapped at once, at most {@link Integer#MAX_VALUE}
     * @return the open file
     */
    static SafetensorsFile open(Path file, long maxWindowBytes) {
        if (maxWindowBytes <= 0 || maxWindowBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxWindowBytes out of range: " + maxWindowBytes);
        }
        Path path = file.toAbsolutePath().normalize();
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new CheckpointException("Cannot open safetensors file '" + path + "': " + e, e);
        }
        try {
            return parse(path, channel, maxWindowBytes);
        } catch (RuntimeException e) {
            closeQuietly(channel, e);
            throw e;
        }
    }

    private static SafetensorsFile parse(Path path, FileChannel channel, long maxWindowBytes) {
        long fileSize;
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        try {
            fileSize = channel.size();
            if (fileSize < 8) {
                throw corrupt(
                        path,
                        null,
                        "the file is truncated: it has " + fileSize + " bytes, fewer than the 8-byte header length");
            }
            readFully(channel, lengthBytes, 0);
        } catch (IOException e) {
            throw new CheckpointException("Cannot read safetensors file '" + path + "': " + e, e);
        }
        long headerLength = lengthBytes.flip().getLong();
        if (headerLength < 0) {
            throw corrupt(
                    path,
                    null,
                    "the header length " + Long.toUnsignedString(headerLength)
                            + " is negative as a signed 64-bit number");
        }
        if (headerLength > MAX_HEADER_BYTES) {
            throw corrupt(
                    path,
                    null,
                    "the header length " + headerLength + " is absurdly large (limit " + MAX_HEADER_BYTES + " bytes)");
        }
        if (headerLength > fileSize - 8) {
            throw corrupt(
                    path,
                    null,
                    "the header length " + headerLength + " is larger than the file allows (" + fileSize
                            + " bytes in all, " + (fileSize - 8) + " after the length)");
        }
        ByteBuffer header = ByteBuffer.allocate((int) headerLength);
        try {
            readFully(channel, header, 8);
        } catch (IOException e) {
            throw new CheckpointException("Cannot read the header of safetensors file '" + path + "': " + e, e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(header.array());
        } catch (JsonProcessingException e) {
            throw corrupt(path, null, "the header is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw corrupt(path, null, "the header is not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw corrupt(
                    path,
                    null,
                    "the header must be a JSON object, found " + (root == null ? "nothing" : root.getNodeType()));
        }
        long dataStart = 8 + headerLength;
        long dataLength = fileSize - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> tensors = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals("__metadata__")) {
                readMetadata(path, field.getValue(), metadata);
            } else {
                tensors.add(readTensor(path, field.getKey(), field.getValue()));
            }
        }
        List<TensorInfo> ordered = new ArrayList<>(tensors);
        ordered.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        checkLayout(path, ordered, dataLength);
        return new SafetensorsFile(path, channel, dataStart, dataLength, metadata, ordered, maxWindowBytes);
    }

    private static void readMetadata(Path path, JsonNode node, Map<String, String> out) {
        if (!node.isObject()) {
            throw corrupt(path, null, "__metadata__ must be a JSON object of strings, found " + node.getNodeType());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw corrupt(
                        path,
                        null,
                        "__metadata__ value of key '" + e.getKey() + "' must be a string, found " + e.getValue());
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
    }

    private static TensorInfo readTensor(Path path, String name, JsonNode node) {
        if (!node.isObject()) {
            throw corrupt(path, name, "the entry must be a JSON object, found " + node.getNodeType());
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw corrupt(path, name, "'dtype' must be a string, found " + dtypeNode);
        }
        SafetensorsDtype dtype = SafetensorsDtype.fromLabel(dtypeNode.textValue())
                .orElseThrow(() -> corrupt(
                        path,
                        name,
                        "unknown dtype '" + dtypeNode.textValue() + "' (supported: "
                                + Arrays.toString(SafetensorsDtype.values()) + ")"));
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw corrupt(path, name, "'shape' must be an array of integers, found " + shapeNode);
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong()) {
                throw corrupt(path, name, "'shape' must be an array of integers, found " + shapeNode);
            }
            shape[i] = d.longValue();
            if (shape[i] < 0) {
                throw corrupt(
                        path, name, "negative dimension " + shape[i] + " at axis " + i + " of shape " + shapeNode);
            }
        }
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2) {
            throw corrupt(path, name, "'data_offsets' must be an array [begin, end], found " + offsets);
        }
        for (JsonNode o : offsets) {
            if (!o.isIntegralNumber() || !o.canConvertToLong() || o.longValue() < 0) {
                throw corrupt(path, name, "'data_offsets' must hold two non-negative integers, found " + offsets);
            }
        }
        long begin = offsets.get(0).longValue();
        long end = offsets.get(1).longValue();
        if (begin > end) {
            throw corrupt(path, name, "data_offsets [" + begin + ", " + end + "] begin after end");
        }
        long expected;
        try {
            long elements = 1;
            for (long d : shape) {
                elements = Math.multiplyExact(elements, d);
            }
            expected = Math.multiplyExact(elements, (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw corrupt(path, name, "shape " + shapeNode + " overflows a 64-bit byte count");
        }
        if (end - begin != expected) {
            throw corrupt(
                    path,
                    name,
                    "data_offsets [" + begin + ", " + end + "] span " + (end - begin) + " bytes, but shape " + shapeNode
                            + " of " + dtype + " needs " + expected);
        }
        return new TensorInfo(name, dtype, shape, begin, end, path);
    }

    /** Checks that no two tensors overlap and that all lie inside the data section. */
    private static void checkLayout(Path path, List<TensorInfo> ordered, long dataLength) {
        TensorInfo previous = null;
        boolean contiguous = true;
        long expectedBegin = 0;
        for (TensorInfo t : ordered) {
            if (t.byteLength() == 0) {
                continue;
            }
            if (previous != null && t.begin() < previous.end()) {
                throw corrupt(
                        path,
                        t.name(),
                        "data_offsets [" + t.begin() + ", " + t.end() + "] overlap tensor '" + previous.name()
                                + "' at [" + previous.begin() + ", " + previous.end() + "]");
            }
            contiguous &= t.begin() == expectedBegin;
            expectedBegin = t.end();
            if (t.end() > dataLength) {
                if (contiguous) {
                    long needed = ordered.get(ordered.size() - 1).end();
                    throw corrupt(
                            path,
                            t.name(),
                            "the file is truncated: the header describes " + needed
                                    + " data bytes but only " + dataLength + " follow it; data_offsets [" + t.begin()
                                    + ", "
                                    + t.end() + "] are cut off");
                }
                throw corrupt(
                        path,
                        t.name(),
                        "data_offsets [" + t.begin() + ", " + t.end() + "] lie outside the data section, which has "
                                + dataLength + " bytes");
            }
            previous = t;
        }
    }

    /** @return the absolute, normalised path of the file */
    public Path path() {
        return path;
    }

    /** @return the {@code __metadata__} entries in file order (empty when the header has none); unmodifiable */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** @return the tensor names in the order of their data in the file; unmodifiable */
    public List<String> names() {
        return names;
    }

    /** @return the number of tensors */
    public int size() {
        return names.size();
    }

    /** @return the number of bytes in the data section (after the header) */
    public long dataLength() {
        return dataLength;
    }

    /**
     * Whether the file holds a tensor.
     *
     * @param name the tensor name
     * @return true if present
     */
    public boolean contains(String name) {
        return slots.containsKey(name);
    }

    /**
     * Describes a tensor.
     *
     * @param name the tensor name
     * @return its dtype, shape and location
     * @throws CheckpointException if the file has no such tensor
     */
    public TensorInfo info(String name) {
        return slot(name).info();
    }

    /**
     * All tensors, in the order of their data in the file.
     *
     * @return the tensor descriptions; unmodifiable
     */
    public List<TensorInfo> infos() {
        List<TensorInfo> out = new ArrayList<>(slots.size());
        slots.values().forEach(s -> out.add(s.info()));
        return Collections.unmodifiableList(out);
    }

    /**
     * A read-only little-endian view of a tensor's bytes, without copying.
     *
     * @param name the tensor name
     * @return the bytes, position 0, limit {@code byteLength()}
     * @throws CheckpointException if there is no such tensor or it is larger than a ByteBuffer can hold (2 GiB);
     *     read such tensors in pieces with {@link #tensorBytes(String, long, int)}
     */
    public ByteBuffer tensorBytes(String name) {
        Slot slot = slot(name);
        long length = slot.info().byteLength();
        if (length > Integer.MAX_VALUE) {
            throw new CheckpointException("Tensor '" + name + "' in safetensors file '" + path + "' has " + length
                    + " bytes, more than one ByteBuffer holds; read it in pieces with "
                    + "tensorBytes(name, offset, length)");
        }
        return region(slot, 0, (int) length);
    }

    /**
     * A read-only little-endian view of part of a tensor's bytes, without copying. Works for tensors of any size.
     *
     * @param name the tensor name
     * @param offset first byte, relative to the start of the tensor
     * @param length number of bytes
     * @return the bytes, position 0, limit {@code length}
     * @throws CheckpointException if there is no such tensor
     * @throws IndexOutOfBoundsException if the range does not lie within the tensor
     */
    public ByteBuffer tensorBytes(String name, long offset, int length) {
        Slot slot = slot(name);
        long size = slot.info().byteLength();
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IndexOutOfBoundsException("bytes [" + offset + ", " + (offset + length) + ") of tensor '" + name
                    + "' (" + size + " bytes) in '" + path + "'");
        }
        return region(slot, offset, length);
    }

    /**
     * Copies part of a tensor's bytes into a caller's buffer with positional reads, filling its remaining space.
     * For bulk copies (e.g. straight into an engine's memory) this is faster than going through a mapping, whose
     * page faults dominate large sequential copies.
     *
     * @param name the tensor name
     * @param offset first byte to read, relative to the start of the tensor
     * @param destination receives {@code destination.remaining()} bytes; its position advances to its limit
     * @throws CheckpointException if there is no such tensor or reading fails
     * @throws IndexOutOfBoundsException if the range does not lie within the tensor
     */
    public void read(String name, long offset, ByteBuffer destination) {
        Slot slot = slot(name);
        long size = slot.info().byteLength();
        int length = destination.remaining();
        if (offset < 0 || offset > size - length) {
            throw new IndexOutOfBoundsException("bytes [" + offset + ", " + (offset + length) + ") of tensor '" + name
                    + "' (" + size + " bytes) in '" + path + "'");
        }
        if (closed) {
            throw new IllegalStateException("Safetensors file '" + path + "' is closed");
        }
        long position = dataStart + slot.info().begin() + offset;
        try {
            readFully(channel, destination, position);
        } catch (java.nio.channels.ClosedChannelException e) {
            throw new IllegalStateException("Safetensors file '" + path + "' is closed", e);
        } catch (IOException e) {
            throw new CheckpointException(
                    "Cannot read " + length + " bytes of tensor '" + name + "' from safetensors file '" + path + "': "
                            + e,
                    e);
        }
    }

    /**
     * Reads a floating-point tensor (F64, F32, F16 or BF16) into a new float array, widening exactly or narrowing
     * F64 by rounding. Meant for small tensors (tests, norms, biases): it needs {@code 4 * numElements} heap bytes.
     *
     * @param name the tensor name
     * @return the values in row-major order
     * @throws CheckpointException if there is no such tensor, it is not floating point, or it has more elements than
     *     a Java array holds
     */
    public float[] toFloatArray(String name) {
        TensorInfo info = info(name);
        if (!info.dtype().isFloatingPoint()) {
            throw new CheckpointException("Tensor '" + name + "' in safetensors file '" + path + "' is " + info.dtype()
                    + ", not floating point; use toLongArray or tensorBytes");
        }
        int n = arrayLength(info);
        float[] out = new float[n];
        ByteBuffer scratch = ByteBuffer.allocate(Math.min(n, CONVERT_CHUNK) * 4).order(ByteOrder.LITTLE_ENDIAN);
        int size = info.dtype().byteSize();
        for (int done = 0; done < n; ) {
            int count = Math.min(CONVERT_CHUNK, n - done);
            ByteBuffer src = tensorBytes(name, (long) done * size, count * size);
            scratch.clear();
            ElementConverter.convert(info.dtype(), src, SafetensorsDtype.F32, scratch, count);
            scratch.flip();
            scratch.asFloatBuffer().get(out, done, count);
            done += count;
        }
        return out;
    }

    /**
     * Reads an integer or boolean tensor into a new long array (U8 is read unsigned, BOOL as 0/1).
     *
     * @param name the tensor name
     * @return the values in row-major order
     * @throws CheckpointException if there is no such tensor, it is floating point, or it has more elements than a
     *     Java array holds
     */
    public long[] toLongArray(String name) {
        TensorInfo info = info(name);
        if (info.dtype().isFloatingPoint()) {
            throw new CheckpointException("Tensor '" + name + "' in safetensors file '" + path + "' is " + info.dtype()
                    + ", not an integer type; use toFloatArray or tensorBytes");
        }
        int n = arrayLength(info);
        long[] out = new long[n];
        ByteBuffer scratch = ByteBuffer.allocate(Math.min(n, CONVERT_CHUNK) * 8).order(ByteOrder.LITTLE_ENDIAN);
        int size = info.dtype().byteSize();
        for (int done = 0; done < n; ) {
            int count = Math.min(CONVERT_CHUNK, n - done);
            ByteBuffer src = tensorBytes(name, (long) done * size, count * size);
            scratch.clear();
            ElementConverter.convert(info.dtype(), src, SafetensorsDtype.I64, scratch, count);
            scratch.flip();
            scratch.asLongBuffer().get(out, done, count);
            done += count;
        }
        return out;
    }

    private int arrayLength(TensorInfo info) {
        long n = info.numElements();
        if (n > Integer.MAX_VALUE - 8) {
            throw new CheckpointException("Tensor '" + info.name() + "' in safetensors file '" + path + "' has " + n
                    + " elements, more than a Java array holds; use tensorBytes(name, offset, length)");
        }
        return (int) n;
    }

    private Slot slot(String name) {
        Slot slot = slots.get(name);
        if (slot == null) {
            throw new CheckpointException("Safetensors file '" + path + "' has no tensor '" + name + "'");
        }
        return slot;
    }

    private ByteBuffer region(Slot slot, long offset, int length) {
        if (closed) {
            throw new IllegalStateException("Safetensors file '" + path + "' is closed");
        }
        TensorInfo info = slot.info();
        if (slot.window() == EMPTY || length == 0) {
            return ByteBuffer.allocate(0).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        if (slot.window() == UNMAPPED) {
            return map(dataStart + info.begin() + offset, length, info.name());
        }
        MappedByteBuffer window = window(slot.window(), info.name());
        int at = (int) (info.begin() - windowStart[slot.window()] + offset);
        return window.slice(at, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    private MappedByteBuffer window(int index, String tensor) {
        MappedByteBuffer w = windows.get(index);
        if (w == null) {
            synchronized (windows) {
                w = windows.get(index);
                if (w == null) {
                    long length = windowEnd[index] - windowStart[index];
                    w = map(dataStart + windowStart[index], (int) length, tensor);
                    windows.set(index, w);
                }
            }
        }
        return w;
    }

    private MappedByteBuffer map(long position, int length, String tensor) {
        try {
            MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_ONLY, position, length);
            buffer.order(ByteOrder.LITTLE_ENDIAN);
            return buffer;
        } catch (IOException e) {
            if (closed) {
                throw new IllegalStateException("Safetensors file '" + path + "' is closed", e);
            }
            throw new CheckpointException(
                    "Cannot map " + length + " bytes at offset " + position + " of safetensors file '" + path
                            + "' (tensor '" + tensor + "'): " + e,
                    e);
        }
    }

    /** Closes the file. Buffers returned earlier remain valid; new reads throw {@link IllegalStateException}. */
    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            throw new CheckpointException("Cannot close safetensors file '" + path + "': " + e, e);
        }
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + names.size() + " tensors]";
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        long at = position;
        while (into.hasRemaining()) {
            int n = channel.read(into, at);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
            at += n;
        }
    }

    private static void closeQuietly(FileChannel channel, Throwable primary) {
        try {
            channel.close();
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }

    static CheckpointException corrupt(Path file, String tensor, String what) {
        return new CheckpointException("Invalid safetensors file '" + file + "'"
                + (tensor == null ? "" : ", tensor '" + tensor + "'") + ": " + what);
    }
}
