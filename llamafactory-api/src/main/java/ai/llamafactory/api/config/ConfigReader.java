package ai.llamafactory.api.config;

import ai.llamafactory.api.exception.InvalidConfigException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads LLaMA-Factory configuration files (YAML or JSON, flat snake_case keys) and {@code key=value} overrides into a
 * {@link FineTuneConfig}. Every error names where the offending value came from: the file and line, or the override.
 */
final class ConfigReader {
    private static final Logger LOG = LoggerFactory.getLogger(FineTuneConfig.class);
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Pattern LEADING_KEY = Pattern.compile("^([a-z0-9_]+):");

    /** A raw value and where it came from. */
    private static final class Entry {
        final Object value;
        final String text;
        final String origin;

        Entry(Object value, String text, String origin) {
            this.value = value;
            this.text = text;
            this.origin = origin;
        }
    }

    private ConfigReader() {}

    static FineTuneConfig readFile(Path file, List<String> overrides) {
        String name = file.getFileName() == null
                ? file.toString()
                : file.getFileName().toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidConfigException("cannot read configuration file " + file + ": " + e, e);
        }
        boolean json = name.toLowerCase(Locale.ROOT).endsWith(".json");
        return read(text, file.toString(), json, overrides);
    }

    static FineTuneConfig read(String text, String source, boolean json, List<String> overrides) {
        ObjectMapper mapper = json ? JSON : YAML;
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String line = at != null && at.getLineNr() > 0 ? " line " + at.getLineNr() : "";
            throw new InvalidConfigException(
                    source + line + ": not valid " + (json ? "JSON" : "YAML") + ": " + e.getOriginalMessage(), e);
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        if (root != null && !root.isMissingNode() && !root.isNull()) {
            if (!root.isObject()) {
                throw new InvalidConfigException(source
                        + ": expected a mapping of keys to values at the top level, got "
                        + root.getNodeType().toString().toLowerCase(Locale.ROOT));
            }
            Map<String, Integer> lines = keyLines(mapper, text);
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                Object raw;
                try {
                    raw = mapper.treeToValue(field.getValue(), Object.class);
                } catch (JsonProcessingException e) {
                    throw new InvalidConfigException(source + ": " + field.getKey() + ": unreadable value", e);
                }
                Integer line = lines.get(field.getKey());
                entries.put(field.getKey(), new Entry(raw, null, source + (line != null ? " line " + line : "")));
            }
        }
        addOverrides(entries, overrides);
        return assemble(entries, source);
    }

    static FineTuneConfig fromArguments(Map<String, ?> arguments, List<String> overrides) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        arguments.forEach((k, v) -> entries.put(k, new Entry(v, null, "argument '" + k + "'")));
        addOverrides(entries, overrides);
        return assemble(entries, "arguments");
    }

    /** Records the line of every top-level key (1-based). */
    private static Map<String, Integer> keyLines(ObjectMapper mapper, String text) {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser parser = mapper.getFactory().createParser(text)) {
            int depth = 0;
            for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    depth++;
                } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    depth--;
                } else if (t == JsonToken.FIELD_NAME && depth == 1) {
                    lines.putIfAbsent(
                            parser.currentName(), parser.currentTokenLocation().getLineNr());
                }
            }
        } catch (IOException e) {
            // The tree was read already; without lines the messages name the file only.
        }
        return lines;
    }

    private static void addOverrides(Map<String, Entry> entries, List<String> overrides) {
        for (String override : overrides) {
            int eq = override == null ? -1 : override.indexOf('=');
            if (eq <= 0) {
                throw new InvalidConfigException("override '" + override + "': expected key=value");
            }
            String key = override.substring(0, eq).trim();
            String text = override.substring(eq + 1).trim();
            entries.put(key, new Entry(parseScalar(text), text, "override '" + override + "'"));
        }
    }

    /** Types an override's value as the same text would be typed in a YAML file. */
    private static Object parseScalar(String text) {
        if (text.isEmpty()) {
            return "";
        }
        if (text.equals("None")) {
            return null;
        }
        try {
            return YAML.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            return text;
        }
    }

    private static FineTuneConfig assemble(Map<String, Entry> input, String source) {
        Map<String, Entry> entries = canonicalKeys(input);
        Map<ArgumentGroup<?, ?>, Object> builders = new LinkedHashMap<>();
        for (ArgumentGroup<?, ?> group : ConfigSchema.GROUPS) {
            builders.put(group, group.newBuilder());
        }
        Map<String, Object> ignored = new LinkedHashMap<>();
        Map<String, String> origins = new HashMap<>();
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            String key = e.getKey();
            Entry entry = e.getValue();
            origins.put(key, entry.origin);
            ArgumentGroup<?, ?> group = ConfigSchema.groupOf(key);
            if (group != null) {
                try {
                    apply(group, builders.get(group), key, entry);
                } catch (InvalidConfigException ex) {
                    throw new InvalidConfigException(entry.origin + ": " + ex.getMessage(), ex);
                }
            } else if (ConfigSchema.IGNORED.containsKey(key)) {
                ignored.put(key, entry.value);
                LOG.warn("{}: {} is accepted but ignored: {}", entry.origin, key, ConfigSchema.IGNORED.get(key));
            } else if (ConfigSchema.UNSUPPORTED.containsKey(key)) {
                ConfigSchema.Unsupported feature = ConfigSchema.UNSUPPORTED.get(key);
                if (!feature.isOff(entry.value)) {
                    throw new InvalidConfigException(entry.origin + ": " + key
                            + ": not supported by LlamaFactory for Java ("
                            + feature.reason() + "), got " + ValueType.show(entry.value));
                }
                ignored.put(key, entry.value);
            } else {
                throw new InvalidConfigException(entry.origin + ": " + ConfigSchema.unknownKey(key));
            }
        }
        try {
            FineTuneConfig.Builder config = FineTuneConfig.builder(build(ModelArguments.schema(), builders))
                    .finetuning(build(FinetuningArguments.schema(), builders))
                    .data(build(DataArguments.schema(), builders))
                    .training(build(TrainingArguments.schema(), builders))
                    .generating(build(GeneratingArguments.schema(), builders))
                    .export(build(ExportArguments.schema(), builders))
                    .ignoredKeys(ignored);
            return config.build();
        } catch (InvalidConfigException ex) {
            Matcher m = LEADING_KEY.matcher(ex.getMessage());
            String origin = m.find() && origins.containsKey(m.group(1)) ? origins.get(m.group(1)) : source;
            throw new InvalidConfigException(origin + ": " + ex.getMessage(), ex);
        }
    }

    /** Renames aliases and transformers' fractional {@code warmup_steps}; rejects a key given twice under two names. */
    private static Map<String, Entry> canonicalKeys(Map<String, Entry> input) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Map.Entry<String, Entry> e : input.entrySet()) {
            String key = e.getKey() == null ? "" : e.getKey().trim();
            Entry entry = e.getValue();
            String canonical = ConfigSchema.ALIASES.getOrDefault(key, key);
            if (canonical.equals("warmup_steps") && isFraction(entry.value)) {
                // transformers 5 reads warmup_steps below 1 as a ratio of the total steps.
                canonical = "warmup_ratio";
            }
            if (!canonical.equals(key) && input.containsKey(canonical)) {
                throw new InvalidConfigException(
                        entry.origin + ": " + key + " and " + canonical + " both given; they set the same value");
            }
            entries.put(canonical, entry);
        }
        return entries;
    }

    private static boolean isFraction(Object raw) {
        try {
            double d = ValueType.DOUBLE.decode(raw);
            return d > 0 && d < 1;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @SuppressWarnings("unchecked")
    private static <A, B> void apply(ArgumentGroup<A, B> group, Object builder, String key, Entry entry) {
        ConfigKey<A, B, ?> configKey = group.keys().get(key);
        Object raw = entry.value;
        if (entry.text != null && raw != null && !(raw instanceof Collection) && configKey.takesText()) {
            raw = entry.text; // an override such as default_system=0123 stays the text it was written as
        }
        configKey.apply((B) builder, raw);
    }

    @SuppressWarnings("unchecked")
    private static <A, B> A build(ArgumentGroup<A, B> group, Map<ArgumentGroup<?, ?>, Object> builders) {
        return group.build((B) builders.get(group));
    }
}
