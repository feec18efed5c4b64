package ai.llamafactory.core.train.checkpoint;

import ai.llamafactory.api.exception.CheckpointException;
import ai.llamafactory.api.exception.TrainingException;
import ai.llamafactory.core.train.output.DurableFiles;
import ai.llamafactory.data.json.PythonJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Identifies the base model (and optionally the fine-tuning setup) a checkpoint was trained from, so that resuming
 * a checkpoint with a different model fails with a clear {@link TrainingException} instead of a shape error deep in
 * the loader or, worse, a silently wrong run.
 *
 * <p>It records {@code model_type}, the sizes that decide every tensor shape ({@code vocab_size},
 * {@code hidden_size}, {@code intermediate_size}, {@code num_hidden_layers}, {@code num_attention_heads},
 * {@code num_key_value_heads}, {@code head_dim} where present; read from {@code text_config} when the top level lacks
 * them) and the SHA-256 of {@code config.json} in a canonical form (keys sorted, Python JSON number text, without
 * {@code _name_or_path}, {@code transformers_version} and {@code _commit_hash}, which change when the same model is
 * copied or re-saved). The training loop may add {@link #method} entries (fine-tuning type, LoRA rank and targets)
 * that must match too.
 *
 * @param modelType {@code model_type}
 * @param sizes the shape-deciding sizes, in a fixed order
 * @param configSha256 hex SHA-256 of the canonical config
 * @param method fine-tuning settings that must match on resume (may be empty)
 */
public record ModelFingerprint(
        String modelType, Map<String, Long> sizes, String configSha256, Map<String, String> method) {
    private static final List<String> SIZE_KEYS = List.of(
            "vocab_size",
            "hidden_size",
            "intermediate_size",
            "num_hidden_layers",
            "num_attention_heads",
            "num_key_value_heads",
            "head_dim");
    private static final Set<String> VOLATILE_KEYS = Set.of("_name_or_path", "transformers_version", "_commit_hash");

    /**
     * Copies the maps.
     *
     * @param modelType {@code model_type}
     * @param sizes the sizes
     * @param configSha256 the hash
     * @param method fine-tuning settings
     */
    public ModelFingerprint {
        Objects.requireNonNull(modelType, "modelType");
        Objects.requireNonNull(configSha256, "configSha256");
        sizes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sizes));
        method = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(method));
    }

    /**
     * The fingerprint of a model folder's {@code config.json}.
     *
     * @param configJson the file
     * @return the fingerprint (no method entries)
     * @throws CheckpointException naming the file if it cannot be read or lacks {@code model_type}
     */
    public static ModelFingerprint ofConfigFile(Path configJson) {
        String text;
        try {
            text = Files.readString(configJson, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CheckpointException("cannot read model config " + configJson + ": " + e.getMessage(), e);
        }
        Object parsed;
        try {
            parsed = PythonJson.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("model config " + configJson + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new CheckpointException("model config " + configJson + " must hold a JSON object");
        }
        return ofConfig(map, configJson.toString());
    }

    /**
     * The fingerprint of a parsed {@code config.json}.
     *
     * @param config the parsed object ({@link PythonJson#parse})
     * @param source the file name used in messages
     * @return the fingerprint (no method entries)
     * @throws CheckpointException naming the source if {@code model_type} is missing
     */
    public static ModelFingerprint ofConfig(Map<?, ?> config, String source) {
        Object type = config.get("model_type");
        if (!(type instanceof String modelType) || modelType.isBlank()) {
            throw new CheckpointException("model config " + source + " has no \"model_type\"");
        }
        Map<?, ?> text = config.get("text_config") instanceof Map<?, ?> t ? t : Map.of();
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (String key : SIZE_KEYS) {
            Object v = config.containsKey(key) ? config.get(key) : text.get(key);
            if (v instanceof Long l) {
                sizes.put(key, l);
            }
        }
        Map<String, Object> canonical = new LinkedHashMap<>();
        config.forEach((k, v) -> {
            if (!VOLATILE_KEYS.contains(k)) {
                canonical.put((String) k, v);
            }
        });
        byte[] bytes =
                PythonJson.builder().sortKeys(true).build().dumps(canonical).getBytes(StandardCharsets.UTF_8);
        try {
            String hash = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            return new ModelFingerprint(modelType, sizes, hash, Map.of());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /**
     * A copy with one more fine-tuning setting that must match on resume.
     *
     * @param key e.g. {@code finetuning_type}, {@code lora_rank}
     * @param value e.g. {@code lora}, {@code 8}
     * @return the new fingerprint
     */
    public ModelFingerprint withMethod(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(method);
        m.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new ModelFingerprint(modelType, sizes, configSha256, m);
    }

    /**
     * The differences to another fingerprint.
     *
     * @param other the other fingerprint
     * @return one line per differing field, {@code field: this vs other}; empty when they match
     */
    public List<String> differences(ModelFingerprint other) {
        List<String> diffs = new ArrayList<>();
        if (!modelType.equals(other.modelType)) {
            diffs.add("model_type: " + modelType + " vs " + other.modelType);
        }
        Set<String> keys = new TreeSet<>(sizes.keySet());
        keys.addAll(other.sizes.keySet());
        for (String k : SIZE_KEYS) {
            if (keys.contains(k) && !Objects.equals(sizes.get(k), other.sizes.get(k))) {
                diffs.add(k + ": " + text(sizes.get(k)) + " vs " + text(other.sizes.get(k)));
            }
        }
        Set<String> methodKeys = new TreeSet<>(method.keySet());
        methodKeys.addAll(other.method.keySet());
        for (String k : methodKeys) {
            if (!Objects.equals(method.get(k), other.method.get(k))) {
                diffs.add(k + ": " + text(method.get(k)) + " vs " + text(other.method.get(k)));
            }
        }
        if (!configSha256.equals(other.configSha256)) {
            diffs.add("config.json sha256: " + configSha256.substring(0, 12) + "… vs "
                    + other.configSha256.substring(0, Math.min(12, other.configSha256.length())) + "…");
        }
        return diffs;
    }

    /**
     * Refuses to resume a checkpoint whose fingerprint differs from the model being trained.
     *
     * @param checkpoint the checkpoint folder (for the message)
     * @param saved the fingerprint recorded in it
     * @param current the fingerprint of the model and setup of this run
     * @throws TrainingException listing every differing field
     */
    public static void requireSameModel(Path checkpoint, ModelFingerprint saved, ModelFingerprint current) {
        List<String> diffs = saved.differences(current);
        if (!diffs.isEmpty()) {
            throw new TrainingException("checkpoint " + checkpoint + " was trained from a different model than the one "
                    + "configured for this run (checkpoint vs this run): " + String.join("; ", diffs)
                    + ". Resume with the same model_name_or_path and fine-tuning settings, or start a new output_dir.");
        }
    }

    /**
     * The JSON text stored in a checkpoint.
     *
     * @return an object with {@code model_type}, {@code sizes}, {@code config_sha256}, {@code method}
     */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model_type", modelType);
        m.put("sizes", sizes);
        m.put("config_sha256", configSha256);
        m.put("method", method);
        return PythonJson.builder().indent(2).build().dumps(m) + "\n";
    }

    /**
     * Writes the JSON atomically.
     *
     * @param file the target
     * @throws CheckpointException naming the file on failure
     */
    public void write(Path file) {
        try {
            DurableFiles.writeAtomically(file, toJson());
        } catch (IOException e) {
            throw new CheckpointException("cannot write model fingerprint " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a fingerprint file.
     *
     * @param file the file
     * @return the fingerprint
     * @throws CheckpointException naming the file and the field if it is missing or malformed
     */
    public static ModelFingerprint read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("model fingerprint " + file + " does not exist", e);
        } catch (IOException e) {
            throw new CheckpointException("cannot read model fingerprint " + file + ": " + e.getMessage(), e);
        }
        Object root;
        try {
            root = PythonJson.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("model fingerprint " + file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> map)
                || !(map.get("model_type") instanceof String type)
                || !(map.get("config_sha256") instanceof String hash)
                || !(map.get("sizes") instanceof Map<?, ?> s)
                || !(map.get("method") instanceof Map<?, ?> mth)) {
            throw new CheckpointException("model fingerprint " + file + " must hold \"model_type\", \"sizes\", "
                    + "\"config_sha256\" and \"method\"");
        }
        Map<String, Long> sizes = new LinkedHashMap<>();
        s.forEach((k, v) -> {
            if (!(v instanceof Long l)) {
                throw new CheckpointException("model fingerprint " + file + ": size \"" + k + "\" must be an integer, "
                        + "got " + PythonJson.DEFAULTS.dumps(v));
            }
            sizes.put((String) k, l);
        });
        Map<String, String> method = new LinkedHashMap<>();
        mth.forEach((k, v) -> method.put((String) k, String.valueOf(v)));
        return new ModelFingerprint(type, sizes, hash, method);
    }

    private static String text(Object v) {
        return v == null ? "(absent)" : v.toString();
    }
}
