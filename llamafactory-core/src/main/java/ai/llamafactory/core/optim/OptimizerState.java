package ai.llamafactory.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.llamafactory.api.config.OptimizerType;
import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.core.checkpoint.SafetensorsCheckpoint;
import ai.llamafactory.core.checkpoint.SafetensorsWriter;
import ai.llamafactory.core.train.output.DurableFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of an optimizer's state keyed by parameter name: per-parameter step counts and the state tensors of
 * each parameter by slot name ({@code exp_avg}, {@code exp_avg_sq}, {@code momentum_buffer}, {@code exp_avg_sq_row},
 * {@code exp_avg_sq_col}, as torch and transformers name them). Immutable; the arrays belong to the manager the
 * snapshot was exported or read into.
 *
 * <p>On disk a snapshot is two files in one folder: {@value #TENSOR_FILE} (safetensors, one fp32 tensor per
 * {@code <parameter name>:<slot>}) and {@value #META_FILE} ({@code format_version}, {@code optimizer} and the
 * {@code steps} per parameter). The tensor file is written and read with the project's safetensors writer and reader
 * (no size limit); read arrays are allocated by the engine and owned by the manager given to {@link #read}.
 */
public final class OptimizerState {
    /** Name of the tensor file inside a state folder. */
    public static final String TENSOR_FILE = "optimizer.safetensors";
    /** Name of the JSON file with the optimizer type and step counts. */
    public static final String META_FILE = "optimizer.json";
    /** Version written to and expected in {@value #META_FILE}. */
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final char SLOT_SEPARATOR = ':';

    private final OptimizerType type;
    private final ImmutableMap<String, Long> steps;
    private final ImmutableMap<String, ImmutableMap<String, NDArray>> tensors;

    /**
     * Creates a snapshot.
     *
     * @param type the optimizer that produced it
     * @param steps step count per parameter name
     * @param tensors per parameter name, the state tensors by slot name
     */
    public OptimizerState(
            OptimizerType type, Map<String, Long> steps, Map<String, ? extends Map<String, NDArray>> tensors) {
        this.type = Objects.requireNonNull(type, "type");
        this.steps = ImmutableMap.copyOf(steps);
        ImmutableMap.Builder<String, ImmutableMap<String, NDArray>> b = ImmutableMap.builder();
        tensors.forEach((name, slots) -> b.put(name, ImmutableMap.copyOf(slots)));
        this.tensors = b.build();
    }

    /** @return the optimizer that produced the snapshot */
    public OptimizerType type() {
        return type;
    }

    /** @return step count per parameter name (parameters never updated are absent) */
    public Map<String, Long> steps() {
        return steps;
    }

    /** @return per parameter name, its state tensors by slot name */
    public Map<String, ImmutableMap<String, NDArray>> tensors() {
        return tensors;
    }

    /**
     * The name a state tensor has in {@value #TENSOR_FILE}.
     *
     * @param parameterName the Hugging Face parameter name
     * @param slot the slot, e.g. {@code exp_avg}
     * @return {@code parameterName + ":" + slot}
     */
    public static String tensorKey(String parameterName, String slot) {
        return parameterName + SLOT_SEPARATOR + slot;
    }

    /**
     * Writes the snapshot into {@code directory} (created if needed). Each file is written to a temporary name and
     * then moved into place.
     *
     * @param directory the target folder
     * @throws CheckpointException if a file cannot be written
     */
    public void write(Path directory) {
        try {
            Files.createDirectories(directory);
            SafetensorsWriter writer = new SafetensorsWriter();
            tensors.forEach((name, slots) -> slots.forEach((slot, array) -> writer.add(tensorKey(name, slot), array)));
            ObjectNode meta = JSON.createObjectNode();
            meta.put("format_version", FORMAT_VERSION);
            meta.put("optimizer", type.key());
            ObjectNode stepNode = meta.putObject("steps");
            steps.forEach(stepNode::put);
            byte[] metaBytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta);
            // each file is written atomically (temporary file, fsync, rename), the tensors first as before
            writer.write(directory.resolve(TENSOR_FILE));
            DurableFiles.writeAtomically(directory.resolve(META_FILE), metaBytes);
        } catch (IOException | RuntimeException e) {
            if (e instanceof CheckpointException ce) {
                throw ce;
            }
            throw new CheckpointException("cannot write optimizer state to " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a snapshot written by {@link #write(Path)}.
     *
     * @param directory the folder holding {@value #TENSOR_FILE} and {@value #META_FILE}
     * @param manager the manager that will own the tensors
     * @return the snapshot
     * @throws CheckpointException if a file is missing or malformed (the message names the file and the key)
     */
    public static OptimizerState read(Path directory, NDManager manager) {
        Path metaFile = directory.resolve(META_FILE);
        Path tensorFile = directory.resolve(TENSOR_FILE);
        JsonNode meta;
        try {
            meta = JSON.readTree(metaFile.toFile());
        } catch (IOException e) {
            throw new CheckpointException("cannot read optimizer state " + metaFile + ": " + e.getMessage(), e);
        }
        if (meta == null || !meta.isObject()) {
            throw new CheckpointException(metaFile + ": expected a JSON object");
        }
        JsonNode version = meta.get("format_version");
        if (version == null || !version.canConvertToInt() || version.asInt() != FORMAT_VERSION) {
            throw new CheckpointException(metaFile + ": format_version must be " + FORMAT_VERSION + ", got " + version);
        }
        JsonNode optimizerNode = meta.get("optimizer");
        OptimizerType type;
        try {
            type = Optimizer.algorithm(OptimizerType.fromKey(optimizerNode == null ? null : optimizerNode.asText()));
        } catch (RuntimeException e) {
            throw new CheckpointException(metaFile + ": optimizer: " + e.getMessage(), e);
        }
        Map<String, Long> steps = new LinkedHashMap<>();
        JsonNode stepNode = meta.get("steps");
        if (stepNode == null || !stepNode.isObject()) {
            throw new CheckpointException(metaFile + ": 'steps' must be an object of parameter name to step count");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = stepNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToLong() || e.getValue().asLong() < 0) {
                throw new CheckpointException(
                        metaFile + ": steps." + e.getKey() + " must be a count >= 0, got " + e.getValue());
            }
            steps.put(e.getKey(), e.getValue().asLong());
        }
        Map<String, Map<String, NDArray>> tensors = new LinkedHashMap<>();
        if (!Files.isRegularFile(tensorFile)) {
            throw new CheckpointException("optimizer state file missing: " + tensorFile);
        }
        // Read through the project's reader: every array is allocated by the engine and owned by `manager`, never
        // a view of Java memory (see ai.llamafactory.core.engine.EngineArrays).
        try (SafetensorsCheckpoint file = SafetensorsCheckpoint.open(tensorFile)) {
            for (String key : file.names()) {
                int sep = key.lastIndexOf(SLOT_SEPARATOR);
                if (sep <= 0 || sep == key.length() - 1) {
                    throw new CheckpointException(
                            tensorFile + ": tensor '" + key + "' is not named '<parameter name>:<slot>'");
                }
                tensors.computeIfAbsent(key.substring(0, sep), k -> new LinkedHashMap<>())
                        .put(key.substring(sep + 1), file.load(manager, key));
            }
        } catch (CheckpointException e) {
            tensors.values().forEach(m -> m.values().forEach(NDArray::close));
            throw e;
        }
        return new OptimizerState(type, steps, tensors);
    }
}
